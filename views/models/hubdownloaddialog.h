// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QDialogButtonBox;
class QProgressBar;
class QPushButton;

namespace loupe::core {
class HubDownloadTask;
}

namespace loupe::views {

// Asks for a Hugging Face Hub repository id and revision to download; OK stays disabled until the id
// looks like one ("owner/name" or "name"). follow() turns it into the download's progress window, with
// Pause (the partial file is kept) and Resume (continues it with a Range request).
class HubDownloadDialog : public QDialog
{
    Q_OBJECT
public:
    explicit HubDownloadDialog(QWidget* parent = nullptr);

    QString repoId() const;
    QString revision() const; // "main" when left empty
    // Shows `task`'s progress and state with a Pause/Resume button; the fields become read-only.
    void follow(core::HubDownloadTask* task);

private:
    void validate();

    QLineEdit* m_repo = nullptr;
    QLineEdit* m_revision = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_pauseResume = nullptr;
    QLabel* m_state = nullptr;
};

} // namespace loupe::views
