// SPDX-License-Identifier: MIT
#include "annotation/commands/deletelabel.h"

namespace loupe::annotation {

DeleteLabel::DeleteLabel(AnnotationDocument& doc, qint64 labelId, qint64 moveShapesTo)
    : EditCommand(doc, QObject::tr("Delete Label"))
{
    const std::optional<LabelDef> label = doc.label(labelId);
    if (!label || moveShapesTo == labelId || (moveShapesTo && !doc.label(moveShapesTo))) return;
    for (const Shape& s : doc.store().shapesWithLabel(labelId)) {
        if (moveShapesTo) {
            Shape moved = s;
            moved.labelId = moveShapesTo;
            m_record.diffs.push_back({s, moved});
        } else {
            m_record.diffs.push_back({s, std::nullopt});
        }
    }
    m_record.labelDiffs.push_back({label, std::nullopt});
}

} // namespace loupe::annotation
