// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/bridge/projectaccess.h"

namespace loupe::annotation {

// Reads through to a project but keeps what an import would write instead of writing it: the dry run
// of importIntoProject, and a way to adjust or combine imports before one real importShapes.
class CollectingAccess : public ProjectAccess
{
public:
    explicit CollectingAccess(const ProjectAccess& project) : m_project(project) {}
    QString imageRoot() const override { return m_project.imageRoot(); }
    std::vector<ProjectImage> images() const override { return m_project.images(); }
    std::vector<LabelDef> labels() const override { return m_project.labels(); }
    std::vector<Shape> shapesOf(qint64 imageId) const override { return m_project.shapesOf(imageId); }
    bool importShapes(const std::vector<ImportItem>& items, QString*) override
    {
        collected.insert(collected.end(), items.begin(), items.end());
        return true;
    }

    std::vector<ImportItem> collected;

private:
    const ProjectAccess& m_project;
};

} // namespace loupe::annotation
