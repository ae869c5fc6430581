// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/bridge/projectexchange.h"

#include <QDialog>
#include <QMessageBox>
#include <QPointer>
#include <memory>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QListWidget;

class QPushButton;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

class BackgroundRun;
class ReportView;

// File > Export…: format, output folder, and the options the formats take (YOLO task, split, labels,
// copying images). Check writes nothing and shows what the format would drop or convert (the dry run);
// Export asks before writing into a folder that already holds files, writes on a worker thread through
// a staging folder (a failed export leaves the folder as it was), and shows the report again.
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ExportDialog(core::Project* project, QWidget* parent = nullptr);
    ~ExportDialog() override;

    // Opens a window-modal dialog (deleted on close) without waiting for it.
    static ExportDialog* openFor(core::Project* project, QWidget* parent);

    void setFormat(annotation::Format format);
    void setOutputFolder(const QString& folder);
    void setYoloTask(annotation::YoloTask task);
    void setSplit(const QString& split);       // empty: every image
    void setLabels(const QStringList& labels); // checks exactly these
    void setCopyImages(bool copy);
    annotation::ProjectExportOptions options() const;

    void check();
    void exportChecked(); // asks first when the folder is not empty
    void cancel();

    bool isBusy() const;
    QPushButton* checkButton() const { return m_check; }
    QPushButton* exportButton() const { return m_export; }
    QComboBox* yoloTaskBox() const { return m_yoloTask; }
    QCheckBox* copyImagesBox() const { return m_copyImages; }
    ReportView* reportView() const { return m_report; }
    // The "replace files?" question while it is open, else null.
    QMessageBox* confirmation() const { return m_confirm; }

signals:
    void checkFinished(bool ok);
    void exportFinished(bool ok);

private:
    void invalidate();
    void updateFormatOptions();
    void startExport();
    void setBusy(bool busy);

    QPointer<core::Project> m_project;
    QComboBox* m_format;
    QLineEdit* m_outDir;
    QComboBox* m_yoloTask;
    QComboBox* m_split;
    QListWidget* m_labels;
    QCheckBox* m_copyImages;
    QPushButton* m_check;
    QPushButton* m_export;
    QPushButton* m_cancel;
    ReportView* m_report;
    BackgroundRun* m_run;
    QPointer<QMessageBox> m_confirm;
    std::weak_ptr<void> m_exporting; // the export under way, to tell it that it was cancelled
    bool m_checked = false;
};

} // namespace loupe::views
