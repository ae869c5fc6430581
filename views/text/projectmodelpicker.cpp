// SPDX-License-Identifier: MIT
#include "views/text/projectmodelpicker.h"

#include "core/store/project.h"
#include "core/store/records.h"

#include <QFileInfo>

namespace loupe::views {

ProjectModelPicker::ProjectModelPicker(QWidget* parent) : QComboBox(parent)
{
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setMinimumContentsLength(12);
    connect(this, &QComboBox::activated, this, [this](int i) { setFolder(itemData(i).toString()); });
}

void ProjectModelPicker::setProject(core::Project* project)
{
    m_project = project;
    refresh();
}

void ProjectModelPicker::setFolder(const QString& folder)
{
    if (folder == m_folder) return;
    m_folder = folder;
    refresh();
}

void ProjectModelPicker::refresh()
{
    const QSignalBlocker block(this);
    clear();
    if (m_project)
        for (const core::ModelRecord& m : m_project->models())
            addItem(m.name.isEmpty() ? QFileInfo(m.path).fileName() : m.name,
                    m_project->absolutePath(m.path));
    if (!m_folder.isEmpty() && findData(m_folder) < 0) addItem(QFileInfo(m_folder).fileName(), m_folder);
    setCurrentIndex(findData(m_folder));
}

QString assetImagePath(const core::Project* project, qint64 assetId)
{
    if (!project || assetId < 0) return {};
    const auto row = project->asset(assetId);
    return row ? project->absolutePath(row->storedPath) : QString();
}

} // namespace loupe::views
