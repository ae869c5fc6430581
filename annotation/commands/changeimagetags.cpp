// SPDX-License-Identifier: MIT
#include "annotation/commands/changeimagetags.h"

namespace loupe::annotation {

ChangeImageTags::ChangeImageTags(AnnotationDocument& doc, qint64 imageId, const QStringList& tags)
    : EditCommand(doc, QObject::tr("Change Image Tags"))
{
    QStringList clean;
    for (const QString& t : tags)
        if (!t.trimmed().isEmpty() && !clean.contains(t.trimmed())) clean << t.trimmed();
    const QStringList before = doc.tags(imageId);
    if (clean != before) m_record.tagDiffs.push_back({imageId, before, clean});
}

} // namespace loupe::annotation
