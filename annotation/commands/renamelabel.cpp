// SPDX-License-Identifier: MIT
#include "annotation/commands/renamelabel.h"

namespace loupe::annotation {

RenameLabel::RenameLabel(AnnotationDocument& doc, qint64 labelId, const QString& name)
    : EditCommand(doc, QObject::tr("Rename Label to \"%1\"").arg(name))
{
    changeLabel(labelId, [&](LabelDef& l) { l.name = name.trimmed(); });
}

} // namespace loupe::annotation
