// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/annotationdocument.h"

#include <QUndoCommand>

namespace loupe::annotation {

// Base of every command that turns existing shapes into new versions of themselves. undo() and redo()
// are one swap(): write the held versions, hold the ones they replaced. Merging keeps the first
// command's held (original) versions, since the document already shows the latest ones.
class ReplaceShapes : public QUndoCommand
{
public:
    void undo() override { swap(); }
    void redo() override;

    QList<qint64> shapeIds() const;

protected:
    // newVersions: the shapes as they should be after redo (their updated time is set here).
    ReplaceShapes(AnnotationDocument& doc, std::vector<Shape> newVersions, int properties,
                  const QString& text);
    // The current versions of ids from the document (ids that no longer exist are skipped).
    static std::vector<Shape> current(const AnnotationDocument& doc, const QList<qint64>& ids);

    AnnotationDocument& m_doc;

private:
    bool swap();
    std::vector<Shape> m_held;
    int m_properties;
    bool m_done = false;
};

} // namespace loupe::annotation
