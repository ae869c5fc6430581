// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/annotationstore.h"

#include <QStringList>

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::annotation {

// The project's annotations table as a document's AnnotationStore. Every apply() is one BEGIN IMMEDIATE
// transaction written with the project's trigger recording off: the document's own history (see
// ProjectAnnotations) is what undoes these writes, so they must not also land in Project's undo log.
class ProjectAnnotationStore : public AnnotationStore
{
public:
    explicit ProjectAnnotationStore(core::Project& project) : m_project(project) {}

    // Rows that cannot be read faithfully are skipped and listed in readErrors().
    std::vector<Shape> shapesOf(qint64 imageId) const override;
    std::optional<Shape> shape(qint64 id) const override;
    // All or nothing; on failure the transaction is rolled back and error names the file, the shape and
    // SQLite's reason.
    bool apply(std::vector<ShapeChange>& changes, QString* error) override;

    const QStringList& readErrors() const { return m_readErrors; }

private:
    core::Project& m_project;
    mutable QStringList m_readErrors;
};

} // namespace loupe::annotation
