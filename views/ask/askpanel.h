// SPDX-License-Identifier: MIT
#pragma once

#include "views/ask/askjob.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QVector>
#include <QWidget>
#include <atomic>
#include <memory>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QScrollArea;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

class DecodingForm;
class ProjectModelPicker;
class ImageCanvas;
class TokenInspector;

// The Ask panel: a chat about the current image with a VQA model. Each question runs on a worker thread
// and its answer streams in; the chat is listed above, and every word of the selected answer opens its
// map on the canvas (where the answer looked through the question) and its alternatives.
class AskPanel : public QWidget
{
    Q_OBJECT
public:
    explicit AskPanel(ImageCanvas* canvas, QWidget* parent = nullptr);
    ~AskPanel() override;

    void setProject(core::Project* project);
    void setModelFolder(const QString& folder);
    QString modelFolder() const;
    void setAsset(qint64 assetId);
    void setImagePath(const QString& path);
    QString imagePath() const { return m_image; }
    void setActive(bool active);

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

    QString lastError() const { return m_lastError; }
    // Short enough for a laptop window: the panel scrolls below kPanelMinimumHeight.
    QSize minimumSizeHint() const override;
    TokenInspector* inspector() const { return m_inspector; }
    DecodingForm* decodingForm() const { return m_form; }
    QListWidget* history() const { return m_history; }
    QLineEdit* questionEdit() const { return m_question; }

signals:
    void finished(bool ok);
    void textStreamed(const QString& textSoFar);
    void relevancyReady(bool ok);

private:
    QWidget* buildControls();
    void onFinished();
    void setBusy(bool busy);
    void showError(const QString& text);
    void addTurn(const Turn& turn);
    void store(const AskOutcome& out);
    void requestRelevancy(int first, int count);
    void onRelevancyFinished();

    QPointer<core::Project> m_project;
    qint64 m_assetId = -1;
    QString m_image;
    bool m_active = true;

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
    QString m_lastError;

    ProjectModelPicker* m_models = nullptr;
    DecodingForm* m_form = nullptr;
    QListWidget* m_history = nullptr;
    QLineEdit* m_question = nullptr;
    QPushButton* m_ask = nullptr;
    QPushButton* m_cancel = nullptr;
    QLabel* m_status = nullptr;
    TokenInspector* m_inspector = nullptr;
    QScrollArea* m_scroll = nullptr;
};

} // namespace loupe::views
