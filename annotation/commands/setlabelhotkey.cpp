// SPDX-License-Identifier: MIT
#include "annotation/commands/setlabelhotkey.h"

namespace loupe::annotation {

SetLabelHotkey::SetLabelHotkey(AnnotationDocument& doc, qint64 labelId, const QString& key)
    : EditCommand(doc, QObject::tr("Set Label Hotkey"))
{
    // One key picks one label: a label that had the key gives it up in the same step.
    if (!key.isEmpty())
        for (const LabelDef& other : doc.labels())
            if (other.id != labelId && other.hotkey == key)
                changeLabel(other.id, [](LabelDef& l) { l.hotkey.clear(); });
    changeLabel(labelId, [&](LabelDef& l) { l.hotkey = key; });
}

} // namespace loupe::annotation
