// SPDX-License-Identifier: MIT
#include "annotation/commands/changelabel.h"

namespace loupe::annotation {

namespace {

std::vector<Shape> relabelled(std::vector<Shape> shapes, qint64 label)
{
    for (Shape& s : shapes)
        s.labelId = label;
    return shapes;
}

} // namespace

ChangeLabel::ChangeLabel(AnnotationDocument& doc, const QList<qint64>& ids, qint64 labelId)
    : ReplaceShapes(doc, relabelled(current(doc, ids), labelId), ChangeEvent::Label,
                    QObject::tr("Change label of %n shape(s)", nullptr, int(ids.size())))
{
}

} // namespace loupe::annotation
