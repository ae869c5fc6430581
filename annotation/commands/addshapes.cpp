// SPDX-License-Identifier: MIT
#include "annotation/commands/addshapes.h"

namespace loupe::annotation {

namespace {

std::vector<Shape> stamped(std::vector<Shape> shapes, const QDateTime& now)
{
    for (Shape& s : shapes) {
        s.id = 0;
        s.created = now;
        s.updated = now;
    }
    return shapes;
}

} // namespace

AddShapes::AddShapes(AnnotationDocument& doc, std::vector<Shape> shapes)
    // shapes is copied into stamped(), not moved, so its size is still there for the text.
    : ShapePresence(doc, stamped(shapes, doc.now()), false,
                    QObject::tr("Add %n shape(s)", nullptr, int(shapes.size())))
{
}

} // namespace loupe::annotation
