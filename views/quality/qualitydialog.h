// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/quality_dataset.h"
#include "core/jobs/jobtracker.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QPointer>
#include <atomic>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTabWidget;
class QTableWidget;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

// "Explanation quality": runs the quality harness (core/explain/quality_dataset.h) as a background job
// with progress and cancel (also in the Jobs dock when given a tracker; the dialog never blocks the window),
// then shows per-method bar charts (pointing, inside mask, deletion, insertion, randomisation), the mean
// deletion/insertion curves and a table, and exports CSV/JSON. Sources: generated shapes-world images, an
// image folder with a mask folder, or images a caller provides (e.g. the open project's, with masks from its
// annotations).
class QualityDialog : public QDialog
{
    Q_OBJECT
public:
    struct Setup
    {
        QString modelFolder;       // empty: the shipped shapes-vit when found
        QString randomModelFolder; // empty: the shipped shapes-vit-random when found
        // Extra source offered first when set (count > 0), e.g. the open project's masked images.
        core::QualitySource projectSource;
        QString projectName;
        // Runs also show in this tracker (the window's Jobs dock: progress, elapsed time, cancel).
        core::JobTracker* jobs = nullptr;
    };

    explicit QualityDialog(const Setup& setup, QWidget* parent = nullptr);
    ~QualityDialog() override;

    // Opens a non-modal dialog (deleted on close) and returns it.
    static QualityDialog* show(QWidget* parent, const Setup& setup);
    static QualityDialog* show(QWidget* parent) { return show(parent, Setup()); }
    // The same, offering the project's images with polygon/mask annotations (union per image) as the
    // first source when it has any; otherwise generated shapes, with a note why. Project may be null.
    static QualityDialog* showForProject(QWidget* parent, core::Project* project,
                                         core::JobTracker* jobs = nullptr);

    enum class SourceKind { Shapes = 0, Folder = 1, Project = 2 };
    void setModelFolders(const QString& model, const QString& randomModel);
    void setSource(SourceKind kind);
    void setShapes(int count, int seed);
    void setFolders(const QString& images, const QString& masks);
    void setMethods(const QStringList& methods);
    QStringList methods() const; // method ids (the boxes show their names)
    core::JobHandle* job() const { return m_handle; }

    // Starts a run; false (with lastError()) when the inputs are unusable or a run is going on.
    bool start();
    void cancel();
    bool isRunning() const { return m_watcher.isRunning(); }
    QString lastError() const { return m_lastError; }
    const core::QualityReport& report() const { return m_report; }
    const core::QualityOptions& options() const { return m_options; }

    // Write the last report; false with lastError() naming the file when it cannot be written.
    bool exportJson(const QString& path);
    bool exportCsv(const QString& path); // one line per method, then (after a blank line) per image

signals:
    void progressed(int done, int total);
    // After a run: ok false with lastError() when it failed; a canceled run is ok with what it measured.
    void finished(bool ok);

private:
    struct Outcome
    {
        core::QualityReport report;
        QString error;
    };
    void buildUi(const Setup& setup);
    void onFinished();
    void showReport();
    void setBusy(bool busy);
    void exportAs(bool json);

    core::QualitySource m_projectSource;
    core::QualityOptions m_options;
    core::QualityReport m_report;
    QString m_lastError;
    QFutureWatcher<Outcome> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    core::JobTracker* m_jobs = nullptr;
    QPointer<core::JobHandle> m_handle;

    QLineEdit* m_model = nullptr;
    QLineEdit* m_randomModel = nullptr;
    QComboBox* m_source = nullptr;
    QStackedWidget* m_sourcePages = nullptr;
    QSpinBox* m_count = nullptr;
    QSpinBox* m_seed = nullptr;
    QLineEdit* m_images = nullptr;
    QLineEdit* m_masks = nullptr;
    std::vector<QCheckBox*> m_methodBoxes;
    QPushButton* m_run = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_exportJson = nullptr;
    QPushButton* m_exportCsv = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QTabWidget* m_tabs = nullptr;
    QTableWidget* m_table = nullptr;
};

} // namespace loupe::views
