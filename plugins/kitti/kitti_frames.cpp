// SPDX-License-Identifier: MIT
#include "kitti_frames.h"

namespace loupe::kitti {

QString frameName(const QString& imagePath)
{
    const qsizetype slash = imagePath.lastIndexOf(QLatin1Char('/'));
    const qsizetype dot = imagePath.lastIndexOf(QLatin1Char('.'));
    QString stem = dot > slash + 1 ? imagePath.left(dot) : imagePath;
    // '%' first, or the %2F written for a slash would be escaped again.
    return stem.replace(QLatin1Char('%'), QLatin1String("%25"))
        .replace(QLatin1Char('/'), QLatin1String("%2F"));
}

QString framePath(const QString& frameName)
{
    QString out;
    out.reserve(frameName.size());
    for (qsizetype i = 0; i < frameName.size(); ++i) {
        const QStringView next = QStringView(frameName).mid(i, 3);
        if (next.compare(QLatin1String("%2F"), Qt::CaseInsensitive) == 0) {
            out += QLatin1Char('/');
            i += 2;
        } else if (next == QLatin1String("%25")) {
            out += QLatin1Char('%');
            i += 2;
        } else {
            out += frameName[i];
        }
    }
    return out;
}

} // namespace loupe::kitti
