// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/documentcommand.h"
#include "annotation/document/annotationdocument.h"

namespace loupe::annotation {

// Base of AddShapes and RemoveShapes: one swap() toggles whether the held shapes exist. Removed shapes
// come back under their old ids, so later commands that name them stay valid.
class ShapePresence : public DocumentCommand
{
public:
    void undo() override { swap(); }
    void redo() override;
    const std::vector<Shape>& shapes() const { return m_shapes; }
    EditRecord record() const override;

protected:
    ShapePresence(AnnotationDocument& doc, std::vector<Shape> shapes, bool present, const QString& text);

private:
    bool swap();
    AnnotationDocument& m_doc;
    std::vector<Shape> m_shapes;
    bool m_present;
    bool m_addsOnRedo;
    bool m_done = false;
};

} // namespace loupe::annotation
