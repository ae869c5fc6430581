// SPDX-License-Identifier: MIT
#include "annotation/formats/fileio.h"
#include "annotation/formats/sizelimits.h"
#include "annotation/formats/yolo.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QHash>
#include <cmath>

namespace loupe::annotation::yolo {

namespace {

QString unquote(QString s)
{
    s = s.trimmed();
    if (s.size() >= 2 && ((s.startsWith(QLatin1Char('"')) && s.endsWith(QLatin1Char('"'))) ||
                          (s.startsWith(QLatin1Char('\'')) && s.endsWith(QLatin1Char('\''))))) {
        const bool dq = s.startsWith(QLatin1Char('"'));
        s = s.mid(1, s.size() - 2);
        if (dq)
            s.replace(QLatin1String("\\\""), QLatin1String("\""))
                .replace(QLatin1String("\\\\"), QLatin1String("\\"));
        else
            s.replace(QLatin1String("''"), QLatin1String("'"));
    }
    return s;
}

QString stripComment(const QString& line)
{
    bool inS = false, inD = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (c == QLatin1Char('\'') && !inD)
            inS = !inS;
        else if (c == QLatin1Char('"') && !inS)
            inD = !inD;
        else if (c == QLatin1Char('#') && !inS && !inD && (i == 0 || line[i - 1].isSpace()))
            return line.left(i);
    }
    return line;
}

const QStringList kImageSuffixes = {QStringLiteral("jpg"),  QStringLiteral("jpeg"), QStringLiteral("png"),
                                    QStringLiteral("bmp"),  QStringLiteral("webp"), QStringLiteral("tif"),
                                    QStringLiteral("tiff"), QStringLiteral("JPG"),  QStringLiteral("JPEG"),
                                    QStringLiteral("PNG")};

} // namespace

std::optional<DataYaml> parseDataYaml(const QByteArray& text, const QString& fileName, FormatReport& report)
{
    DataYaml y;
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    QHash<int, QString> indexed;
    QString block; // the key whose indented block we are in
    bool ok = true;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString raw = stripComment(lines[i]);
        if (raw.trimmed().isEmpty()) continue;
        const QString where = QStringLiteral("line %1").arg(i + 1);
        const bool indented = raw.front().isSpace();
        const QString t = raw.trimmed();
        if (indented && block == QLatin1String("names")) {
            if (t.startsWith(QLatin1String("- "))) {
                y.names << unquote(t.mid(2));
            } else {
                const qsizetype colon = t.indexOf(QLatin1Char(':'));
                bool isInt = false;
                const int idx = colon > 0 ? t.left(colon).trimmed().toInt(&isInt) : -1;
                if (!isInt || idx < 0 || idx > 100000 || indexed.contains(idx)) {
                    report.error(
                        fileName, where,
                        QStringLiteral(
                            "names entries are \"- name\" or \"<index>: name\" with unique indices"));
                    ok = false;
                    continue;
                }
                indexed.insert(idx, unquote(t.mid(colon + 1)));
            }
            continue;
        }
        if (indented) continue; // blocks of keys we do not need (download scripts, ...)
        block.clear();
        const qsizetype colon = t.indexOf(QLatin1Char(':'));
        if (colon <= 0) {
            report.error(fileName, where, QStringLiteral("expected \"key: value\""));
            ok = false;
            continue;
        }
        const QString key = t.left(colon).trimmed();
        const QString value = t.mid(colon + 1).trimmed();
        if (key == QLatin1String("names")) {
            if (value.isEmpty()) {
                block = key;
            } else if (value.startsWith(QLatin1Char('[')) && value.endsWith(QLatin1Char(']'))) {
                for (const QString& n :
                     value.mid(1, value.size() - 2).split(QLatin1Char(','), Qt::SkipEmptyParts))
                    y.names << unquote(n);
            } else {
                report.error(fileName, where, QStringLiteral("names must be a list or an index map"));
                ok = false;
            }
        } else if (key == QLatin1String("task")) {
            y.task = unquote(value);
        } else if (key == QLatin1String("kpt_shape")) {
            const QStringList parts = value.mid(1, value.size() - 2).split(QLatin1Char(','));
            bool a = false, b = false;
            if (parts.size() == 2) {
                y.kptCount = parts[0].trimmed().toInt(&a);
                y.kptDims = parts[1].trimmed().toInt(&b);
            }
            if (!a || !b || y.kptCount <= 0 || (y.kptDims != 2 && y.kptDims != 3)) {
                report.error(fileName, where, QStringLiteral("kpt_shape must be [count, 2 or 3]"));
                ok = false;
            }
        } else if (key == QLatin1String("train") || key == QLatin1String("val") ||
                   key == QLatin1String("test")) {
            if (!value.isEmpty()) y.splitDirs << unquote(value);
        }
    }
    if (!indexed.isEmpty()) {
        for (int i = 0; i < indexed.size(); ++i) {
            if (!indexed.contains(i)) {
                report.error(fileName, QStringLiteral("names"),
                             QStringLiteral("class index %1 is missing").arg(i));
                return std::nullopt;
            }
            y.names << indexed.value(i);
        }
    }
    if (!ok) return std::nullopt;
    return y;
}

bool parseLabels(const QByteArray& text, const QString& txt, const DataYaml& yaml, const Dataset& data,
                 DatasetImage& im, FormatReport& report)
{
    const int nc = int(data.labels.size());
    const bool obb = yaml.task == QLatin1String("obb");
    const bool pose = yaml.kptCount > 0;
    bool ok = true;
    const QList<QByteArray> lines = text.split('\n');
    const double sx = im.width, sy = im.height;
    const double slackX = kCoordinateSlack / sx, slackY = kCoordinateSlack / sy;
    for (qsizetype ln = 0; ln < lines.size(); ++ln) {
        const QList<QByteArray> tok = lines[ln].simplified().split(' ');
        if (lines[ln].trimmed().isEmpty()) continue;
        const QString where = QStringLiteral("line %1").arg(ln + 1);
        bool isInt = false;
        const int cls = tok[0].toInt(&isInt);
        if (!isInt || cls < 0 || cls >= nc) {
            report.error(txt, where,
                         QStringLiteral("class \"%1\" is not an index into the %2 names of data.yaml")
                             .arg(QString::fromUtf8(tok[0]))
                             .arg(nc));
            ok = false;
            continue;
        }
        std::vector<double> v;
        bool numbers = true;
        for (qsizetype k = 1; k < tok.size(); ++k) {
            bool good = false;
            v.push_back(tok[k].toDouble(&good));
            numbers = numbers && good && std::isfinite(v.back());
        }
        if (!numbers) {
            report.error(txt, where, QStringLiteral("values must be numbers"));
            ok = false;
            continue;
        }
        auto coordsOk = [&](size_t from, size_t to, size_t step) {
            for (size_t k = from; k + 1 < to; k += step)
                if (v[k] < -slackX || v[k] > 1 + slackX || v[k + 1] < -slackY || v[k + 1] > 1 + slackY)
                    return false;
            return true;
        };
        // Also bounds what a hostile 1e300 becomes once scaled: it never reaches the project or an export.
        const auto boxOk = [&] {
            return v[2] >= 0 && v[3] >= 0 && coordsOk(0, 2, 2) && v[0] - v[2] / 2 >= -slackX &&
                   v[0] + v[2] / 2 <= 1 + slackX && v[1] - v[3] / 2 >= -slackY &&
                   v[1] + v[3] / 2 <= 1 + slackY;
        };
        Shape s;
        s.labelId = cls;
        const size_t n = v.size();
        const auto boxAt = [&] {
            return QRectF((v[0] - v[2] / 2) * sx, (v[1] - v[3] / 2) * sy, v[2] * sx, v[3] * sy);
        };
        bool shapeOk = true;
        if (pose) {
            const size_t want = 4 + size_t(yaml.kptCount) * size_t(yaml.kptDims);
            if (n != want) {
                report.error(
                    txt, where,
                    QStringLiteral("a pose line has %1 values after the class, found %2").arg(want).arg(n));
                ok = false;
                continue;
            }
            KeypointsGeom g;
            g.box = boxAt();
            const QStringList& names = data.labels[size_t(cls)].keypointNames;
            for (int k = 0; k < yaml.kptCount; ++k) {
                const size_t o = 4 + size_t(k) * size_t(yaml.kptDims);
                const int vis = yaml.kptDims == 3 ? int(v[o + 2]) : 2;
                if (vis < 0 || vis > 2 || (yaml.kptDims == 3 && v[o + 2] != vis) ||
                    (vis > 0 && !coordsOk(o, o + 2, 2))) {
                    shapeOk = false;
                    break;
                }
                const QString name = k < names.size() ? names[k] : QStringLiteral("kp%1").arg(k);
                g.points.push_back({name, vis > 0 ? QPointF(v[o] * sx, v[o + 1] * sy) : QPointF(), vis});
            }
            shapeOk = shapeOk && boxOk();
            s.geometry = g;
        } else if (n == 4) {
            shapeOk = boxOk();
            s.geometry = RectangleGeom{boxAt()};
        } else if (obb && n == 8) {
            QPolygonF p;
            for (size_t k = 0; k < 8; k += 2)
                p << QPointF(v[k] * sx, v[k + 1] * sy);
            shapeOk = coordsOk(0, 8, 2);
            // Corners in order: the first edge gives the angle, the edges the size.
            const QPointF e1 = p[1] - p[0], e2 = p[2] - p[1];
            RotatedRectGeom r;
            r.center = (p[0] + p[2]) / 2;
            r.width = std::hypot(e1.x(), e1.y());
            r.height = std::hypot(e2.x(), e2.y());
            r.angle = std::atan2(e1.y(), e1.x()) * 180.0 / M_PI;
            s.geometry = r;
        } else if (n >= 6 && n % 2 == 0) {
            QPolygonF p;
            for (size_t k = 0; k < n; k += 2)
                p << QPointF(v[k] * sx, v[k + 1] * sy);
            shapeOk = coordsOk(0, n, 2);
            s.geometry = PolygonGeom{p};
        } else {
            report.error(txt, where,
                         QStringLiteral(
                             "%1 values after the class fit no YOLO line (4 box, 8 obb, or 6+ even polygon)")
                             .arg(n));
            ok = false;
            continue;
        }
        if (!shapeOk) {
            report.error(txt, where,
                         QStringLiteral("coordinates must be normalised to [0, 1] (visibility 0, 1 or 2)"));
            ok = false;
            continue;
        }
        report.count(shapeKindName(s.kind()));
        im.shapes.push_back(std::move(s));
    }
    return ok;
}

std::optional<Dataset> read(const QString& pathIn, FormatReport& report, const ImportOptions&)
{
    // Absolute first: relativeTo() of two relative paths resolves the file against the folder twice.
    const QString path = QFileInfo(pathIn).absoluteFilePath();
    QString root = path, yamlPath = QDir(path).filePath(QStringLiteral("data.yaml"));
    if (QFileInfo(path).isFile()) {
        yamlPath = path;
        root = QFileInfo(path).absolutePath();
    }
    const auto yamlText = readWholeFile(yamlPath, report);
    if (!yamlText) return std::nullopt;
    const auto yaml = parseDataYaml(*yamlText, yamlPath, report);
    if (!yaml) return std::nullopt;
    Dataset data;
    for (const QString& n : yaml->names)
        data.ensureLabel(n);
    if (data.labels.size() != size_t(yaml->names.size())) {
        report.error(yamlPath, QStringLiteral("names"), QStringLiteral("class names must be unique"));
        return std::nullopt;
    }
    const QDir rootDir(root);
    const QString labelsDir = rootDir.filePath(QStringLiteral("labels"));
    const QString imagesDir = rootDir.filePath(QStringLiteral("images"));

    // Every image under images/, with or without a label file: an image without one has no objects.
    QHash<QString, QString> imageByStem; // "train/x" -> "train/x.jpg"
    QDirIterator it(imagesDir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        if (kImageSuffixes.contains(QFileInfo(f).suffix()))
            imageByStem.insert(withoutSuffix(relativeTo(imagesDir, f)), relativeTo(imagesDir, f));
    }
    QStringList labelFiles;
    QDirIterator lt(labelsDir, {QStringLiteral("*.txt")}, QDir::Files, QDirIterator::Subdirectories);
    while (lt.hasNext())
        labelFiles << lt.next();
    labelFiles.sort();
    for (const QString& f : labelFiles)
        if (!imageByStem.contains(withoutSuffix(relativeTo(labelsDir, f))))
            report.error(f, QString(),
                         QStringLiteral("no image for this labels file under %1 (its size is needed to "
                                        "read normalised coordinates)")
                             .arg(imagesDir));
    if (labelFiles.isEmpty() && imageByStem.isEmpty()) {
        report.error(root, QString(), QStringLiteral("no labels/ or images/ folder"));
        return std::nullopt;
    }
    if (report.hasErrors()) return std::nullopt;

    QStringList stems = imageByStem.keys();
    stems.sort();
    bool ok = true;
    for (const QString& stem : stems) {
        DatasetImage im;
        im.path = imageByStem.value(stem);
        const QSize size = orientedImageSize(QDir(imagesDir).filePath(im.path));
        if (!size.isValid()) {
            report.error(QDir(imagesDir).filePath(im.path), QString(),
                         QStringLiteral("cannot read the image size"));
            ok = false;
            continue;
        }
        if (!checkImageSize(size.width(), size.height(), QDir(imagesDir).filePath(im.path),
                            QStringLiteral("image size"), report)) {
            ok = false;
            continue;
        }
        im.width = size.width();
        im.height = size.height();
        const QString txt = QDir(labelsDir).filePath(stem + QStringLiteral(".txt"));
        if (QFileInfo::exists(txt)) {
            const auto bytes = readWholeFile(txt, report);
            if (!bytes) {
                ok = false;
                continue;
            }
            ok = parseLabels(*bytes, txt, *yaml, data, im, report) && ok;
        }
        data.images.push_back(std::move(im));
    }
    report.setImages(qsizetype(data.images.size()));
    if (!ok) return std::nullopt;
    return data;
}

} // namespace loupe::annotation::yolo
