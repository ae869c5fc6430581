// SPDX-License-Identifier: MIT
#include "views/caption/captionpanel.h"

#include "core/inference/execution.h"
#include "core/models/engine_choice.h"
#include "core/store/captions.h"
#include "core/store/project.h"
#include "core/store/records.h"
#include "views/canvas/imagecanvas.h"
#include "views/text/alternativestree.h"
#include "views/text/decodingform.h"
#include "views/text/projectmodelpicker.h"
#include "views/text/tokeninspector.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLoggingCategory>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace loupe::views {

Q_LOGGING_CATEGORY(lcCaption, "loupe.caption")

CaptionPanel::CaptionPanel(ImageCanvas* canvas, QWidget* parent)
    : ImageTextPanel(canvas, lcCaption, parent), m_canvas(canvas)
{
    setObjectName(QStringLiteral("captionPanel"));
    m_variantList = new QListWidget(this);
    m_variantList->setObjectName(QStringLiteral("captionVariants"));
    m_variantList->setToolTip(tr("The caption and its branches: pick one to look into it"));
    m_variantList->setWordWrap(true);

    layOut(buildControls(), m_variantList, 3);

    connect(m_variantList, &QListWidget::currentRowChanged, this, &CaptionPanel::showVariant);
    connect(m_inspector, &TokenInspector::branchRequested, this,
            [this](int step, qint64 token) { branch(step, token); });
    connect(&m_watcher, &QFutureWatcher<CaptionOutcome>::finished, this, &CaptionPanel::onFinished);
    connect(&m_relevancy, &QFutureWatcher<RelevancyOutcome>::finished, this,
            &CaptionPanel::onRelevancyFinished);
    m_inspector->setRelevancyOnDemand(true);
    connect(m_inspector, &TokenInspector::mapMissing, this, &CaptionPanel::requestRelevancy);
    setBusy(false);
    m_inspector->setMessage(tr("Choose a captioning model and an image, then Generate."));
}

CaptionPanel::~CaptionPanel()
{
    cancel();
    m_watcher.waitForFinished(); // the job holds the captioner and posts to this panel
    m_relevancy.waitForFinished();
}

QWidget* CaptionPanel::buildControls()
{
    auto* w = new QWidget(this);
    addModelPicker(w, QStringLiteral("captionModel"));
    m_prompt = new QLineEdit(w);
    m_prompt->setObjectName(QStringLiteral("captionPrompt"));
    m_prompt->setPlaceholderText(tr("optional: the words every caption starts with"));
    m_form = new DecodingForm(w);
    m_generate = new QPushButton(tr("&Generate"), w);
    m_generate->setObjectName(QStringLiteral("captionGenerate"));
    m_cancel = new QPushButton(tr("Cancel"), w);
    m_cancel->setObjectName(QStringLiteral("captionCancel"));
    m_copy = new QPushButton(tr("Copy"), w);
    m_copy->setObjectName(QStringLiteral("captionCopy"));
    m_save = new QPushButton(tr("Save as Caption"), w);
    m_save->setObjectName(QStringLiteral("captionSave"));
    m_save->setToolTip(tr("Store this text as the image's caption, with the model and settings that made it "
                          "(Edit > Undo removes it)"));
    addStatus(w, QStringLiteral("captionStatus"));

    auto* form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Model"), m_models);
    form->addRow(tr("Prompt"), m_prompt);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_generate);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    auto* keep = new QHBoxLayout;
    keep->addWidget(m_copy);
    keep->addWidget(m_save);
    keep->addStretch(1);
    auto* box = new QVBoxLayout(w);
    box->setContentsMargins(0, 0, 0, 0);
    box->addLayout(form);
    box->addWidget(m_form);
    box->addLayout(buttons);
    box->addLayout(keep);
    box->addWidget(m_status);

    connect(m_generate, &QPushButton::clicked, this, [this] { generate(); });
    connect(m_prompt, &QLineEdit::returnPressed, this, [this] { generate(); });
    connect(m_cancel, &QPushButton::clicked, this, &CaptionPanel::cancel);
    connect(m_copy, &QPushButton::clicked, this, &CaptionPanel::copyText);
    connect(m_save, &QPushButton::clicked, this, [this] { saveCaption(); });
    return w;
}

void CaptionPanel::imageChanged()
{
    // Captions and their maps belong to one image.
    m_variants.clear();
    m_variantList->clear();
    m_current = -1;
    ++m_epoch;
    m_inspector->setMessage(m_image.isEmpty() ? tr("Select an image.")
                                              : tr("Generate to caption this image."));
    setBusy(isRunning());
}

bool CaptionPanel::generate()
{
    CaptionJob job;
    return start(std::move(job));
}

bool CaptionPanel::branch(int step, qint64 token)
{
    if (m_current < 0) {
        showError(tr("There is no caption to branch from."));
        return false;
    }
    CaptionJob job;
    job.branchStep = step;
    job.branchToken = token;
    job.parent = m_variants[m_current].caption;
    m_branchParent = m_current;
    return start(std::move(job));
}

bool CaptionPanel::start(CaptionJob job)
{
    if (isRunning()) {
        showError(tr("A caption is being generated: wait or cancel it."));
        return false;
    }
    if (modelFolder().isEmpty()) {
        showError(tr("Choose a captioning model first (the Models dock registers one)."));
        return false;
    }
    if (m_image.isEmpty()) {
        showError(tr("Select an image first."));
        return false;
    }
    m_lastError.clear();
    job.folder = modelFolder();
    job.image = m_image;
    job.prompt = m_prompt->text();
    job.decoding = m_form->choices();
    // Read at each run, so a choice made in the Models panel applies from the next caption.
    job.engine = core::modelEngineOptions(job.folder);
    job.captioner = m_captioner;
    job.captionerKey = m_captionerKey;
    m_cancelFlag = std::make_shared<std::atomic<bool>>(false);
    job.cancel = m_cancelFlag;
    QPointer<CaptionPanel> self(this);
    job.onText = [self](const QString& text) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, text] {
                if (!self) return;
                self->m_inspector->setStreaming(text);
                emit self->textStreamed(text);
            },
            Qt::QueuedConnection);
    };
    m_runImage = m_image;
    m_inspector->setStreaming(QString());
    m_status->setText(job.branchStep >= 0 ? tr("Branching at token %1…").arg(job.branchStep + 1)
                                          : tr("Generating…"));
    m_watcher.setFuture(QtConcurrent::run(runCaptionJob, std::move(job)));
    setBusy(true);
    return true;
}

void CaptionPanel::cancel()
{
    if (m_cancelFlag) m_cancelFlag->store(true);
}

void CaptionPanel::onFinished()
{
    CaptionOutcome out = m_watcher.result();
    if (out.captioner) {
        m_captioner = out.captioner;
        m_captionerKey = out.captionerKey;
    }
    const bool cancelled = m_cancelFlag && m_cancelFlag->load();
    m_cancelFlag.reset();
    setBusy(false);
    if (m_runImage != m_image) { // the image changed while it ran: this caption is not about it
        emit finished(false);
        return;
    }
    if (!out.error.isEmpty()) {
        showError(out.error);
        if (m_current >= 0)
            showVariant(m_current);
        else
            m_inspector->setMessage(out.error);
        emit finished(false);
        return;
    }
    QString label;
    if (out.branchStep >= 0) {
        const GeneratedText& parent = m_variants[m_branchParent].text;
        QString alt;
        for (const TokenAlternative& a : parent.pieces[size_t(out.branchStep)].alternatives)
            if (a.id == out.branchToken) alt = a.text.trimmed();
        label = tr("what if %1 = “%2”").arg(out.branchStep + 1).arg(alt);
    }
    if (cancelled) label += (label.isEmpty() ? QString() : QStringLiteral(", ")) + tr("cancelled");
    if (out.branchStep < 0) { // a fresh caption starts a new tree of variants
        m_variants.clear();
        m_variantList->clear();
        m_current = -1;
    }
    addVariant(out.text, out.caption, label, out.execution);
    const QString ran = core::executionSummary(out.execution);
    m_status->setText(
        cancelled ? tr("Cancelled after %n token(s) — %1.", nullptr, int(out.text.tokens.size())).arg(ran)
                  : tr("%n token(s) — %1. Click a word to see where the model looked.", nullptr,
                       int(out.text.tokens.size()))
                        .arg(ran));
    emit finished(!cancelled);
}

void CaptionPanel::addVariant(const GeneratedText& text, const core::Caption& caption, const QString& label,
                              const compute::ExecutionRecord& execution)
{
    m_variants.push_back({text, caption, label, execution, std::vector<bool>(text.tokens.size(), false)});
    const int n = int(m_variants.size());
    const QString line = label.isEmpty()
                             ? QStringLiteral("%1. %2").arg(n).arg(text.text.trimmed())
                             : QStringLiteral("%1. %2 — %3").arg(n).arg(text.text.trimmed(), label);
    m_variantList->addItem(line);
    m_variantList->setCurrentRow(n - 1); // shows it
}

void CaptionPanel::showVariant(int i)
{
    if (i < 0 || i >= int(m_variants.size())) return;
    m_current = i;
    if (m_variantList->currentRow() != i) {
        const QSignalBlocker block(m_variantList);
        m_variantList->setCurrentRow(i);
    }
    m_inspector->setGenerated(m_variants[i].text);
    m_inspector->setMapShown(m_active);
    setBusy(isRunning());
}

void CaptionPanel::requestRelevancy(int first, int count)
{
    if (m_current < 0 || isRunning() || !m_captioner) return; // asked again when the word is clicked
    Variant& v = m_variants[m_current];
    RelevancyJob job;
    for (int k = first; k < first + count && k < int(v.relevancyAsked.size()); ++k)
        if (!v.relevancyAsked[size_t(k)]) {
            v.relevancyAsked[size_t(k)] = true;
            job.tokens.push_back(k);
        }
    if (job.tokens.empty()) return;
    job.captioner = m_captioner;
    job.caption = v.caption;
    job.folder = modelFolder();
    job.variant = m_current;
    m_relevancyEpoch = m_epoch;
    m_status->setText(tr("Computing relevancy (a backward pass per token)…"));
    m_relevancy.setFuture(QtConcurrent::run(runRelevancyJob, std::move(job)));
    setBusy(true);
}

void CaptionPanel::onRelevancyFinished()
{
    const RelevancyOutcome out = m_relevancy.result();
    setBusy(false);
    if (m_relevancyEpoch != m_epoch || out.variant < 0 || out.variant >= int(m_variants.size())) {
        emit relevancyReady(false);
        return;
    }
    Variant& v = m_variants[out.variant];
    if (v.text.relevancy.size() < v.text.tokens.size()) v.text.relevancy.resize(v.text.tokens.size());
    for (const auto& [k, map] : out.maps)
        v.text.relevancy[size_t(k)] = map;
    if (!out.error.isEmpty())
        showError(out.error);
    else
        m_status->setText(tr("Relevancy: where the image made the model say the word."));
    if (out.variant == m_current)
        for (const auto& [k, map] : out.maps)
            m_inspector->setTokenRelevancy(k, map);
    emit relevancyReady(out.error.isEmpty());
}

bool CaptionPanel::saveCaption()
{
    if (!m_project || m_assetId < 0 || m_current < 0) {
        showError(tr("Open a project, select an image and generate a caption first."));
        return false;
    }
    const Variant& v = m_variants[m_current];
    core::RunRecord run;
    run.assetId = m_assetId;
    run.kind = QStringLiteral("caption");
    run.modelPath = m_project->storedPath(modelFolder());
    run.parameters = QJsonObject{{QStringLiteral("prompt"), m_prompt->text()},
                                 {QStringLiteral("decoding"), m_form->choices().key()},
                                 {QStringLiteral("variant"), v.label}};
    core::applyExecution(run, v.execution);
    run.when = QDateTime::currentDateTimeUtc();
    QJsonArray ids;
    for (int64_t id : v.caption.sequence.tokens)
        ids.append(qint64(id));
    run.result = QJsonObject{{QStringLiteral("text"), v.text.text}, {QStringLiteral("token_ids"), ids}};
    QString error;
    const auto runId = m_project->addRun(run, &error);
    const auto id = runId ? core::addCaption(*m_project, m_assetId, v.text.text.trimmed(),
                                             QStringLiteral("model"), runId, &error)
                          : std::nullopt;
    if (!id) {
        showError(tr("The caption could not be saved: %1").arg(error));
        return false;
    }
    m_status->setText(tr("Saved as the image's caption (Edit > Undo removes it)."));
    emit captionSaved(*id);
    return true;
}

void CaptionPanel::copyText() const
{
    if (m_current >= 0) QApplication::clipboard()->setText(m_variants[m_current].text.text.trimmed());
}

void CaptionPanel::setBusy(bool busy)
{
    m_generate->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    m_inspector->alternatives()->setEnabled(!busy);
    m_copy->setEnabled(!busy && m_current >= 0);
    m_save->setEnabled(!busy && m_current >= 0 && m_project && m_assetId >= 0);
}

} // namespace loupe::views
