// SPDX-License-Identifier: MIT
#include "views/annotate/samoptions.h"

#include "views/annotate/samtool.h"
#include "views/annotate/shapescene.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

namespace loupe::views {

SamOptionsBar::SamOptionsBar(SamTool* tool, QWidget* parent) : QWidget(parent), m_tool(tool)
{
    m_tolerance = new QDoubleSpinBox(this);
    m_tolerance->setObjectName(QStringLiteral("samTolerance"));
    m_tolerance->setRange(0.0, 50.0);
    m_tolerance->setSingleStep(0.5);
    m_tolerance->setDecimals(1);
    m_tolerance->setSuffix(tr(" px"));
    m_tolerance->setToolTip(
        tr("How far a polygon's outline may stray from the mask, in image pixels: larger gives fewer "
           "vertices ([ and ] on the canvas)"));
    m_output = new QComboBox(this);
    m_output->setObjectName(QStringLiteral("samOutput"));
    m_output->addItem(tr("Polygon"), int(SamTool::Output::Polygon));
    m_output->addItem(tr("Mask"), int(SamTool::Output::Mask));
    m_output->setToolTip(tr("What Enter adds; Shift+Enter adds the other"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(new QLabel(tr("SAM tolerance"), this));
    layout->addWidget(m_tolerance);
    layout->addWidget(new QLabel(tr("Enter adds"), this));
    layout->addWidget(m_output);
    sync();
    connect(m_tolerance, &QDoubleSpinBox::valueChanged, m_tool, &SamTool::setTolerance);
    connect(m_output, &QComboBox::currentIndexChanged, this,
            [this] { m_tool->setOutput(SamTool::Output(m_output->currentData().toInt())); });
    connect(m_tool, &SamTool::optionsChanged, this, &SamOptionsBar::sync);
}

void SamOptionsBar::sync()
{
    const QSignalBlocker a(m_tolerance), b(m_output);
    m_tolerance->setValue(m_tool->tolerance());
    m_output->setCurrentIndex(m_output->findData(int(m_tool->output())));
}

} // namespace loupe::views
