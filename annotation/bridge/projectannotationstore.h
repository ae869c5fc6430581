// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/annotationstore.h"

#include <QStringList>
#include <functional>

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::annotation {

class UndoStepTransaction;

// The project's annotations table as a document's AnnotationStore. Every apply() is one BEGIN IMMEDIATE
// transaction written with the project's trigger recording off: the document's own history (see
// ProjectAnnotations) is what undoes these writes, so they must not also land in Project's undo log.
// With an undo step transaction set, apply() joins it instead (a savepoint of the step), so the rows
// commit together with the step's undo record.
class ProjectAnnotationStore : public AnnotationStore
{
public:
    explicit ProjectAnnotationStore(core::Project& project);
    // The step every apply() joins; nullptr (the default) gives each apply() a commit of its own.
    void setStepTransaction(UndoStepTransaction* step) { m_step = step; }

    // Rows that cannot be read faithfully are skipped and listed in readErrors().
    std::vector<Shape> shapesOf(qint64 imageId) const override;
    std::optional<Shape> shape(qint64 id) const override;
    // All or nothing; on failure the transaction is rolled back and error names the file, the shape and
    // SQLite's reason.
    bool apply(std::vector<ShapeChange>& changes, QString* error) override;
    // Labels are the project's labels table plus their definitions (label_definitions); tags live in
    // asset_tags. Written like shapes: one transaction, trigger recording off.
    std::vector<LabelDef> labels() const override;
    QStringList tags(qint64 imageId) const override;
    std::vector<Shape> shapesWithLabel(qint64 labelId) const override;
    bool applyEdit(StoreEdit& edit, QString* error) override;

    const QStringList& readErrors() const { return m_readErrors; }

private:
    using Fail = std::function<bool(const QString&)>;
    bool writeShapes(const std::vector<ShapeChange>& changes, std::vector<qint64>* assigned,
                     const Fail& fail);
    bool writeLabel(const LabelChange& change, qint64* id, const Fail& fail);
    bool removeLabel(qint64 id, const Fail& fail);
    bool writeTags(const TagChange& change, const Fail& fail);

    core::Project& m_project;
    UndoStepTransaction* m_step = nullptr;
    mutable QStringList m_readErrors;
};

} // namespace loupe::annotation
