// SPDX-License-Identifier: MIT
#include "views/ask/askpanel.h"

#include "core/inference/execution.h"
#include "core/models/engine_choice.h"
#include "core/store/project.h"
#include "core/store/qaturns.h"
#include "core/store/records.h"
#include "views/text/alternativestree.h"
#include "views/text/decodingform.h"
#include "views/text/projectmodelpicker.h"
#include "views/text/tokeninspector.h"

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

Q_LOGGING_CATEGORY(lcAsk, "loupe.ask")

AskPanel::AskPanel(ImageCanvas* canvas, QWidget* parent) : ImageTextPanel(canvas, lcAsk, parent)
{
    setObjectName(QStringLiteral("askPanel"));
    m_history = new QListWidget(this);
    m_history->setObjectName(QStringLiteral("askHistory"));
    m_history->setWordWrap(true);
    m_history->setToolTip(tr("The questions about this image: pick one to look into its answer"));

    layOut(buildControls(), m_history, 2);

    connect(m_history, &QListWidget::currentRowChanged, this, &AskPanel::showTurn);
    connect(&m_watcher, &QFutureWatcher<AskOutcome>::finished, this, &AskPanel::onFinished);
    connect(&m_relevancy, &QFutureWatcher<AnswerRelevancyOutcome>::finished, this,
            &AskPanel::onRelevancyFinished);
    connect(m_inspector, &TokenInspector::mapMissing, this, &AskPanel::requestRelevancy);
    // An answer is decoded once from its question: there is no "what if" to regenerate it from.
    m_inspector->alternatives()->setToolTip(tr("What the model almost answered at each step"));
    setBusy(false);
    m_inspector->setMessage(tr("Choose a question-answering model and an image, then ask."));
}

AskPanel::~AskPanel()
{
    cancel();
    m_watcher.waitForFinished();
    m_relevancy.waitForFinished();
}

QWidget* AskPanel::buildControls()
{
    auto* w = new QWidget(this);
    addModelPicker(w, QStringLiteral("askModel"));
    m_form = new DecodingForm(w);
    m_question = new QLineEdit(w);
    m_question->setObjectName(QStringLiteral("askQuestion"));
    m_question->setPlaceholderText(tr("Ask about this image…"));
    m_ask = new QPushButton(tr("&Ask"), w);
    m_ask->setObjectName(QStringLiteral("askButton"));
    m_cancel = new QPushButton(tr("Cancel"), w);
    m_cancel->setObjectName(QStringLiteral("askCancel"));
    addStatus(w, QStringLiteral("askStatus"));

    auto* form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Model"), m_models);
    auto* line = new QHBoxLayout;
    line->addWidget(m_question, 1);
    line->addWidget(m_ask);
    line->addWidget(m_cancel);
    auto* box = new QVBoxLayout(w);
    box->setContentsMargins(0, 0, 0, 0);
    box->addLayout(form);
    box->addWidget(m_form);
    box->addLayout(line);
    box->addWidget(m_status);

    connect(m_ask, &QPushButton::clicked, this, [this] { ask(); });
    connect(m_question, &QLineEdit::returnPressed, this, [this] { ask(); });
    connect(m_cancel, &QPushButton::clicked, this, &AskPanel::cancel);
    return w;
}

void AskPanel::imageChanged()
{
    m_turns.clear(); // a chat is about one image
    m_history->clear();
    m_current = -1;
    ++m_epoch;
    m_inspector->setMessage(m_image.isEmpty() ? tr("Select an image.")
                                              : tr("Ask a question about this image."));
    // The project keeps the chat; its answers come back as text (their traces are not stored).
    if (m_project && m_assetId >= 0)
        for (const core::QaTurn& t : core::qaTurnsOf(*m_project, m_assetId)) {
            Turn turn;
            turn.question = t.question;
            turn.answer.text = t.answer;
            addTurn(turn);
        }
    setBusy(isRunning());
}

void AskPanel::store(const AskOutcome& out)
{
    if (!m_project || m_assetId < 0) return;
    core::RunRecord run;
    run.assetId = m_assetId;
    run.kind = QStringLiteral("ask");
    run.modelPath = m_project->storedPath(modelFolder());
    run.parameters = QJsonObject{{QStringLiteral("question"), out.question},
                                 {QStringLiteral("decoding"), m_form->choices().key()}};
    core::applyExecution(run, out.execution);
    run.when = QDateTime::currentDateTimeUtc();
    QJsonArray ids;
    for (int64_t id : out.answer.tokens)
        ids.append(qint64(id));
    run.result = QJsonObject{{QStringLiteral("text"), out.answer.text}, {QStringLiteral("token_ids"), ids}};
    QString error;
    const auto runId = m_project->addRun(run, &error);
    if (!runId || !core::appendQaTurn(*m_project, m_assetId, out.question, out.answer.text.trimmed(),
                                      QStringLiteral("model"), runId, &error))
        showError(tr("The answer could not be stored: %1").arg(error));
}

bool AskPanel::ask(const QString& question)
{
    const QString q = (question.isEmpty() ? m_question->text() : question).trimmed();
    if (isRunning()) {
        showError(tr("An answer is being generated: wait or cancel it."));
        return false;
    }
    if (modelFolder().isEmpty()) {
        showError(tr("Choose a question-answering model first (the Models dock registers one)."));
        return false;
    }
    if (m_image.isEmpty()) {
        showError(tr("Select an image first."));
        return false;
    }
    if (q.isEmpty()) {
        showError(tr("Type a question first."));
        return false;
    }
    m_lastError.clear();
    AskJob job;
    job.folder = modelFolder();
    job.image = m_image;
    job.question = q;
    job.decoding = m_form->choices();
    // Read at each question, so a choice made in the Models panel applies from the next answer.
    job.engine = core::modelEngineOptions(job.folder);
    job.asker = m_asker;
    job.askerKey = m_askerKey;
    m_cancelFlag = std::make_shared<std::atomic<bool>>(false);
    job.cancel = m_cancelFlag;
    QPointer<AskPanel> self(this);
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
    m_status->setText(tr("Answering “%1”…").arg(q.toHtmlEscaped()));
    m_watcher.setFuture(QtConcurrent::run(runAskJob, std::move(job)));
    setBusy(true);
    return true;
}

void AskPanel::cancel()
{
    if (m_cancelFlag) m_cancelFlag->store(true);
}

void AskPanel::onFinished()
{
    AskOutcome out = m_watcher.result();
    if (out.asker) {
        m_asker = out.asker;
        m_askerKey = out.askerKey;
    }
    const bool cancelled = m_cancelFlag && m_cancelFlag->load();
    m_cancelFlag.reset();
    setBusy(false);
    if (m_runImage != m_image) {
        emit finished(false);
        return;
    }
    if (!out.error.isEmpty()) {
        showError(out.error);
        if (m_current >= 0)
            showTurn(m_current);
        else
            m_inspector->setMessage(out.error);
        emit finished(false);
        return;
    }
    m_question->clear();
    if (!cancelled) store(out);
    addTurn({out.question, out.answer, out.raw, std::vector<bool>(out.answer.tokens.size(), false)});
    const QString ran = core::executionSummary(out.execution);
    m_status->setText(
        cancelled ? tr("Cancelled after %n token(s) — %1.", nullptr, int(out.answer.tokens.size())).arg(ran)
                  : tr("%1. Click a word of the answer to see where the model looked.").arg(ran));
    emit finished(!cancelled);
}

void AskPanel::addTurn(const Turn& turn)
{
    m_turns.push_back(turn);
    m_history->addItem(QStringLiteral("Q: %1\nA: %2").arg(turn.question, turn.answer.text.trimmed()));
    m_history->setCurrentRow(int(m_turns.size()) - 1);
}

void AskPanel::showTurn(int i)
{
    if (i < 0 || i >= int(m_turns.size())) return;
    m_current = i;
    if (m_history->currentRow() != i) {
        const QSignalBlocker block(m_history);
        m_history->setCurrentRow(i);
    }
    const Turn& t = m_turns[i];
    // Relevancy needs the answer as the asker returned it; a stored answer has only its text.
    m_inspector->setRelevancyOnDemand(!t.raw.sequence.tokens.empty());
    if (t.answer.pieces.empty())
        m_inspector->setMessage(t.answer.text); // a stored answer: its traces were not kept
    else
        m_inspector->setGenerated(t.answer);
    m_inspector->setMapShown(m_active);
}

void AskPanel::requestRelevancy(int first, int count)
{
    if (m_current < 0 || isRunning() || !m_asker) return; // asked again when the word is clicked
    Turn& t = m_turns[m_current];
    AnswerRelevancyJob job;
    for (int k = first; k < first + count && k < int(t.relevancyAsked.size()); ++k)
        if (!t.relevancyAsked[size_t(k)]) {
            t.relevancyAsked[size_t(k)] = true;
            job.tokens.push_back(k);
        }
    if (job.tokens.empty() || t.raw.sequence.tokens.empty()) return;
    job.asker = m_asker;
    job.answer = t.raw;
    job.folder = modelFolder();
    job.turn = m_current;
    m_relevancyEpoch = m_epoch;
    m_status->setText(tr("Computing relevancy (a backward pass per token)…"));
    m_relevancy.setFuture(QtConcurrent::run(runAnswerRelevancyJob, std::move(job)));
    setBusy(true);
}

void AskPanel::onRelevancyFinished()
{
    const AnswerRelevancyOutcome out = m_relevancy.result();
    setBusy(false);
    if (m_relevancyEpoch != m_epoch || out.turn < 0 || out.turn >= int(m_turns.size())) {
        emit relevancyReady(false);
        return;
    }
    GeneratedText& a = m_turns[out.turn].answer;
    if (a.relevancy.size() < a.tokens.size()) a.relevancy.resize(a.tokens.size());
    for (const auto& [k, map] : out.maps)
        a.relevancy[size_t(k)] = map;
    if (!out.error.isEmpty())
        showError(out.error);
    else
        m_status->setText(tr("Relevancy: where the image made the model say the word."));
    if (out.turn == m_current)
        for (const auto& [k, map] : out.maps)
            m_inspector->setTokenRelevancy(k, map);
    emit relevancyReady(out.error.isEmpty());
}

void AskPanel::setBusy(bool busy)
{
    m_ask->setEnabled(!busy);
    m_cancel->setEnabled(busy);
}

} // namespace loupe::views
