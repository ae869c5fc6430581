// SPDX-License-Identifier: MIT
#include "views/text/mapcontrols.h"

#include <QComboBox>
#include <QGridLayout>
#include <QSlider>
#include <QStandardItemModel>

namespace loupe::views {

MapControls::MapControls(QWidget* parent) : QWidget(parent)
{
    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("mapSource"));
    m_source->addItem(tr("Cross-attention"), int(MapSource::CrossAttention));
    m_source->addItem(tr("Relevancy"), int(MapSource::Relevancy));
    m_layers = new QComboBox(this);
    m_layers->setObjectName(QStringLiteral("mapLayers"));
    m_layers->addItem(tr("Last layer"), int(MapLayers::Last));
    m_layers->addItem(tr("All layers mean"), int(MapLayers::Mean));
    m_colormap = new QComboBox(this);
    m_colormap->setObjectName(QStringLiteral("mapColormap"));
    m_colormap->addItems(colormapNames());
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setObjectName(QStringLiteral("mapOpacity"));
    m_opacity->setRange(0, 100);
    m_opacity->setValue(50); // as the Explain panel starts
    m_opacity->setToolTip(tr("Opacity of the map on the image"));
    m_opacity->setMinimumWidth(50);
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_source, 0, 0);
    grid->addWidget(m_layers, 0, 1);
    grid->addWidget(m_colormap, 1, 0);
    grid->addWidget(m_opacity, 1, 1);
    setRelevancyAvailable(false);
    connect(m_source, &QComboBox::currentIndexChanged, this, &MapControls::mapChanged);
    connect(m_layers, &QComboBox::currentIndexChanged, this, &MapControls::mapChanged);
    connect(m_colormap, &QComboBox::currentIndexChanged, this, &MapControls::styleChanged);
    connect(m_opacity, &QSlider::valueChanged, this, &MapControls::styleChanged);
}

MapSource MapControls::source() const
{
    return MapSource(m_source->currentData().toInt());
}

MapLayers MapControls::layers() const
{
    return MapLayers(m_layers->currentData().toInt());
}

Colormap MapControls::colormap() const
{
    return Colormap(m_colormap->currentIndex());
}

double MapControls::opacity() const
{
    return m_opacity->value() / 100.0;
}

void MapControls::setRelevancyAvailable(bool available)
{
    auto* model = qobject_cast<QStandardItemModel*>(m_source->model());
    if (QStandardItem* item = model ? model->item(1) : nullptr) {
        item->setEnabled(available);
        item->setToolTip(available ? QString() : tr("This model's traces carry no relevancy maps"));
    }
    if (!available && source() == MapSource::Relevancy) m_source->setCurrentIndex(0);
}

} // namespace loupe::views
