// SPDX-License-Identifier: MIT
#pragma once

#include <QPointer>
#include <QWidget>

class QListWidget;
class QLabel;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

// The Models dock: the project's registered checkpoint folders and the snapshots found in the
// Hugging Face cache, in one list; "Register folder…" checks a folder (architecture, weights) and
// stores it in the project. Selecting an entry announces its folder (the Classify panel follows it).
class ModelsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ModelsPanel(QWidget* parent = nullptr);

    // nullptr when no project is open (registered models are then unavailable).
    void setProject(core::Project* project);
    // Re-reads the project's models and scans `cacheDir` (default: the user's HF hub cache).
    void refresh(const QString& cacheDir = {});
    // Registers `folder` in the project; empty on success, else why not (also shown in the panel).
    QString registerFolder(const QString& folder);
    QString selectedFolder() const;
    bool selectFolder(const QString& folder);
    QListWidget* list() const { return m_list; }

signals:
    void modelSelected(const QString& folder);

private:
    void registerFolderDialog();

    QPointer<core::Project> m_project;
    QListWidget* m_list = nullptr;
    QLabel* m_message = nullptr;
    QString m_cacheDir;
};

} // namespace loupe::views
