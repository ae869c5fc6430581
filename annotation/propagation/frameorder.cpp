// SPDX-License-Identifier: MIT
#include "annotation/propagation/frameorder.h"

#include "core/store/project.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>

namespace loupe::annotation {

namespace {

// Runs of digits compare by value, the rest by code point: frame_9 before frame_10, as cameras and
// exporters number files. (QCollator's numeric mode depends on the locale and ICU being there.)
int compareNatural(const QString& a, const QString& b)
{
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].isDigit() && b[j].isDigit()) {
            qsizetype i1 = i, j1 = j;
            while (i1 < a.size() && a[i1].isDigit())
                ++i1;
            while (j1 < b.size() && b[j1].isDigit())
                ++j1;
            // Leading zeros do not count; then the longer number is the larger.
            QStringView x = QStringView(a).mid(i, i1 - i), y = QStringView(b).mid(j, j1 - j);
            while (x.size() > 1 && x.front() == QLatin1Char('0'))
                x = x.mid(1);
            while (y.size() > 1 && y.front() == QLatin1Char('0'))
                y = y.mid(1);
            if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
            if (const int c = x.compare(y); c != 0) return c;
            i = i1;
            j = j1;
            continue;
        }
        if (a[i] != b[j]) return a[i] < b[j] ? -1 : 1;
        ++i;
        ++j;
    }
    return (a.size() - i) < (b.size() - j) ? -1 : (a.size() - i) > (b.size() - j) ? 1 : 0;
}

QString folderOf(const QString& path)
{
    const int slash = path.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : path.left(slash);
}

} // namespace

FolderFrameOrder::FolderFrameOrder(const ProjectAccess& project)
    : m_root(project.imageRoot()), m_images(project.images())
{
}

std::vector<Frame> FolderFrameOrder::sequenceOf(qint64 assetId) const
{
    const auto self = std::find_if(m_images.begin(), m_images.end(),
                                   [&](const ProjectImage& im) { return im.id == assetId; });
    if (self == m_images.end()) return {};
    const QString folder = folderOf(self->path);
    std::vector<const ProjectImage*> same;
    for (const ProjectImage& im : m_images)
        if (folderOf(im.path) == folder) same.push_back(&im);
    std::stable_sort(same.begin(), same.end(), [&](const ProjectImage* a, const ProjectImage* b) {
        const int c = compareNatural(a->path, b->path);
        return c != 0 ? c < 0 : a->path < b->path;
    });
    std::vector<Frame> out;
    for (const ProjectImage* im : same)
        out.push_back({im->id, QDir(m_root).filePath(im->path)});
    return out;
}

std::vector<Frame> ProjectFrameOrder::sequenceOf(qint64 assetId) const
{
    std::vector<Frame> out;
    for (const core::SequenceFrame& f : m_project.sequenceFramesOf(assetId))
        out.push_back({f.assetId, m_project.absolutePath(f.storedPath)});
    return out;
}

std::vector<Frame> framesFromTo(const FrameOrder& order, qint64 from, qint64 to, QString* error)
{
    const std::vector<Frame> seq = order.sequenceOf(from);
    auto find = [&](qint64 id) {
        return std::find_if(seq.begin(), seq.end(), [&](const Frame& f) { return f.id == id; });
    };
    const auto a = find(from), b = find(to);
    if (a == seq.end()) {
        *error = QStringLiteral("image %1 is not in the project").arg(from);
        return {};
    }
    if (b == seq.end()) {
        *error =
            order.sequenceOf(to).empty()
                ? QStringLiteral("image %1 is not in the project").arg(to)
                : QStringLiteral("images %1 and %2 are not frames of the same sequence").arg(from).arg(to);
        return {};
    }
    if (b < a) {
        *error =
            QStringLiteral("frame %1 plays before frame %2: give the earlier frame first").arg(to).arg(from);
        return {};
    }
    return std::vector<Frame>(a, b + 1);
}

} // namespace loupe::annotation
