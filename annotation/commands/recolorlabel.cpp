// SPDX-License-Identifier: MIT
#include "annotation/commands/recolorlabel.h"

namespace loupe::annotation {

RecolorLabel::RecolorLabel(AnnotationDocument& doc, qint64 labelId, const QColor& color)
    : EditCommand(doc, QObject::tr("Recolor Label"))
{
    changeLabel(labelId, [&](LabelDef& l) { l.color = color; });
}

} // namespace loupe::annotation
