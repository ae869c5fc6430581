// SPDX-License-Identifier: MIT
// The Explain panel's widgets and their wiring; the behaviour is in explainpanel.cpp.
#include "views/explain/compareview.h"
#include "views/explain/explaincharts.h"
#include "views/explain/explainpanel.h"
#include "views/explain/headgrid.h"
#include "views/explain/heatmaplayer.h"
#include "views/explain/methodform.h"
#include "views/explain/targetpicker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QTabWidget>
#include <QVBoxLayout>

namespace loupe::views {

namespace {

QSlider* percentSlider(QWidget* parent, int value, const QString& name)
{
    auto* s = new QSlider(Qt::Horizontal, parent);
    s->setObjectName(name);
    s->setRange(0, 100);
    s->setValue(value);
    return s;
}

} // namespace

QWidget* ExplainPanel::buildControls()
{
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_models = new QComboBox(box);
    m_models->setObjectName(QStringLiteral("explainModel"));
    m_models->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_targets = new TargetPicker(box);
    m_form = new MethodForm(box);
    form->addRow(tr("Model"), m_models);
    form->addRow(tr("Target"), m_targets);
    form->addRow(tr("Method"), m_form);

    m_colormap = new QComboBox(box);
    m_colormap->addItems(colormapNames());
    m_opacity = percentSlider(box, 50, QStringLiteral("explainOpacity"));
    m_threshold = percentSlider(box, 0, QStringLiteral("explainThreshold"));
    m_overlayVisible = new QCheckBox(tr("Show on image"), box);
    m_overlayVisible->setChecked(true);
    auto* look = new QHBoxLayout;
    look->addWidget(m_colormap);
    look->addWidget(m_overlayVisible);
    form->addRow(tr("Colours"), look);
    form->addRow(tr("Opacity"), m_opacity);
    form->addRow(tr("Threshold"), m_threshold);

    m_explainButton = new QPushButton(tr("Explain"), box);
    m_explainButton->setObjectName(QStringLiteral("explainButton"));
    m_explainButton->setToolTip(tr("Compute the map for the target, score it and store it in the project"));
    m_cancelButton = new QPushButton(tr("Cancel"), box);
    m_cancelButton->setEnabled(false);
    m_probeButton = new QPushButton(tr("Probe patch"), box);
    m_probeButton->setCheckable(true);
    m_probeButton->setToolTip(
        tr("Click a patch on the image to see what it attends to (or what attends to it)"));
    m_exportButton = new QPushButton(tr("Export…"), box);
    m_exportButton->setToolTip(tr("Save the shown map: overlay PNG, grey PNG and the raw .npy"));
    auto* pin = new QPushButton(tr("Pin A"), box);
    pin->setToolTip(tr("Keep the shown map as A in the Compare tab"));
    auto* buttons = new QGridLayout;
    buttons->addWidget(m_explainButton, 0, 0);
    buttons->addWidget(m_cancelButton, 0, 1);
    buttons->addWidget(m_probeButton, 0, 2);
    buttons->addWidget(pin, 1, 0);
    buttons->addWidget(m_exportButton, 1, 1);
    m_curvesEnabled = new QCheckBox(tr("Curves"), box);
    m_curvesEnabled->setChecked(true);
    m_curvesEnabled->setToolTip(tr("Also score the map: deletion and insertion curves (42 forward passes)"));
    buttons->addWidget(m_curvesEnabled, 1, 2);
    form->addRow(buttons);
    m_progress = new QProgressBar(box);
    m_progress->setVisible(false);
    form->addRow(m_progress);
    m_caption = new QLabel(tr("Select a model and an image."), box);
    m_caption->setObjectName(QStringLiteral("explainCaption"));
    m_caption->setWordWrap(true);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(m_caption);

    connect(m_models, &QComboBox::activated, this,
            [this](int i) { setModelFolder(m_models->itemData(i).toString()); });
    connect(m_targets, &TargetPicker::targetChanged, this, [this] { onFormChanged(); });
    connect(m_form, &MethodForm::changed, this, &ExplainPanel::onFormChanged);
    connect(m_colormap, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_layer->setColormap(Colormap(i));
        m_heads->setForward(m_forward, Colormap(i));
    });
    connect(m_opacity, &QSlider::valueChanged, this, [this](int v) { m_layer->setOpacity(v / 100.0); });
    connect(m_threshold, &QSlider::valueChanged, this, [this](int v) { m_layer->setThreshold(v / 100.0); });
    connect(m_overlayVisible, &QCheckBox::toggled, m_layer, &CanvasLayer::setVisible);
    connect(m_explainButton, &QPushButton::clicked, this, [this] { explain(); });
    connect(m_cancelButton, &QPushButton::clicked, this, &ExplainPanel::cancel);
    connect(pin, &QPushButton::clicked, this, &ExplainPanel::pinComparison);
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        if (!m_hasShown) return;
        QString path =
            QFileDialog::getSaveFileName(this, tr("Export Explanation"),
                                         QFileInfo(m_imagePath).completeBaseName() + QLatin1Char('.') +
                                             m_shown.params.method + QStringLiteral(".png"),
                                         tr("PNG and NumPy (*.png)"));
        if (path.isEmpty()) return;
        if (path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)) path.chop(4);
        QString error;
        const QStringList files = exportShown(path, &error);
        setCaption(files.isEmpty() ? error : tr("Wrote %1").arg(files.join(QStringLiteral(", "))));
    });
    return box;
}

QWidget* ExplainPanel::buildTabs()
{
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("explainTabs"));
    m_heads = new HeadGrid(m_tabs);
    auto* headScroll = new QScrollArea(m_tabs);
    headScroll->setWidget(m_heads);
    headScroll->setWidgetResizable(false);
    m_headChart = new HeadImportanceChart(m_tabs);
    m_curves = new FaithfulnessChart(m_tabs);
    m_compare = new CompareView(m_tabs);
    m_storedList = new QListWidget(m_tabs);
    m_storedList->setObjectName(QStringLiteral("explainStored"));
    m_storedList->setWordWrap(true);
    m_tabs->addTab(headScroll, tr("Heads"));
    m_tabs->addTab(m_curves, tr("Curves"));
    m_tabs->addTab(m_headChart, tr("Ranking"));
    m_tabs->addTab(m_compare, tr("Compare"));
    m_tabs->addTab(m_storedList, tr("Stored"));
    m_tabs->setMinimumHeight(240);
    connect(m_heads, &HeadGrid::headClicked, this, [this](int layer, int head) {
        core::ExplainParams p = m_form->params();
        p.method = QStringLiteral("attention");
        p.layer = layer;
        p.head = head;
        m_form->setParams(p);
    });
    connect(m_storedList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_stored.size()) showStored(m_stored[row].runId);
    });
    return m_tabs;
}

} // namespace loupe::views
