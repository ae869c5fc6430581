// SPDX-License-Identifier: MIT
#pragma once

#include <QComboBox>
#include <QPointer>

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

// The model choice of the text panels: the project's registered models, plus a folder chosen outside
// them (a command line, a test) so the choice always shows what will run. Items carry absolute folders.
class ProjectModelPicker : public QComboBox
{
    Q_OBJECT
public:
    explicit ProjectModelPicker(QWidget* parent = nullptr);

    void setProject(core::Project* project);
    void setFolder(const QString& folder);
    QString folder() const { return m_folder; }

private:
    void refresh();

    QPointer<core::Project> m_project;
    QString m_folder;
};

// The stored image of a project's asset as an absolute path; empty without a project or such an asset.
QString assetImagePath(const core::Project* project, qint64 assetId);

} // namespace loupe::views
