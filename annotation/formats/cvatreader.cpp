// SPDX-License-Identifier: MIT
#include "annotation/formats/cvat.h"
#include "annotation/formats/fileio.h"
#include "annotation/formats/sizelimits.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QXmlStreamReader>
#include <cmath>

namespace loupe::annotation::cvat {

namespace {

QString at(const QXmlStreamReader& x)
{
    return QStringLiteral("line %1, column %2").arg(x.lineNumber()).arg(x.columnNumber());
}

bool parsePoints(const QString& text, QPolygonF* out)
{
    for (const QString& pair : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QStringList xy = pair.split(QLatin1Char(','));
        bool a = false, b = false;
        if (xy.size() != 2) return false;
        const double x = xy[0].trimmed().toDouble(&a), y = xy[1].trimmed().toDouble(&b);
        if (!a || !b || !std::isfinite(x) || !std::isfinite(y)) return false;
        *out << QPointF(x, y);
    }
    return !out->isEmpty();
}

QJsonValue attributeValue(const QString& text, const LabelDef* label, const QString& name)
{
    if (label)
        for (const AttributeSpec& a : label->attributes)
            if (a.name == name) {
                if (a.type == AttributeSpec::Type::Bool) return text == QLatin1String("true");
                if (a.type == AttributeSpec::Type::Number) return text.toDouble();
            }
    // Undeclared attribute: CVAT writes checkboxes as true/false, so read those back as booleans.
    if (text == QLatin1String("true") || text == QLatin1String("false")) return text == QLatin1String("true");
    return text;
}

AttributeSpec::Type typeFromInput(const QString& t)
{
    if (t == QLatin1String("number")) return AttributeSpec::Type::Number;
    if (t == QLatin1String("checkbox")) return AttributeSpec::Type::Bool;
    if (t == QLatin1String("select") || t == QLatin1String("radio")) return AttributeSpec::Type::Choice;
    return AttributeSpec::Type::Text;
}

} // namespace

bool parse(const QByteArray& xml, const QString& fileName, Dataset& data, FormatReport& report,
           const ImportOptions& options)
{
    QXmlStreamReader x(xml);
    bool ok = true;
    auto fail = [&](const QString& where, const QString& msg) {
        report.error(fileName, where, msg);
        ok = false;
    };
    QHash<QString, bool> imageIds;
    bool metaHasLabels = false;
    DatasetImage* im = nullptr;
    std::vector<DatasetImage> images;
    std::optional<Shape> shape; // open shape element
    QString shapeWhere;
    KeypointsGeom skeleton;
    QStringList stack;

    auto inImage = [&](const QPointF& p) {
        return p.x() >= -kCoordinateSlack && p.y() >= -kCoordinateSlack &&
               p.x() <= im->width + kCoordinateSlack && p.y() <= im->height + kCoordinateSlack;
    };
    auto labelOf = [&](const QString& name, const QString& where) -> int {
        if (name.isEmpty()) {
            // CVAT keeps shapes whose label was deleted with label="": keep them under the chosen name.
            const QString as =
                options.emptyLabel.isEmpty() ? QString::fromLatin1(kUnlabeled) : options.emptyLabel;
            report.converted(QStringLiteral("shape without a label"), QStringLiteral("label \"%1\"").arg(as),
                             QStringLiteral("the file gives the shape an empty label"));
            return data.ensureLabel(as);
        }
        const int i = data.findLabel(name);
        if (i >= 0) return i;
        if (metaHasLabels) {
            fail(where, QStringLiteral("label \"%1\" is not declared in <meta>").arg(name));
            return -1;
        }
        return data.ensureLabel(name);
    };

    while (!x.atEnd() && ok) {
        const auto token = x.readNext();
        if (token == QXmlStreamReader::DTD) {
            // Entities are never resolved: a DTD can only smuggle in text from elsewhere.
            fail(at(x), QStringLiteral("external entities/DTD are not supported (<!DOCTYPE> or <!ENTITY>)"));
            break;
        }
        if (token == QXmlStreamReader::EndElement) {
            const QString name = x.name().toString();
            if (!stack.isEmpty()) stack.removeLast();
            if (name == QLatin1String("image") && im) {
                im = nullptr;
                shape.reset(); // a shape left open by broken nesting must not outlive its image
            } else if (shape && im && stack.size() == 2 && name != QLatin1String("attribute")) {
                if (shape->kind() == ShapeKind::Keypoints) shape->geometry = skeleton;
                report.count(shapeKindName(shape->kind()));
                im->shapes.push_back(*shape);
                shape.reset();
            }
            continue;
        }
        if (token != QXmlStreamReader::StartElement) continue;
        const QString name = x.name().toString();
        const auto attrs = x.attributes();
        const QString where = at(x);
        stack << name;
        if (stack.size() == 1 && name != QLatin1String("annotations")) {
            fail(where, QStringLiteral("root element must be <annotations>, found <%1>").arg(name));
            break;
        }
        // <meta><task|project><labels><label>: names and attribute specs.
        if (name == QLatin1String("label") && stack.contains(QLatin1String("meta"))) {
            LabelDef l;
            QString parent;
            while (x.readNextStartElement()) {
                if (x.name() == QLatin1String("parent")) {
                    parent = x.readElementText();
                } else if (x.name() == QLatin1String("name")) {
                    l.name = x.readElementText();
                } else if (x.name() == QLatin1String("attributes")) {
                    while (x.readNextStartElement()) {
                        AttributeSpec a;
                        QString input, values, def;
                        while (x.readNextStartElement()) {
                            if (x.name() == QLatin1String("name"))
                                a.name = x.readElementText();
                            else if (x.name() == QLatin1String("input_type"))
                                input = x.readElementText();
                            else if (x.name() == QLatin1String("values"))
                                values = x.readElementText();
                            else if (x.name() == QLatin1String("default_value"))
                                def = x.readElementText();
                            else
                                x.skipCurrentElement();
                        }
                        a.type = typeFromInput(input);
                        if (a.type == AttributeSpec::Type::Choice)
                            a.choices = values.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
                        if (!a.name.isEmpty()) l.attributes.push_back(a);
                    }
                } else {
                    x.skipCurrentElement();
                }
            }
            stack.removeLast();
            if (!parent.isEmpty()) {
                // A skeleton's point: its name becomes a keypoint name of the parent label.
                const int p = data.findLabel(parent);
                if (p >= 0 && !data.labels[size_t(p)].keypointNames.contains(l.name))
                    data.labels[size_t(p)].keypointNames << l.name;
                continue;
            }
            if (l.name.isEmpty()) {
                fail(where, QStringLiteral("<label> without a <name>"));
                continue;
            }
            if (data.findLabel(l.name) >= 0) {
                fail(where, QStringLiteral("label \"%1\" declared twice").arg(l.name));
                continue;
            }
            data.labels.push_back(l);
            metaHasLabels = true;
            continue;
        }
        if (name == QLatin1String("image") && stack.size() == 2) {
            const QString id = attrs.value(QStringLiteral("id")).toString();
            const QString file = attrs.value(QStringLiteral("name")).toString();
            bool wOk = false, hOk = false;
            const qint64 w = attrs.value(QStringLiteral("width")).toLongLong(&wOk),
                         h = attrs.value(QStringLiteral("height")).toLongLong(&hOk);
            if (imageIds.contains(id)) {
                fail(where, QStringLiteral("duplicate image id \"%1\"").arg(id));
                break;
            }
            imageIds.insert(id, true);
            if (file.isEmpty() || !wOk || !hOk || w <= 0 || h <= 0) {
                fail(where, QStringLiteral("<image> needs a name and positive width and height"));
                break;
            }
            if (!checkImageSize(w, h, fileName, where + QStringLiteral(" <image> width/height"), report)) {
                ok = false;
                break;
            }
            bool twice = false;
            for (const DatasetImage& other : images)
                twice = twice || other.path == file;
            if (twice) {
                fail(where, QStringLiteral("image \"%1\" appears twice").arg(file));
                break;
            }
            images.push_back({QDir::fromNativeSeparators(file), int(w), int(h), {}, {}});
            im = &images.back();
            continue;
        }
        if (!im) continue;
        if (name == QLatin1String("attribute") && shape) {
            const QString an = attrs.value(QStringLiteral("name")).toString();
            const QString text = x.readElementText();
            stack.removeLast();
            shape->attributes.insert(an, attributeValue(text, &data.labels[size_t(shape->labelId)], an));
            continue;
        }
        if (name == QLatin1String("points") && shape && shape->kind() == ShapeKind::Keypoints) {
            QPolygonF p;
            if (!parsePoints(attrs.value(QStringLiteral("points")).toString(), &p) || p.size() != 1 ||
                !inImage(p[0])) {
                fail(where, QStringLiteral("skeleton point needs one \"x,y\" inside the image"));
                break;
            }
            const bool outside = attrs.value(QStringLiteral("outside")) == QLatin1String("1");
            const bool occluded = attrs.value(QStringLiteral("occluded")) == QLatin1String("1");
            skeleton.points.push_back({attrs.value(QStringLiteral("label")).toString(), p[0],
                                       outside    ? 0
                                       : occluded ? 1
                                                  : 2});
            continue;
        }
        if (stack.size() != 3) continue;
        // A shape element directly inside <image>.
        Shape s;
        s.labelId = labelOf(attrs.value(QStringLiteral("label")).toString(), where);
        if (s.labelId < 0) break;
        const QString source = attrs.value(QStringLiteral("source")).toString();
        if (source == QLatin1String("auto") || source == QLatin1String("semi-auto"))
            s.source = ShapeSource::Model;
        if (attrs.value(QStringLiteral("occluded")) == QLatin1String("1"))
            s.attributes.insert(QStringLiteral("occluded"), true);
        QPolygonF pts;
        const bool hasPoints = attrs.hasAttribute(QStringLiteral("points"));
        if (hasPoints && !parsePoints(attrs.value(QStringLiteral("points")).toString(), &pts)) {
            fail(where, QStringLiteral("points must be \"x1,y1;x2,y2;...\""));
            break;
        }
        bool inside = true;
        for (const QPointF& p : pts)
            inside = inside && inImage(p);
        if (!inside) {
            fail(where,
                 QStringLiteral("a point lies outside the %1 x %2 image").arg(im->width).arg(im->height));
            break;
        }
        if (name == QLatin1String("box")) {
            bool a, b, c, d;
            const double xtl = attrs.value(QStringLiteral("xtl")).toDouble(&a),
                         ytl = attrs.value(QStringLiteral("ytl")).toDouble(&b);
            const double xbr = attrs.value(QStringLiteral("xbr")).toDouble(&c),
                         ybr = attrs.value(QStringLiteral("ybr")).toDouble(&d);
            const double rot = attrs.value(QStringLiteral("rotation")).toDouble();
            if (!a || !b || !c || !d || !std::isfinite(xtl + ytl + xbr + ybr) || xbr < xtl || ybr < ytl ||
                !inImage(QPointF(xtl, ytl)) || !inImage(QPointF(xbr, ybr))) {
                fail(where, QStringLiteral("<box> needs xtl <= xbr and ytl <= ybr inside the %1 x %2 image")
                                .arg(im->width)
                                .arg(im->height));
                break;
            }
            if (rot != 0 && std::isfinite(rot))
                s.geometry =
                    RotatedRectGeom{QPointF((xtl + xbr) / 2, (ytl + ybr) / 2), xbr - xtl, ybr - ytl, rot};
            else
                s.geometry = RectangleGeom{QRectF(QPointF(xtl, ytl), QPointF(xbr, ybr))};
        } else if (name == QLatin1String("polygon") && pts.size() >= 3) {
            s.geometry = PolygonGeom{pts};
        } else if (name == QLatin1String("polyline") && pts.size() >= 2) {
            s.geometry = PolylineGeom{pts};
        } else if (name == QLatin1String("points") && pts.size() >= 1) {
            for (qsizetype k = 1; k < pts.size(); ++k) {
                Shape one = s;
                one.geometry = PointGeom{pts[k]};
                im->shapes.push_back(one);
                report.count(QStringLiteral("point"));
            }
            s.geometry = PointGeom{pts[0]};
        } else if (name == QLatin1String("tag")) {
            s.geometry = TagGeom{};
        } else if (name == QLatin1String("skeleton")) {
            skeleton = KeypointsGeom{};
            s.geometry = KeypointsGeom{};
        } else if (name == QLatin1String("mask")) {
            bool a, b, c, d;
            // 64-bit: left + width near INT_MAX must not wrap past the image check.
            const qint64 left = attrs.value(QStringLiteral("left")).toLongLong(&a),
                         top = attrs.value(QStringLiteral("top")).toLongLong(&b);
            const qint64 mw = attrs.value(QStringLiteral("width")).toLongLong(&c),
                         mh = attrs.value(QStringLiteral("height")).toLongLong(&d);
            if (!a || !b || !c || !d || left < 0 || top < 0 || mw <= 0 || mh <= 0 || left > im->width ||
                top > im->height || left + mw > im->width || top + mh > im->height) {
                fail(where,
                     QStringLiteral("<mask> box (left, top, width, height) must lie inside the %1 x %2 image")
                         .arg(im->width)
                         .arg(im->height));
                break;
            }
            const MaskGate gate =
                maskGate(options.target, im->path, im->width, im->height, fileName, where, report);
            if (gate == MaskGate::Refuse) {
                ok = false;
                break;
            }
            // Row spans, not a bitmap of the whole image: memory follows the runs, not the image size.
            std::vector<RowSpan> spans;
            qint64 pos = 0;
            bool runsOk = true;
            const QStringList runs =
                attrs.value(QStringLiteral("rle")).toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
            for (qsizetype k = 0; k < runs.size() && runsOk; ++k) {
                bool isNum = false;
                const qint64 len = runs[k].trimmed().toLongLong(&isNum);
                runsOk = isNum && len >= 0 && len <= mw * mh && pos + len <= mw * mh;
                for (qint64 p = pos; runsOk && gate == MaskGate::Rasterise && k % 2 == 1 && p < pos + len;) {
                    const qint64 row = p / mw, col = p % mw;
                    const qint64 end = std::min(pos + len, (row + 1) * mw);
                    spans.push_back({int(top + row), int(left + col), int(left + col + (end - p))});
                    p = end;
                }
                if (runsOk) pos += len;
            }
            if (!runsOk || pos != qint64(mw) * mh) {
                fail(where, QStringLiteral("<mask> rle must be runs adding up to width x height = %1")
                                .arg(qint64(mw) * mh));
                break;
            }
            if (gate == MaskGate::Skip) {
                shape.reset();
                x.skipCurrentElement();
                stack.removeLast();
                continue;
            }
            s.geometry = MaskGeom{RleMask::fromRowSpans(im->width, im->height, spans)};
        } else {
            fail(where, QStringLiteral("unknown or incomplete shape <%1>").arg(name));
            break;
        }
        shape = s;
        shapeWhere = where;
    }
    if (x.hasError()) {
        report.error(fileName, at(x), QStringLiteral("broken XML: %1").arg(x.errorString()));
        return false;
    }
    if (!ok) return false;
    for (DatasetImage& i : images)
        data.images.push_back(std::move(i));
    return true;
}

std::optional<Dataset> read(const QString& pathIn, FormatReport& report, const ImportOptions& options)
{
    const QString path = QFileInfo(pathIn).absoluteFilePath();
    const QString file =
        QFileInfo(path).isDir() ? QDir(path).filePath(QStringLiteral("annotations.xml")) : path;
    const auto bytes = readWholeFile(file, report);
    if (!bytes) return std::nullopt;
    Dataset data;
    const bool ok = parse(*bytes, file, data, report, options);
    report.setImages(qsizetype(data.images.size()));
    if (!ok) return std::nullopt;
    return data;
}

} // namespace loupe::annotation::cvat
