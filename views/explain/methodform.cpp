// SPDX-License-Identifier: MIT
#include "views/explain/methodform.h"

#include "core/explain/explain_method_registry.h"
#include "core/explain/explain_record.h"
#include "core/explain/forward_cache.h"
#include "views/explain/methodnames.h"
#include "views/explain/methodsettingsform.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <cmath>
#include <optional>

namespace loupe::views {

namespace {

QSpinBox* spin(QWidget* parent, int lo, int hi, int value, const QString& special = {})
{
    auto* s = new QSpinBox(parent);
    s->setRange(lo, hi);
    s->setValue(value);
    if (!special.isEmpty()) s->setSpecialValueText(special);
    return s;
}

QFormLayout* form(QWidget* page)
{
    auto* f = new QFormLayout(page);
    f->setContentsMargins(0, 0, 0, 0);
    f->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    return f;
}

} // namespace

QStringList MethodForm::methods()
{
    const QStringList order{QStringLiteral("rollout"),
                            QStringLiteral("attention"),
                            QStringLiteral("chefer"),
                            QStringLiteral("gradcam"),
                            QStringLiteral("gradcam-attn"),
                            QStringLiteral("input-x-grad"),
                            QStringLiteral("integrated-gradients"),
                            QStringLiteral("occlusion"),
                            QStringLiteral("rise"),
                            QStringLiteral("head-importance")};
    QStringList out;
    for (const QString& m : order)
        if (core::mapMethods().contains(m)) out << m;
    // Methods plugins added, after the built-ins: the registry refuses a built-in's name, so none repeats.
    for (const QString& m : core::registeredExplainMethodNames())
        if (!out.contains(m)) out << m;
    return out;
}

MethodForm::MethodForm(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("explainMethod"));
    const QStringList all = methods();
    for (const QString& m : all)
        m_method->addItem(methodDisplayName(m), m); // a plugin method's own title
    m_pages = new QStackedWidget(this);
    for (const QString& m : all) {
        if (const auto added = core::registeredExplainMethod(m))
            m_pages->addWidget(addedMethodPage(*added));
        else if (m == QLatin1String("attention"))
            m_pages->addWidget(attentionPage());
        else if (m == QLatin1String("rollout"))
            m_pages->addWidget(rolloutPage());
        else if (m == QLatin1String("integrated-gradients"))
            m_pages->addWidget(igPage());
        else if (m == QLatin1String("occlusion"))
            m_pages->addWidget(occlusionPage());
        else if (m == QLatin1String("rise"))
            m_pages->addWidget(risePage());
        else if (m == QLatin1String("head-importance"))
            m_pages->addWidget(notePage(tr("Removes each head in turn (one forward per head) and ranks the "
                                           "heads by how much the target logit drops.")));
        else if (m == QLatin1String("gradcam"))
            m_pages->addWidget(
                gradCamPage(0, tr("pytorch-grad-cam's ViT recipe: the output of the block's first "
                                  "LayerNorm, channels weighted by their mean gradient.")));
        else if (m == QLatin1String("gradcam-attn"))
            m_pages->addWidget(
                gradCamPage(1, tr("Chefer et al.'s attention Grad-CAM: the block's CLS attention "
                                  "row, each head weighted by its mean gradient.")));
        else if (m == QLatin1String("chefer"))
            m_pages->addWidget(notePage(tr("Gradient-weighted attention relevancy (Chefer et al. 2021): one "
                                           "forward and one backward pass.")));
        else
            m_pages->addWidget(notePage(tr("One forward and one backward pass.")));
    }
    // Attention and rollout read a token's row or column; a click on the image picks the token.
    m_tokenRow = new QWidget(this);
    // Two lines: the token's name ("patch row 11, column 11") above its controls, so a side dock stays
    // narrow.
    auto* tokenLayout = new QGridLayout(m_tokenRow);
    tokenLayout->setContentsMargins(0, 0, 0, 0);
    m_tokenLabel = new QLabel(tr("CLS"), m_tokenRow);
    m_direction = new QComboBox(m_tokenRow);
    m_direction->addItem(tr("attends to"));
    m_direction->addItem(tr("attended by"));
    m_direction->setToolTip(tr("Row: what the token attends to. Column: what attends to the token."));
    auto* cls = new QPushButton(tr("CLS"), m_tokenRow);
    cls->setToolTip(tr("Back to the class token"));
    tokenLayout->addWidget(new QLabel(tr("Token:"), m_tokenRow), 0, 0);
    tokenLayout->addWidget(m_tokenLabel, 0, 1, 1, 2);
    tokenLayout->addWidget(m_direction, 1, 1);
    tokenLayout->addWidget(cls, 1, 2);
    tokenLayout->setColumnStretch(1, 1);
    layout->addWidget(m_method);
    layout->addWidget(m_pages);
    layout->addWidget(m_tokenRow);
    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        syncPage();
        emitChanged();
    });
    connect(m_direction, &QComboBox::currentIndexChanged, this, &MethodForm::emitChanged);
    connect(cls, &QPushButton::clicked, this, [this] {
        setToken(0, tr("CLS"));
        m_direction->setCurrentIndex(0);
        emitChanged();
    });
    syncPage();
}

QWidget* MethodForm::attentionPage()
{
    auto* page = new QWidget(this);
    QFormLayout* f = form(page);
    m_layer = spin(page, -1, 11, -1, tr("last"));
    m_head = spin(page, -1, 11, -1, tr("mean of heads"));
    f->addRow(tr("Layer"), m_layer);
    f->addRow(tr("Head"), m_head);
    connect(m_layer, &QSpinBox::valueChanged, this, &MethodForm::emitChanged);
    connect(m_head, &QSpinBox::valueChanged, this, &MethodForm::emitChanged);
    return page;
}

QWidget* MethodForm::rolloutPage()
{
    auto* page = new QWidget(this);
    QFormLayout* f = form(page);
    m_fusion = new QComboBox(page);
    m_fusion->addItems({QStringLiteral("mean"), QStringLiteral("max"), QStringLiteral("min")});
    m_discard = new QSlider(Qt::Horizontal, page);
    m_discard->setObjectName(QStringLiteral("discardRatio"));
    m_discard->setRange(0, 99); // percent
    m_discardLabel = new QLabel(QStringLiteral("0 %"), page);
    m_discardLabel->setMinimumWidth(m_discardLabel->fontMetrics().horizontalAdvance(QStringLiteral("99 %")));
    auto* discardRow = new QHBoxLayout;
    discardRow->addWidget(m_discard, 1);
    discardRow->addWidget(m_discardLabel);
    m_startLayer = spin(page, 0, 11, 0);
    f->addRow(tr("Head fusion"), m_fusion);
    f->addRow(tr("Discard"), discardRow);
    f->addRow(tr("Start layer"), m_startLayer);
    connect(m_fusion, &QComboBox::currentIndexChanged, this, &MethodForm::emitChanged);
    connect(m_discard, &QSlider::valueChanged, this, [this](int v) {
        m_discardLabel->setText(QStringLiteral("%1 %").arg(v));
        emitChanged();
    });
    connect(m_startLayer, &QSpinBox::valueChanged, this, &MethodForm::emitChanged);
    return page;
}

QWidget* MethodForm::igPage()
{
    auto* page = new QWidget(this);
    QFormLayout* f = form(page);
    m_igSteps = spin(page, 1, 1024, 16);
    f->addRow(tr("Steps"), m_igSteps);
    connect(m_igSteps, &QSpinBox::valueChanged, this, &MethodForm::emitChanged);
    return page;
}

QWidget* MethodForm::occlusionPage()
{
    auto* page = new QWidget(this);
    QFormLayout* f = form(page);
    m_window = spin(page, 0, 512, 0, tr("one patch"));
    m_stride = spin(page, 0, 512, 0, tr("half a patch"));
    m_window->setSuffix(tr(" px"));
    m_stride->setSuffix(tr(" px"));
    f->addRow(tr("Window"), m_window);
    f->addRow(tr("Stride"), m_stride);
    connect(m_window, &QSpinBox::valueChanged, this, &MethodForm::emitChanged);
    connect(m_stride, &QSpinBox::valueChanged, this, &MethodForm::emitChanged);
    return page;
}

QWidget* MethodForm::risePage()
{
    auto* page = new QWidget(this);
    QFormLayout* f = form(page);
    m_masks = spin(page, 1, 100000, 1000);
    m_cells = spin(page, 1, 64, 8);
    m_riseP = new QDoubleSpinBox(page);
    m_riseP->setRange(0.01, 1.0);
    m_riseP->setSingleStep(0.05);
    m_riseP->setValue(0.5);
    m_seed = spin(page, 0, 1 << 30, 0);
    f->addRow(tr("Masks (N)"), m_masks);
    f->addRow(tr("Cells (s)"), m_cells);
    f->addRow(tr("Keep (p)"), m_riseP);
    f->addRow(tr("Seed"), m_seed);
    for (QSpinBox* s : {m_masks, m_cells, m_seed})
        connect(s, &QSpinBox::valueChanged, this, &MethodForm::emitChanged);
    connect(m_riseP, &QDoubleSpinBox::valueChanged, this, &MethodForm::emitChanged);
    return page;
}

QWidget* MethodForm::gradCamPage(int which, const QString& note)
{
    auto* page = new QWidget(this);
    QFormLayout* f = form(page);
    auto* label = new QLabel(note, page);
    label->setWordWrap(true);
    m_camBlock[which] = spin(page, -1, 11, -1, tr("last"));
    m_camBlock[which]->setObjectName(QStringLiteral("gradCamBlock"));
    f->addRow(label);
    f->addRow(tr("Block"), m_camBlock[which]);
    connect(m_camBlock[which], &QSpinBox::valueChanged, this, &MethodForm::emitChanged);
    return page;
}

QWidget* MethodForm::addedMethodPage(const core::ExplainMethodEntry& entry)
{
    // The page names the plugin, so a map is never taken for a built-in method's; the title is in the
    // menu above, the page adds the name `loupe explain --method` takes.
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("pluginMethodPage"));
    QFormLayout* f = form(page);
    auto* label =
        new QLabel(tr("“%1” from the plugin %2").arg(entry.name, QFileInfo(entry.origin).fileName()), page);
    label->setObjectName(QStringLiteral("pluginMethodOrigin"));
    label->setTextFormat(Qt::PlainText); // names come from a plugin
    label->setWordWrap(true);
    label->setToolTip(entry.origin);
    f->addRow(label);
    if (!entry.settings.empty()) {
        auto* settings = new MethodSettingsForm(entry.settings, page);
        f->addRow(settings);
        m_settings.insert(entry.name, settings);
        connect(settings, &MethodSettingsForm::changed, this, &MethodForm::emitChanged);
    }
    return page;
}

QWidget* MethodForm::notePage(const QString& text)
{
    auto* label = new QLabel(text, this);
    label->setWordWrap(true);
    return label;
}

void MethodForm::syncPage()
{
    // A stack is as tall as its tallest page; let only the shown page claim room.
    for (int i = 0; i < m_pages->count(); ++i)
        m_pages->widget(i)->setSizePolicy(QSizePolicy::Preferred, i == m_method->currentIndex()
                                                                      ? QSizePolicy::Preferred
                                                                      : QSizePolicy::Ignored);
    m_pages->setCurrentIndex(m_method->currentIndex());
    m_pages->adjustSize();
    m_tokenRow->setVisible(core::isAttentionMethod(method()));
}

void MethodForm::emitChanged()
{
    if (!m_quiet) emit changed();
}

void MethodForm::setModelShape(int layers, int heads)
{
    const bool was = m_quiet;
    m_quiet = true;
    m_layer->setMaximum(std::max(0, layers - 1));
    m_head->setMaximum(std::max(0, heads - 1));
    m_startLayer->setMaximum(std::max(0, layers - 1));
    for (QSpinBox* b : m_camBlock)
        b->setMaximum(std::max(0, layers - 1));
    m_quiet = was;
}

QString MethodForm::method() const
{
    return m_method->currentData().toString();
}

void MethodForm::setMethod(const QString& method)
{
    const int i = m_method->findData(method);
    if (i >= 0) m_method->setCurrentIndex(i);
}

void MethodForm::setToken(int token, const QString& text)
{
    m_token = token;
    m_tokenLabel->setText(text);
}

core::ExplainParams MethodForm::params() const
{
    core::ExplainParams p;
    p.method = method();
    p.token = m_token;
    p.column = m_direction->currentIndex() == 1;
    p.layer = m_layer->value();
    p.head = m_head->value();
    if (p.method == QLatin1String("gradcam")) p.layer = m_camBlock[0]->value();
    if (p.method == QLatin1String("gradcam-attn")) p.layer = m_camBlock[1]->value();
    p.fusion = core::fusionFromName(m_fusion->currentText()).value_or(compute::attribution::HeadFusion::Mean);
    p.discardRatio = float(m_discard->value()) / 100.0f;
    p.startLayer = m_startLayer->value();
    p.igSteps = m_igSteps->value();
    p.occlusionWindow = m_window->value();
    p.occlusionStride = m_stride->value();
    p.riseMasks = m_masks->value();
    p.riseCells = m_cells->value();
    p.riseP = float(m_riseP->value());
    p.seed = uint64_t(m_seed->value());
    if (const MethodSettingsForm* settings = m_settings.value(p.method))
        p.methodSettings = settings->values();
    return p;
}

void MethodForm::setParams(const core::ExplainParams& p)
{
    m_quiet = true;
    setMethod(p.method);
    m_token = p.token;
    m_tokenLabel->setText(p.token == 0 ? tr("CLS") : tr("token %1").arg(p.token));
    m_direction->setCurrentIndex(p.column ? 1 : 0);
    m_layer->setValue(p.layer);
    m_head->setValue(p.head);
    for (QSpinBox* b : m_camBlock)
        b->setValue(p.layer);
    m_fusion->setCurrentText(core::fusionName(p.fusion));
    m_discard->setValue(int(std::lround(p.discardRatio * 100.0f)));
    m_startLayer->setValue(p.startLayer);
    m_igSteps->setValue(p.igSteps);
    m_window->setValue(p.occlusionWindow);
    m_stride->setValue(p.occlusionStride);
    m_masks->setValue(p.riseMasks);
    m_cells->setValue(p.riseCells);
    m_riseP->setValue(double(p.riseP));
    m_seed->setValue(int(std::min<uint64_t>(p.seed, uint64_t(1) << 30)));
    if (MethodSettingsForm* settings = m_settings.value(p.method)) settings->setValues(p.methodSettings);
    m_quiet = false;
    syncPage();
    emit changed();
}

} // namespace loupe::views
