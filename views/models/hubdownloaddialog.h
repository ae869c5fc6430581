// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class QLineEdit;
class QDialogButtonBox;

namespace loupe::views {

// Asks for a Hugging Face Hub repository id and revision to download; OK stays disabled until the id
// looks like one ("owner/name" or "name").
class HubDownloadDialog : public QDialog
{
    Q_OBJECT
public:
    explicit HubDownloadDialog(QWidget* parent = nullptr);

    QString repoId() const;
    QString revision() const; // "main" when left empty

private:
    void validate();

    QLineEdit* m_repo = nullptr;
    QLineEdit* m_revision = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace loupe::views
