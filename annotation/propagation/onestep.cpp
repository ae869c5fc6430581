// SPDX-License-Identifier: MIT
#include "annotation/propagation/onestep.h"

#include "annotation/commands/addshapes.h"

namespace loupe::annotation {

std::vector<qint64> addAsOneStep(AnnotationDocument& doc, std::vector<Shape> shapes, const QString& text,
                                 QString* error)
{
    if (shapes.empty()) return {};
    // A command whose first redo fails is dropped by the stack, so the failure is caught on the way.
    QString failure;
    const QMetaObject::Connection watch = QObject::connect(&doc, &AnnotationDocument::storeFailed, &doc,
                                                           [&](const QString& m) { failure = m; });
    auto* command = new AddShapes(doc, std::move(shapes));
    command->setText(text);
    doc.undoStack()->push(command);
    QObject::disconnect(watch);
    if (!failure.isEmpty()) {
        if (error) *error = failure;
        return {};
    }
    std::vector<qint64> ids;
    for (const Shape& s : command->shapes())
        ids.push_back(s.id);
    return ids;
}

} // namespace loupe::annotation
