// SPDX-License-Identifier: MIT
#pragma once

#include "views/caption/captionjob.h"
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

// The Caption panel: captions the current image with the chosen captioning model on a worker thread,
// the text streaming in; every word opens its map on the canvas and its alternatives; double-clicking
// an alternative regenerates the rest from there as a new variant beside the others ("what if").
class CaptionPanel : public ImageTextPanel
{
    Q_OBJECT
public:
    explicit CaptionPanel(ImageCanvas* canvas, QWidget* parent = nullptr);
    ~CaptionPanel() override;

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
    // project edit, recording the backend, device and precision that ran it; false (with lastError()) without
    // a project and image or when the store refuses.
    bool saveCaption();

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
        compute::ExecutionRecord execution; // what ran it, stored with the caption
        std::vector<bool> relevancyAsked;   // per token: asked once, so a failure is not retried in a loop
    };
    QWidget* buildControls();
    void imageChanged() override;
    bool start(CaptionJob job);
    void onFinished();
    void setBusy(bool busy);
    void addVariant(const GeneratedText& text, const core::Caption& caption, const QString& label,
                    const compute::ExecutionRecord& execution);
    void requestRelevancy(int first, int count);
    void onRelevancyFinished();

    QPointer<ImageCanvas> m_canvas;

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

    QLineEdit* m_prompt = nullptr;
    QPushButton* m_generate = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_copy = nullptr;
    QPushButton* m_save = nullptr;
    QListWidget* m_variantList = nullptr;
};

} // namespace loupe::views
