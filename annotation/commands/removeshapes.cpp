// SPDX-License-Identifier: MIT
#include "annotation/commands/removeshapes.h"

namespace loupe::annotation {

namespace {

std::vector<Shape> existing(const AnnotationDocument& doc, const QList<qint64>& ids)
{
    std::vector<Shape> out;
    for (qint64 id : ids)
        if (auto s = doc.shape(id)) out.push_back(*s);
    return out;
}

} // namespace

RemoveShapes::RemoveShapes(AnnotationDocument& doc, const QList<qint64>& ids)
    : ShapePresence(doc, existing(doc, ids), true,
                    QObject::tr("Remove %n shape(s)", nullptr, int(ids.size())))
{
}

} // namespace loupe::annotation
