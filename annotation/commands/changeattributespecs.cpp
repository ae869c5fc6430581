// SPDX-License-Identifier: MIT
#include "annotation/commands/changeattributespecs.h"

namespace loupe::annotation {

ChangeAttributeSpecs::ChangeAttributeSpecs(AnnotationDocument& doc, qint64 labelId,
                                           const std::vector<AttributeSpec>& specs)
    : EditCommand(doc, QObject::tr("Change Label Attributes"))
{
    changeLabel(labelId, [&](LabelDef& l) { l.attributes = specs; });
}

} // namespace loupe::annotation
