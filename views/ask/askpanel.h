// SPDX-License-Identifier: MIT
#pragma once

#include "views/ask/askjob.h"
#include "views/text/imagetextpanel.h"

#include <QFutureWatcher>
#include <QVector>
#include <atomic>
#include <memory>

class QLineEdit;
class QListWidget;
class QPushButton;

namespace loupe::views {

class ImageCanvas;
class TokenInspector;

// The Ask panel: a chat about the current image with a VQA model. Each question runs on a worker thread
// and its answer streams in; the chat is listed above, and every word of the selected answer opens its
// map on the canvas (where the answer looked through the question) and its alternatives.
class AskPanel : public ImageTextPanel
{
    Q_OBJECT
public:
    explicit AskPanel(ImageCanvas* canvas, QWidget* parent = nullptr);
    ~AskPanel() override;

    // Asks `question` (the line edit's text when empty); false (with lastError()) without a model, image
    // or question, or while an answer is running.
    bool ask(const QString& question = {});
    void cancel();
    bool isRunning() const { return m_watcher.isRunning() || m_relevancy.isRunning(); }

    struct Turn
    {
        QString question;
        GeneratedText answer; // words clickable when it has pieces
        core::Answer raw;     // empty for a turn read back from the project
        std::vector<bool> relevancyAsked;
    };
    const QVector<Turn>& turns() const { return m_turns; }
    void showTurn(int i);
    int currentTurn() const { return m_current; }

    QListWidget* history() const { return m_history; }
    QLineEdit* questionEdit() const { return m_question; }

signals:
    void finished(bool ok);
    void textStreamed(const QString& textSoFar);
    void relevancyReady(bool ok);

private:
    QWidget* buildControls();
    void imageChanged() override;
    void onFinished();
    void setBusy(bool busy);
    void addTurn(const Turn& turn);
    void store(const AskOutcome& out);
    void requestRelevancy(int first, int count);
    void onRelevancyFinished();

    std::shared_ptr<core::Asker> m_asker; // keeps the image's embeddings between questions
    QString m_askerKey;
    QFutureWatcher<AskOutcome> m_watcher;
    QFutureWatcher<AnswerRelevancyOutcome> m_relevancy;
    int m_epoch = 0; // bumped whenever the chat is replaced
    int m_relevancyEpoch = 0;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    QString m_runImage;
    QVector<Turn> m_turns;
    int m_current = -1;

    QListWidget* m_history = nullptr;
    QLineEdit* m_question = nullptr;
    QPushButton* m_ask = nullptr;
    QPushButton* m_cancel = nullptr;
};

} // namespace loupe::views
