// SPDX-License-Identifier: MIT
#include "annotation/formats/imagematch.h"

#include <QDir>
#include <QHash>

namespace loupe::annotation {

QString normalisedImagePath(const QString& p)
{
    QString s = QDir::cleanPath(QDir::fromNativeSeparators(p));
    while (s.startsWith(QLatin1String("./")))
        s = s.mid(2);
    return s;
}

QString imageFileName(const QString& normalisedPath)
{
    return normalisedPath.mid(normalisedPath.lastIndexOf(QLatin1Char('/')) + 1);
}

ImageMatch matchImages(const QStringList& projectPaths, const Dataset& data, const QString& sourceName,
                       FormatReport& report)
{
    QHash<QString, int> byPath;
    QHash<QString, QList<int>> byName;
    for (int i = 0; i < projectPaths.size(); ++i) {
        const QString p = normalisedImagePath(projectPaths[i]);
        byPath.insert(p, i);
        byName[imageFileName(p)] << i;
    }
    ImageMatch m;
    m.projectIndex.assign(data.images.size(), -1);
    QHash<int, QString> taken;
    for (size_t k = 0; k < data.images.size(); ++k) {
        const QString p = normalisedImagePath(data.images[k].path);
        int idx = byPath.value(p, -1);
        if (idx >= 0) {
            ++m.byPath;
        } else {
            const QList<int> same = byName.value(imageFileName(p));
            if (same.size() == 1) {
                idx = same.front();
                ++m.byName;
            } else if (same.size() > 1) {
                ++m.ambiguous;
                report.dropped(QStringLiteral("image"),
                               QStringLiteral("file name shared by several project images and "
                                              "no project image has the same relative path"));
                report.warning(sourceName, p,
                               QStringLiteral("ambiguous: %1 project images are named %2")
                                   .arg(same.size())
                                   .arg(imageFileName(p)));
                continue;
            } else {
                ++m.unmatched;
                report.dropped(QStringLiteral("image"),
                               QStringLiteral("no project image with this path or file name"));
                report.warning(sourceName, p, QStringLiteral("no matching project image"));
                continue;
            }
        }
        if (taken.contains(idx)) {
            report.error(sourceName, p,
                         QStringLiteral("\"%1\" and \"%2\" both match project image \"%3\"")
                             .arg(taken.value(idx), p, projectPaths[idx]));
            continue;
        }
        taken.insert(idx, p);
        m.projectIndex[k] = idx;
    }
    return m;
}

} // namespace loupe::annotation
