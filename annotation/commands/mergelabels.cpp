// SPDX-License-Identifier: MIT
#include "annotation/commands/mergelabels.h"

namespace loupe::annotation {

MergeLabels::MergeLabels(AnnotationDocument& doc, qint64 fromId, qint64 intoId)
    : EditCommand(doc, QObject::tr("Merge Labels"))
{
    const std::optional<LabelDef> from = doc.label(fromId);
    if (!from || fromId == intoId || !doc.label(intoId)) return;
    for (const Shape& s : doc.store().shapesWithLabel(fromId)) {
        Shape moved = s;
        moved.labelId = intoId;
        m_record.diffs.push_back({s, moved});
    }
    m_record.labelDiffs.push_back({from, std::nullopt});
}

} // namespace loupe::annotation
