// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/bridge/projectaccess.h"
#include "annotation/formats/formats.h"

#include <QDialog>
#include <QPointer>
#include <memory>

class QComboBox;
class QLineEdit;
class QPushButton;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

class BackgroundRun;
class ReportView;

// File > Import Annotations…: pick a format and a file or folder, Check reads it on a worker thread and
// shows what would be added, converted and dropped without changing the project (the dry run); Import
// then adds exactly those shapes as one undoable step and shows the report again. Changing the format
// or path asks for a new check. Malformed input, or a project that refuses the shapes, changes nothing.
class ImportAnnotationsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ImportAnnotationsDialog(core::Project* project, QWidget* parent = nullptr);
    ~ImportAnnotationsDialog() override;

    // Opens a window-modal dialog (deleted on close) without waiting for it.
    static ImportAnnotationsDialog* openFor(core::Project* project, QWidget* parent);

    void setFormat(annotation::Format format);
    void setPath(const QString& path);
    void check();
    void importChecked();
    void cancel();

    bool isBusy() const;
    QPushButton* checkButton() const { return m_check; }
    QPushButton* importButton() const { return m_import; }
    ReportView* reportView() const { return m_report; }

signals:
    void checkFinished(bool ok);
    void importFinished(bool ok);

private:
    struct Pending;
    void invalidate();
    void browse(bool folder);
    void setBusy(bool busy);

    QPointer<core::Project> m_project;
    QComboBox* m_format;
    QLineEdit* m_path;
    QPushButton* m_check;
    QPushButton* m_import;
    QPushButton* m_cancel;
    ReportView* m_report;
    BackgroundRun* m_run;
    std::shared_ptr<Pending> m_pending; // the checked shapes, applied by Import
};

} // namespace loupe::views
