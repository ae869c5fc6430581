// SPDX-License-Identifier: MIT
#include "annotation/formats/fileio.h"
#include "annotation/formats/sizelimits.h"
#include "annotation/formats/voc.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QXmlStreamReader>
#include <cmath>

namespace loupe::annotation::voc {

namespace {

QString at(const QXmlStreamReader& x)
{
    return QStringLiteral("line %1, column %2").arg(x.lineNumber()).arg(x.columnNumber());
}

struct VocObject
{
    QString place;
    QString name, pose;
    bool truncated = false, difficult = false, occluded = false;
    bool hasBox = false;
    double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
};

} // namespace

bool parse(const QByteArray& xml, const QString& fileName, const QString& relDir, Dataset& data,
           FormatReport& report, const ImportOptions&)
{
    QXmlStreamReader x(xml);
    QString filename, path;
    int width = -1, height = -1;
    std::vector<VocObject> objects;
    VocObject* obj = nullptr;
    QStringList stack;
    bool ok = true;
    auto fail = [&](const QString& where, const QString& msg) {
        report.error(fileName, where, msg);
        ok = false;
    };
    while (!x.atEnd()) {
        const auto token = x.readNext();
        if (token == QXmlStreamReader::DTD) {
            // Entities are never resolved: a DTD can only smuggle in text from elsewhere.
            fail(at(x), QStringLiteral("external entities/DTD are not supported (<!DOCTYPE> or <!ENTITY>)"));
            return false;
        }
        if (token == QXmlStreamReader::StartElement) {
            const QString name = x.name().toString();
            if (stack.isEmpty() && name != QLatin1String("annotation")) {
                fail(at(x), QStringLiteral("root element must be <annotation>, found <%1>").arg(name));
                return false;
            }
            stack << name;
            if (name == QLatin1String("object") && stack.size() == 2) {
                objects.push_back({});
                obj = &objects.back();
                obj->place = at(x);
            }
            const bool inObject = stack.size() >= 2 && stack[stack.size() - 2] == QLatin1String("object");
            if (name == QLatin1String("bndbox") && obj && inObject) obj->hasBox = true;
            if (stack.size() >= 2 && x.isStartElement()) {
                // Leaf elements we care about: read their text here.
                const QString parent = stack.size() >= 2 ? stack[stack.size() - 2] : QString();
                const bool leaf = (parent == QLatin1String("annotation") &&
                                   (name == QLatin1String("filename") || name == QLatin1String("path"))) ||
                                  (parent == QLatin1String("size") &&
                                   (name == QLatin1String("width") || name == QLatin1String("height"))) ||
                                  (parent == QLatin1String("object") && obj) ||
                                  // a <part>'s box (person layout) is not the object's box
                                  (parent == QLatin1String("bndbox") && obj && stack.size() >= 3 &&
                                   stack[stack.size() - 3] == QLatin1String("object"));
                if (!leaf || name == QLatin1String("bndbox") || name == QLatin1String("part") ||
                    name == QLatin1String("attributes"))
                    continue;
                const QString where = at(x);
                const QString text = x.readElementText(QXmlStreamReader::SkipChildElements).trimmed();
                stack.removeLast();
                if (x.hasError()) break;
                bool num = false;
                const double v = text.toDouble(&num);
                if (parent == QLatin1String("annotation")) {
                    (name == QLatin1String("filename") ? filename : path) = text;
                } else if (parent == QLatin1String("size")) {
                    if (!num || !std::isfinite(v) || v <= 0 || v != std::floor(v))
                        fail(where, QStringLiteral("<%1> must be a positive whole number").arg(name));
                    else if (v > kMaxImageSide) {
                        checkImageSize(qint64(std::min(v, 1e12)), 1, fileName,
                                       where + QStringLiteral(" <size>/<%1>").arg(name), report);
                        ok = false;
                    } else
                        (name == QLatin1String("width") ? width : height) = int(v);
                } else if (parent == QLatin1String("object")) {
                    if (name == QLatin1String("name"))
                        obj->name = text;
                    else if (name == QLatin1String("pose"))
                        obj->pose = text;
                    else if (name == QLatin1String("truncated"))
                        obj->truncated = text == QLatin1String("1");
                    else if (name == QLatin1String("difficult"))
                        obj->difficult = text == QLatin1String("1");
                    else if (name == QLatin1String("occluded"))
                        obj->occluded = text == QLatin1String("1");
                } else if (parent == QLatin1String("bndbox")) {
                    double* slot = name == QLatin1String("xmin")   ? &obj->xmin
                                   : name == QLatin1String("ymin") ? &obj->ymin
                                   : name == QLatin1String("xmax") ? &obj->xmax
                                   : name == QLatin1String("ymax") ? &obj->ymax
                                                                   : nullptr;
                    if (slot && (!num || !std::isfinite(v)))
                        fail(where, QStringLiteral("<%1> must be a number").arg(name));
                    else if (slot)
                        *slot = v;
                }
            }
        } else if (token == QXmlStreamReader::EndElement) {
            if (!stack.isEmpty()) stack.removeLast();
            if (x.name() == QLatin1String("object") && stack.size() == 1) obj = nullptr;
        }
    }
    if (x.hasError()) {
        report.error(fileName, at(x), QStringLiteral("broken XML: %1").arg(x.errorString()));
        return false;
    }
    if (filename.isEmpty() && path.isEmpty())
        fail(QStringLiteral("<annotation>"), QStringLiteral("no <filename>"));
    if (!ok) return false;
    if (width <= 0 || height <= 0)
        fail(QStringLiteral("<size>"),
             QStringLiteral("missing or invalid <size> (width and height are needed to check coordinates)"));
    else if (!checkImageSize(width, height, fileName, QStringLiteral("<size>"), report))
        ok = false;
    if (!ok) return false;

    DatasetImage im;
    // Our own exports write the relative path; other tools write an absolute one, so fall back to the
    // XML file's folder plus the file name.
    if (!path.isEmpty() && QDir::isRelativePath(path) && !path.startsWith(QLatin1String("..")))
        im.path = QDir::fromNativeSeparators(path);
    else
        im.path = relDir.isEmpty() || relDir == QLatin1String(".") ? filename
                                                                   : relDir + QLatin1Char('/') + filename;
    im.width = width;
    im.height = height;
    for (const DatasetImage& other : data.images)
        if (other.path == im.path) {
            fail(QString(), QStringLiteral("a second annotation file for image \"%1\"").arg(im.path));
            return false;
        }
    for (const VocObject& o : objects) {
        if (o.name.isEmpty()) {
            fail(o.place, QStringLiteral("<object> without a <name>"));
            continue;
        }
        if (!o.hasBox) {
            fail(o.place, QStringLiteral("<object> without a <bndbox>"));
            continue;
        }
        // 1-based inclusive -> pixel edges.
        const double x0 = o.xmin - 1, y0 = o.ymin - 1, x1 = o.xmax, y1 = o.ymax;
        if (x1 < x0 || y1 < y0) {
            fail(o.place, QStringLiteral("<bndbox> has xmax < xmin or ymax < ymin"));
            continue;
        }
        if (x0 < -kCoordinateSlack || y0 < -kCoordinateSlack || x1 > width + kCoordinateSlack ||
            y1 > height + kCoordinateSlack) {
            fail(o.place, QStringLiteral("<bndbox> (%1, %2, %3, %4) lies outside the %5 x %6 image")
                              .arg(o.xmin)
                              .arg(o.ymin)
                              .arg(o.xmax)
                              .arg(o.ymax)
                              .arg(width)
                              .arg(height));
            continue;
        }
        Shape s;
        s.labelId = data.ensureLabel(o.name);
        s.geometry = RectangleGeom{QRectF(QPointF(x0, y0), QPointF(x1, y1))};
        if (!o.pose.isEmpty() && o.pose != QLatin1String("Unspecified"))
            s.attributes.insert(QStringLiteral("pose"), o.pose);
        if (o.truncated) s.attributes.insert(QStringLiteral("truncated"), true);
        if (o.difficult) s.attributes.insert(QStringLiteral("difficult"), true);
        if (o.occluded) s.attributes.insert(QStringLiteral("occluded"), true);
        im.shapes.push_back(s);
        report.count(QStringLiteral("rectangle"));
    }
    if (!ok) return false;
    data.images.push_back(std::move(im));
    return true;
}

std::optional<Dataset> read(const QString& pathIn, FormatReport& report, const ImportOptions& options)
{
    const QString path = QFileInfo(pathIn).absoluteFilePath();
    QStringList files;
    QString root = path;
    if (QFileInfo(path).isDir()) {
        if (QFileInfo(QDir(path).filePath(QStringLiteral("Annotations"))).isDir())
            root = QDir(path).filePath(QStringLiteral("Annotations"));
        QDirIterator it(root, {QStringLiteral("*.xml")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << it.next();
        files.sort();
        if (files.isEmpty()) {
            report.error(path, QString(), QStringLiteral("no VOC .xml files found"));
            return std::nullopt;
        }
    } else {
        files << path;
        root = QFileInfo(path).absolutePath();
    }
    Dataset data;
    bool ok = true;
    for (const QString& f : files) {
        const auto bytes = readWholeFile(f, report);
        const QString relDir = relativeTo(root, QFileInfo(f).absolutePath());
        ok = bytes && parse(*bytes, f, relDir, data, report, options) && ok;
    }
    report.setImages(qsizetype(data.images.size()));
    if (!ok) return std::nullopt;
    return data;
}

} // namespace loupe::annotation::voc
