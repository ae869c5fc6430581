// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/documentcommand.h"
#include "annotation/document/annotationdocument.h"

namespace loupe::annotation {

// Base of every command that turns existing shapes into new versions of themselves. undo() and redo()
// are one swap(): write the held versions, hold the ones they replaced. Merging keeps the first
// command's held (original) versions, since the document already shows the latest ones.
class ReplaceShapes : public DocumentCommand
{
public:
    void undo() override { swap(); }
    void redo() override;

    // Merges when canMerge() says the other command continues the same gesture.
    bool mergeWith(const QUndoCommand* other) final;
    EditRecord record() const override;
    QList<qint64> shapeIds() const;

protected:
    // newVersions: the shapes as they should be after redo (their updated time is set here).
    ReplaceShapes(AnnotationDocument& doc, std::vector<Shape> newVersions, int properties,
                  const QString& text);
    // The current versions of ids from the document (ids that no longer exist are skipped).
    static std::vector<Shape> current(const AnnotationDocument& doc, const QList<qint64>& ids);
    virtual bool canMerge(const ReplaceShapes& later) const
    {
        Q_UNUSED(later);
        return false;
    }

    AnnotationDocument& m_doc;

private:
    bool swap();
    std::vector<Shape> m_held;    // what the next swap() writes
    std::vector<Shape> m_written; // what the last swap() wrote
    int m_properties;
    bool m_done = false;    // redone at least once
    bool m_applied = false; // currently redone
};

} // namespace loupe::annotation
