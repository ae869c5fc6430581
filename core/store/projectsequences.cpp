// SPDX-License-Identifier: MIT
// Project's sequences: the frames of an imported video (named by the assets' `sequence` column, in
// frame order) and, for images without a name, the folder that holds them (in file-name order).
#include "core/store/project.h"

#include <algorithm>

namespace loupe::core {

namespace {

// The stored folder of a stored path: "" for a file directly beside the project file.
QString folderOf(const QString& storedPath)
{
    const qsizetype slash = storedPath.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : storedPath.left(slash);
}

// File names with their numbers compared by value (img2 < img10), as a camera or an exporter numbered
// them; QCollator's numeric mode depends on ICU, which not every Qt build has.
bool numberedLess(const QString& a, const QString& b)
{
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].isDigit() && b[j].isDigit()) {
            qsizetype ei = i, ej = j;
            while (ei < a.size() && a[ei].isDigit())
                ++ei;
            while (ej < b.size() && b[ej].isDigit())
                ++ej;
            // Compare the runs by value without overflow: leading zeros off, then length, then digits.
            qsizetype si = i, sj = j;
            while (si + 1 < ei && a[si] == QLatin1Char('0'))
                ++si;
            while (sj + 1 < ej && b[sj] == QLatin1Char('0'))
                ++sj;
            if (ei - si != ej - sj) return ei - si < ej - sj;
            if (const int c = QStringView(a).mid(si, ei - si).compare(QStringView(b).mid(sj, ej - sj));
                c != 0)
                return c < 0;
            i = ei;
            j = ej;
            continue;
        }
        if (a[i] != b[j]) return a[i] < b[j];
        ++i;
        ++j;
    }
    if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
    return a < b; // equal by value (frame_01 and frame_1): any fixed order
}

} // namespace

std::optional<SequenceKey> Project::sequenceOf(qint64 assetId) const
{
    Statement s = const_cast<Database&>(m_db).prepare(
        QStringLiteral("SELECT path, sequence FROM assets WHERE id = ?1"));
    s.bind(1, assetId);
    if (!s.step()) return std::nullopt;
    SequenceKey key;
    key.name = s.columnText(1);
    if (key.name.isEmpty()) key.folder = folderOf(s.columnText(0));
    return key;
}

QVector<SequenceFrame> Project::sequenceFrames(const SequenceKey& key) const
{
    auto& db = const_cast<Database&>(m_db);
    QVector<SequenceFrame> out;
    if (key.isNamed()) {
        // assets_sequence_frame serves this; frames without an index (a named image sequence) come
        // first, by path.
        Statement s = db.prepare(QStringLiteral("SELECT id, path, frame FROM assets WHERE sequence = ?1 "
                                                "ORDER BY frame IS NOT NULL, frame, path"));
        s.bind(1, key.name);
        while (s.step()) {
            SequenceFrame f{s.columnInt64(0), s.columnText(1), std::nullopt};
            if (!s.columnIsNull(2)) f.frame = s.columnInt64(2);
            out.push_back(f);
        }
        return out;
    }
    // Images directly in the folder (not in its subfolders) that belong to no named sequence. The range
    // on path ("shots/" up to "shots0", '0' following '/') is a walk of the path index, not of every asset.
    const QString prefix = key.folder.isEmpty() ? QString() : key.folder + QLatin1Char('/');
    QString end = prefix;
    if (!end.isEmpty()) end.back() = QChar(end.back().unicode() + 1);
    Statement s =
        db.prepare(QStringLiteral("SELECT id, path FROM assets WHERE %1 sequence IS NULL AND "
                                  "instr(substr(path, ?2 + 1), '/') = 0")
                       .arg(prefix.isEmpty() ? QString() : QStringLiteral("path >= ?1 AND path < ?3 AND")));
    s.bind(2, qint64(prefix.size()));
    if (!prefix.isEmpty()) s.bind(1, prefix).bind(3, end);
    while (s.step())
        out.push_back({s.columnInt64(0), s.columnText(1), std::nullopt});
    std::sort(out.begin(), out.end(), [](const SequenceFrame& a, const SequenceFrame& b) {
        return numberedLess(a.storedPath, b.storedPath);
    });
    return out;
}

QVector<SequenceFrame> Project::sequenceFramesOf(qint64 assetId) const
{
    const std::optional<SequenceKey> key = sequenceOf(assetId);
    return key ? sequenceFrames(*key) : QVector<SequenceFrame>();
}

std::optional<Project::SequencePosition> Project::sequencePosition(qint64 assetId) const
{
    const QVector<SequenceFrame> frames = sequenceFramesOf(assetId);
    const auto it = std::find_if(frames.begin(), frames.end(),
                                 [assetId](const SequenceFrame& f) { return f.assetId == assetId; });
    if (it == frames.end()) return std::nullopt;
    return SequencePosition{int(it - frames.begin()), int(frames.size()), it->frame};
}

std::optional<qint64> Project::neighbourFrame(qint64 assetId, int step) const
{
    const QVector<SequenceFrame> frames = sequenceFramesOf(assetId);
    const auto it = std::find_if(frames.begin(), frames.end(),
                                 [assetId](const SequenceFrame& f) { return f.assetId == assetId; });
    if (it == frames.end()) return std::nullopt;
    const qint64 target = qint64(it - frames.begin()) + step;
    if (target < 0 || target >= frames.size()) return std::nullopt;
    return frames[qsizetype(target)].assetId;
}

QStringList Project::sequenceNames() const
{
    QStringList out;
    Statement s = const_cast<Database&>(m_db).prepare(
        QStringLiteral("SELECT DISTINCT sequence FROM assets WHERE sequence IS NOT NULL ORDER BY sequence"));
    while (s.step())
        out << s.columnText(0);
    return out;
}

} // namespace loupe::core
