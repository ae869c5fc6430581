// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/annotationdocument.h"

#include <QUndoCommand>

namespace loupe::annotation {

// Base of AddShapes and RemoveShapes: one swap() toggles whether the held shapes exist. Removed shapes
// come back under their old ids, so later commands that name them stay valid.
class ShapePresence : public QUndoCommand
{
public:
    void undo() override { swap(); }
    void redo() override;
    const std::vector<Shape>& shapes() const { return m_shapes; }

protected:
    ShapePresence(AnnotationDocument& doc, std::vector<Shape> shapes, bool present, const QString& text);

private:
    bool swap();
    AnnotationDocument& m_doc;
    std::vector<Shape> m_shapes;
    bool m_present;
    bool m_done = false;
};

} // namespace loupe::annotation
