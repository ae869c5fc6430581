// SPDX-License-Identifier: MIT
#include "annotation/commands/addlabel.h"

namespace loupe::annotation {

AddLabel::AddLabel(AnnotationDocument& doc, const LabelDef& label)
    : EditCommand(doc, QObject::tr("Add Label \"%1\"").arg(label.name))
{
    LabelDef l = label;
    l.id = 0;
    m_record.labelDiffs.push_back({std::nullopt, l});
}

qint64 AddLabel::labelId() const
{
    return m_record.labelDiffs.front().after->id;
}

} // namespace loupe::annotation
