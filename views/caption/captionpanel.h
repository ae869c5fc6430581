// SPDX-License-Identifier: MIT
#pragma once

#include "views/caption/captionjob.h"

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

// The Caption panel: captions the current image with the chosen captioning model on a worker thread,
// the text streaming in; every word opens its map on the canvas and its alternatives; double-clicking
// an alternative regenerates the rest from there as a new variant beside the others ("what if").
class CaptionPanel : public QWidget
{
    Q_OBJECT
public:
    explicit CaptionPanel(ImageCanvas* canvas, QWidget* parent = nullptr);
    ~CaptionPanel() override;

    void setProject(core::Project* project);
    void setModelFolder(const QString& folder);
    QString modelFolder() const;
    void setAsset(qint64 assetId);
    qint64 assetId() const { return m_assetId; }
    // The image to caption without a project (and what setAsset resolves to).
    void setImagePath(const QString& path);
    QString imagePath() const { return m_image; }
    // The map leaves the canvas while the panel's dock is hidden.
    void setActive(bool active);

    // Starts a caption of the image; false (with lastError()) without a model or image, or while running.
    bool generate();
    // Regenerates the shown variant from new token `step` with `token` there, as a new variant.
    bool branch(int step, qint64 token);
    void cancel();
    bool isRunning() const { return m_watcher.isRunning() || m_relevancy.isRunning(); }

    int variantCount() const { return int(m_variants.size()); }
    const GeneratedText& variant(int i) const { return m_variants[i].text; }
    int currentVariant() const { return m_current; }
    void showVariant(int i);
    // Copies the shown variant's text to the clipboard.
    void copyText() const;
    // Stores the shown variant as the image's caption, with the run that produced it, as one undoable
    // project edit; false (with lastError()) without a project and image or when the store refuses.
    bool saveCaption();

    QString lastError() const { return m_lastError; }
    // Short enough for a laptop window: the panel scrolls below kPanelMinimumHeight.
    QSize minimumSizeHint() const override;
    TokenInspector* inspector() const { return m_inspector; }
    DecodingForm* decodingForm() const { return m_form; }
    QListWidget* variantList() const { return m_variantList; }
    QPushButton* generateButton() const { return m_generate; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* saveButton() const { return m_save; }

signals:
    void finished(bool ok); // a run ended: ok false when it failed (lastError()) or was cancelled
    void textStreamed(const QString& textSoFar);
    void captionSaved(qint64 captionId);
    void relevancyReady(bool ok);

private:
    struct Variant
    {
        GeneratedText text;
        core::Caption caption; // for relevancy and further branches
        QString label;
        std::vector<bool> relevancyAsked; // per token: asked once, so a failure is not retried in a loop
    };
    QWidget* buildControls();
    bool start(CaptionJob job);
    void onFinished();
    void setBusy(bool busy);
    void showError(const QString& text);
    void addVariant(const GeneratedText& text, const core::Caption& caption, const QString& label);
    void requestRelevancy(int first, int count);
    void onRelevancyFinished();

    QPointer<core::Project> m_project;
    QPointer<ImageCanvas> m_canvas;
    qint64 m_assetId = -1;
    QString m_image;
    bool m_active = true;

    std::shared_ptr<core::Captioner> m_captioner; // kept open between runs, used by one job at a time
    QString m_captionerKey;
    QFutureWatcher<CaptionOutcome> m_watcher;
    QFutureWatcher<RelevancyOutcome> m_relevancy;
    int m_branchParent = -1;
    int m_relevancyEpoch = 0; // m_epoch when the relevancy job started
    int m_epoch = 0;          // bumped whenever the variants are replaced
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    QString m_runImage; // the image the running job captions
    QVector<Variant> m_variants;
    int m_current = -1;
    QString m_lastError;

    ProjectModelPicker* m_models = nullptr;
    QLineEdit* m_prompt = nullptr;
    DecodingForm* m_form = nullptr;
    QPushButton* m_generate = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_copy = nullptr;
    QPushButton* m_save = nullptr;
    QLabel* m_status = nullptr;
    QListWidget* m_variantList = nullptr;
    TokenInspector* m_inspector = nullptr;
    QScrollArea* m_scroll = nullptr;
};

} // namespace loupe::views
