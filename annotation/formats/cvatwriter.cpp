// SPDX-License-Identifier: MIT
#include "annotation/formats/cvat.h"
#include "annotation/formats/exportcommon.h"
#include "annotation/formats/fileio.h"
#include "annotation/formats/jsonwriter.h"

#include <QDir>
#include <QXmlStreamWriter>
#include <cmath>

namespace loupe::annotation::cvat {

namespace {

const QString kFormat = QStringLiteral("CVAT");

QString num(double v)
{
    return QString::fromLatin1(formatNumber(v));
}

QString pointList(const QPolygonF& p)
{
    QStringList parts;
    for (const QPointF& pt : p)
        parts << num(pt.x()) + QLatin1Char(',') + num(pt.y());
    return parts.join(QLatin1Char(';'));
}

QString inputType(AttributeSpec::Type t)
{
    switch (t) {
    case AttributeSpec::Type::Text:
        return QStringLiteral("text");
    case AttributeSpec::Type::Number:
        return QStringLiteral("number");
    case AttributeSpec::Type::Bool:
        return QStringLiteral("checkbox");
    case AttributeSpec::Type::Choice:
        return QStringLiteral("select");
    }
    return {};
}

QString attributeText(const QJsonValue& v)
{
    if (v.isBool()) return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble()) return num(v.toDouble());
    return v.toString();
}

void common(QXmlStreamWriter& x, const Dataset& data, const Shape& s)
{
    x.writeAttribute(QStringLiteral("label"), data.labels[size_t(s.labelId)].name);
    x.writeAttribute(QStringLiteral("source"),
                     s.source == ShapeSource::Model ? QStringLiteral("auto") : QStringLiteral("manual"));
    const QJsonValue occ = s.attributes.value(QStringLiteral("occluded"));
    x.writeAttribute(QStringLiteral("occluded"),
                     occ.toBool() || occ.toInt() == 1 ? QStringLiteral("1") : QStringLiteral("0"));
    x.writeAttribute(QStringLiteral("z_order"), QStringLiteral("0"));
}

void attributes(QXmlStreamWriter& x, const Shape& s)
{
    for (auto it = s.attributes.begin(); it != s.attributes.end(); ++it) {
        if (it.key() == QLatin1String("occluded")) continue;
        x.writeStartElement(QStringLiteral("attribute"));
        x.writeAttribute(QStringLiteral("name"), it.key());
        x.writeCharacters(attributeText(it.value()));
        x.writeEndElement();
    }
}

} // namespace

QByteArray annotationsXml(const Dataset& data, FormatReport& report)
{
    QByteArray out;
    QXmlStreamWriter x(&out);
    x.setAutoFormatting(true);
    x.setAutoFormattingIndent(2);
    x.writeStartDocument();
    x.writeStartElement(QStringLiteral("annotations"));
    x.writeTextElement(QStringLiteral("version"), QStringLiteral("1.1"));
    x.writeStartElement(QStringLiteral("meta"));
    x.writeStartElement(QStringLiteral("task"));
    x.writeTextElement(QStringLiteral("name"), QStringLiteral("Loupe export"));
    x.writeTextElement(QStringLiteral("size"), QString::number(data.images.size()));
    x.writeTextElement(QStringLiteral("mode"), QStringLiteral("annotation"));
    x.writeStartElement(QStringLiteral("labels"));
    for (const LabelDef& l : data.labels) {
        x.writeStartElement(QStringLiteral("label"));
        x.writeTextElement(QStringLiteral("name"), l.name);
        if (l.color.isValid()) x.writeTextElement(QStringLiteral("color"), l.color.name());
        x.writeTextElement(QStringLiteral("type"),
                           l.keypointNames.isEmpty() ? QStringLiteral("any") : QStringLiteral("skeleton"));
        x.writeStartElement(QStringLiteral("attributes"));
        for (const AttributeSpec& a : l.attributes) {
            x.writeStartElement(QStringLiteral("attribute"));
            x.writeTextElement(QStringLiteral("name"), a.name);
            x.writeTextElement(QStringLiteral("mutable"), QStringLiteral("False"));
            x.writeTextElement(QStringLiteral("input_type"), inputType(a.type));
            x.writeTextElement(QStringLiteral("default_value"), attributeText(a.defaultValue));
            x.writeTextElement(QStringLiteral("values"),
                               a.type == AttributeSpec::Type::Choice ? a.choices.join(QLatin1Char('\n'))
                               : a.type == AttributeSpec::Type::Bool ? QStringLiteral("false\ntrue")
                                                                     : QString());
            x.writeEndElement();
        }
        x.writeEndElement();
        x.writeEndElement();
        // A skeleton's points are labels of their own in CVAT, tied to it by <parent>.
        for (const QString& kp : l.keypointNames) {
            x.writeStartElement(QStringLiteral("label"));
            x.writeTextElement(QStringLiteral("name"), kp);
            x.writeTextElement(QStringLiteral("type"), QStringLiteral("points"));
            x.writeTextElement(QStringLiteral("parent"), l.name);
            x.writeEmptyElement(QStringLiteral("attributes"));
            x.writeEndElement();
        }
    }
    x.writeEndElement(); // labels
    x.writeEndElement(); // task
    x.writeEndElement(); // meta

    for (size_t i = 0; i < data.images.size(); ++i) {
        const DatasetImage& im = data.images[i];
        x.writeStartElement(QStringLiteral("image"));
        x.writeAttribute(QStringLiteral("id"), QString::number(i));
        x.writeAttribute(QStringLiteral("name"), im.path);
        x.writeAttribute(QStringLiteral("width"), QString::number(im.width));
        x.writeAttribute(QStringLiteral("height"), QString::number(im.height));
        for (const Shape& s : im.shapes) {
            const QString kind = kindKey(s);
            switch (s.kind()) {
            case ShapeKind::Rectangle:
            case ShapeKind::RotatedRectangle: {
                QRectF r;
                double angle = 0;
                if (s.kind() == ShapeKind::Rectangle) {
                    r = std::get<RectangleGeom>(s.geometry).rect.normalized();
                } else {
                    const auto& rr = std::get<RotatedRectGeom>(s.geometry);
                    r = QRectF(rr.center.x() - rr.width / 2, rr.center.y() - rr.height / 2, rr.width,
                               rr.height);
                    angle = std::fmod(std::fmod(rr.angle, 360.0) + 360.0, 360.0);
                }
                x.writeStartElement(QStringLiteral("box"));
                common(x, data, s);
                x.writeAttribute(QStringLiteral("xtl"), num(r.left()));
                x.writeAttribute(QStringLiteral("ytl"), num(r.top()));
                x.writeAttribute(QStringLiteral("xbr"), num(r.right()));
                x.writeAttribute(QStringLiteral("ybr"), num(r.bottom()));
                if (angle != 0) x.writeAttribute(QStringLiteral("rotation"), num(angle));
                break;
            }
            case ShapeKind::Polygon:
            case ShapeKind::Polyline: {
                const bool closed = s.kind() == ShapeKind::Polygon;
                x.writeStartElement(closed ? QStringLiteral("polygon") : QStringLiteral("polyline"));
                common(x, data, s);
                x.writeAttribute(QStringLiteral("points"),
                                 pointList(closed ? std::get<PolygonGeom>(s.geometry).points
                                                  : std::get<PolylineGeom>(s.geometry).points));
                break;
            }
            case ShapeKind::Point:
                x.writeStartElement(QStringLiteral("points"));
                common(x, data, s);
                x.writeAttribute(QStringLiteral("points"),
                                 pointList(QPolygonF({std::get<PointGeom>(s.geometry).point})));
                break;
            case ShapeKind::Keypoints:
                x.writeStartElement(QStringLiteral("skeleton"));
                common(x, data, s);
                for (const Keypoint& k : std::get<KeypointsGeom>(s.geometry).points) {
                    x.writeStartElement(QStringLiteral("points"));
                    x.writeAttribute(QStringLiteral("label"), k.name);
                    x.writeAttribute(QStringLiteral("source"), s.source == ShapeSource::Model
                                                                   ? QStringLiteral("auto")
                                                                   : QStringLiteral("manual"));
                    x.writeAttribute(QStringLiteral("outside"),
                                     k.visibility == 0 ? QStringLiteral("1") : QStringLiteral("0"));
                    x.writeAttribute(QStringLiteral("occluded"),
                                     k.visibility == 1 ? QStringLiteral("1") : QStringLiteral("0"));
                    x.writeAttribute(QStringLiteral("points"), pointList(QPolygonF({k.pos})));
                    x.writeEndElement();
                }
                if (!std::get<KeypointsGeom>(s.geometry).box.isNull())
                    report.dropped(QStringLiteral("field:keypoint_box"),
                                   QStringLiteral("CVAT skeletons have no box"));
                break;
            case ShapeKind::Mask: {
                const RleMask& m = std::get<MaskGeom>(s.geometry).mask;
                const QRect box = m.boundingBox();
                if (box.isEmpty()) {
                    report.dropped(kind, QStringLiteral("empty mask"));
                    continue;
                }
                // CVAT RLE: row-major runs over the box only, starting with a background run.
                const std::vector<uint8_t> px = m.toBitmap();
                QStringList runs;
                uint8_t cur = 0;
                qint64 len = 0;
                for (int y = box.top(); y <= box.bottom(); ++y)
                    for (int xx = box.left(); xx <= box.right(); ++xx) {
                        const uint8_t v = px[size_t(y) * m.width() + xx];
                        if (v != cur) {
                            runs << QString::number(len);
                            len = 0;
                            cur = v;
                        }
                        ++len;
                    }
                runs << QString::number(len);
                x.writeStartElement(QStringLiteral("mask"));
                common(x, data, s);
                x.writeAttribute(QStringLiteral("rle"), runs.join(QStringLiteral(", ")));
                x.writeAttribute(QStringLiteral("left"), QString::number(box.left()));
                x.writeAttribute(QStringLiteral("top"), QString::number(box.top()));
                x.writeAttribute(QStringLiteral("width"), QString::number(box.width()));
                x.writeAttribute(QStringLiteral("height"), QString::number(box.height()));
                break;
            }
            case ShapeKind::Tag:
                x.writeStartElement(QStringLiteral("tag"));
                x.writeAttribute(QStringLiteral("label"), data.labels[size_t(s.labelId)].name);
                x.writeAttribute(QStringLiteral("source"), s.source == ShapeSource::Model
                                                               ? QStringLiteral("auto")
                                                               : QStringLiteral("manual"));
                break;
            case ShapeKind::Caption:
                report.dropped(kind, QStringLiteral("CVAT for images has no captions"));
                continue;
            }
            attributes(x, s);
            x.writeEndElement();
            report.count(kind);
            reportLostFields(s, {false, true, true}, kFormat, report);
        }
        x.writeEndElement(); // image
    }
    x.writeEndElement();
    x.writeEndDocument();
    return out;
}

bool write(const Dataset& data, const QString& outDir, const ExportOptions& options, FormatReport& report)
{
    report.setImages(qsizetype(data.images.size()));
    bool ok = true;
    // CVAT's "CVAT for images" import takes annotations.xml with the images under images/.
    if (!options.imageRoot.isEmpty())
        for (const DatasetImage& im : data.images)
            ok = copyImage(options.imageRoot, im.path,
                           QDir(outDir).filePath(QStringLiteral("images/") + im.path), report) &&
                 ok;
    return writeWholeFile(QDir(outDir).filePath(QStringLiteral("annotations.xml")),
                          annotationsXml(data, report), report) &&
           ok;
}

} // namespace loupe::annotation::cvat
