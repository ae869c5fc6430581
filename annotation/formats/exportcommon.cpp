// SPDX-License-Identifier: MIT
#include "annotation/formats/exportcommon.h"
#include "core/import/dicomdeidentify.h"
#include "core/import/dicomreader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace loupe::annotation {

bool copyImage(const QString& imageRoot, const QString& relPath, const QString& dst, FormatReport& report)
{
    const QString src = QDir(imageRoot).filePath(relPath);
    QDir().mkpath(QFileInfo(dst).absolutePath());
    QFile::remove(dst);
    // What leaves the project carries no patient: a DICOM image is copied without its identifiers.
    if (core::isDicomFile(src)) {
        const QString error = core::writeDeidentifiedDicom(src, dst);
        if (!error.isEmpty()) {
            report.error(src, QString(), QStringLiteral("cannot copy the image into %1: %2").arg(dst, error));
            return false;
        }
        return true;
    }
    if (!QFile::copy(src, dst)) {
        report.error(src, QString(), QStringLiteral("cannot copy the image into %1").arg(dst));
        return false;
    }
    return true;
}

void reportLostFields(const Shape& s, const FormatKeeps& keeps, const QString& format, FormatReport& report)
{
    if (s.score && !keeps.score)
        report.dropped(QStringLiteral("field:score"),
                       QStringLiteral("%1 has no confidence scores").arg(format));
    if (!s.attributes.isEmpty() && !keeps.attributes)
        report.dropped(QStringLiteral("field:attributes"),
                       QStringLiteral("%1 has no free attributes").arg(format));
    if (s.review != ReviewState::New)
        report.dropped(QStringLiteral("field:review_state"),
                       QStringLiteral("%1 has no review states").arg(format));
    if (s.source == ShapeSource::Model && !keeps.source && !keeps.score)
        report.dropped(QStringLiteral("field:source"),
                       QStringLiteral("%1 does not record who made a shape").arg(format));
}

} // namespace loupe::annotation
