// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/bridge/projectaccess.h"

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::annotation {

// ProjectAccess over an open SQLite project. Reads go straight to the store; importShapes writes every
// shape (and any label it names that the project lacks) in one Project::edit, so an import is one
// undoable step that either lands whole or leaves the project as it was.
class ProjectStoreAccess : public ProjectAccess
{
public:
    explicit ProjectStoreAccess(core::Project& project) : m_project(project) {}

    // The deepest folder holding every image (the project's folder when it has none); images() gives
    // paths relative to it.
    QString imageRoot() const override;
    std::vector<ProjectImage> images() const override;
    std::vector<LabelDef> labels() const override;
    // Rows the store cannot read faithfully are skipped; shapeErrors() lists them for the caller's report.
    std::vector<Shape> shapesOf(qint64 imageId) const override;
    bool importShapes(const std::vector<ImportItem>& items, QString* error) override;

    const QStringList& shapeErrors() const { return m_shapeErrors; }

private:
    std::vector<ProjectImage> storedImages() const;

    core::Project& m_project;
    mutable QString m_root;
    mutable QStringList m_shapeErrors;
};

} // namespace loupe::annotation
