// SPDX-License-Identifier: MIT
#include "annotation/formats/exportcommon.h"
#include "annotation/formats/fileio.h"
#include "annotation/formats/voc.h"
#include "annotation/geometry/measure.h"

#include <QDir>
#include <QXmlStreamWriter>
#include <cmath>

namespace loupe::annotation::voc {

namespace {

const QString kFormat = QStringLiteral("Pascal VOC");
const QStringList kVocAttributes = {QStringLiteral("pose"), QStringLiteral("truncated"),
                                    QStringLiteral("difficult"), QStringLiteral("occluded")};

QString flag(const QJsonObject& attrs, const QString& key)
{
    const QJsonValue v = attrs.value(key);
    return (v.toBool() || v.toInt() == 1) ? QStringLiteral("1") : QStringLiteral("0");
}

} // namespace

QByteArray annotationXml(const Dataset& data, const DatasetImage& im, FormatReport& report)
{
    QByteArray out;
    QXmlStreamWriter x(&out);
    x.setAutoFormatting(true);
    x.setAutoFormattingIndent(2);
    x.writeStartElement(QStringLiteral("annotation"));
    const qsizetype slash = im.path.lastIndexOf(QLatin1Char('/'));
    x.writeTextElement(QStringLiteral("folder"), slash >= 0 ? im.path.left(slash) : QString());
    x.writeTextElement(QStringLiteral("filename"), im.path.mid(slash + 1));
    x.writeTextElement(QStringLiteral("path"), im.path);
    x.writeStartElement(QStringLiteral("source"));
    x.writeTextElement(QStringLiteral("database"), QStringLiteral("Loupe"));
    x.writeEndElement();
    x.writeStartElement(QStringLiteral("size"));
    x.writeTextElement(QStringLiteral("width"), QString::number(im.width));
    x.writeTextElement(QStringLiteral("height"), QString::number(im.height));
    x.writeTextElement(QStringLiteral("depth"), QStringLiteral("3"));
    x.writeEndElement();
    x.writeTextElement(QStringLiteral("segmented"), QStringLiteral("0"));
    for (const Shape& s : im.shapes) {
        const QString kind = kindKey(s);
        switch (s.kind()) {
        case ShapeKind::Rectangle:
            break;
        case ShapeKind::RotatedRectangle:
        case ShapeKind::Polygon:
        case ShapeKind::Mask:
            report.converted(kind, QStringLiteral("rectangle"),
                             QStringLiteral("VOC detection XML holds boxes only"));
            break;
        default:
            report.dropped(kind, QStringLiteral("VOC detection XML has no %1s").arg(kind));
            continue;
        }
        const QRectF b = boundingBox(s.geometry);
        const double x0 = std::round(b.left()), y0 = std::round(b.top());
        const double x1 = std::round(b.right()), y1 = std::round(b.bottom());
        if (x0 != b.left() || y0 != b.top() || x1 != b.right() || y1 != b.bottom())
            report.converted(QStringLiteral("field:coordinates"), QStringLiteral("whole pixels"),
                             QStringLiteral("VOC boxes are whole pixels; fractional corners were rounded"));
        x.writeStartElement(QStringLiteral("object"));
        x.writeTextElement(QStringLiteral("name"), data.labels[size_t(s.labelId)].name);
        x.writeTextElement(
            QStringLiteral("pose"),
            s.attributes.value(QStringLiteral("pose")).toString(QStringLiteral("Unspecified")));
        x.writeTextElement(QStringLiteral("truncated"), flag(s.attributes, QStringLiteral("truncated")));
        x.writeTextElement(QStringLiteral("difficult"), flag(s.attributes, QStringLiteral("difficult")));
        x.writeTextElement(QStringLiteral("occluded"), flag(s.attributes, QStringLiteral("occluded")));
        x.writeStartElement(QStringLiteral("bndbox"));
        x.writeTextElement(QStringLiteral("xmin"), QString::number(qint64(x0) + 1));
        x.writeTextElement(QStringLiteral("ymin"), QString::number(qint64(y0) + 1));
        x.writeTextElement(QStringLiteral("xmax"), QString::number(qint64(x1)));
        x.writeTextElement(QStringLiteral("ymax"), QString::number(qint64(y1)));
        x.writeEndElement();
        x.writeEndElement();
        report.count(kind);
        Shape rest = s;
        for (const QString& k : kVocAttributes)
            rest.attributes.remove(k);
        reportLostFields(rest, {}, kFormat, report);
    }
    x.writeEndElement();
    x.writeEndDocument();
    return out;
}

bool write(const Dataset& data, const QString& outDir, const ExportOptions& options, FormatReport& report)
{
    const QDir dir(outDir);
    bool ok = true;
    QByteArray list;
    for (const DatasetImage& im : data.images) {
        const QString stem = withoutSuffix(im.path);
        ok = writeWholeFile(dir.filePath(QStringLiteral("Annotations/%1.xml").arg(stem)),
                            annotationXml(data, im, report), report, WriteMode::Plain) &&
             ok;
        list += stem.toUtf8() + '\n';
        if (!options.imageRoot.isEmpty())
            ok = copyImage(options.imageRoot, im.path, dir.filePath(QStringLiteral("JPEGImages/") + im.path),
                           report) &&
                 ok;
    }
    report.setImages(qsizetype(data.images.size()));
    return writeWholeFile(dir.filePath(QStringLiteral("ImageSets/Main/%1.txt").arg(options.split)), list,
                          report) &&
           ok;
}

} // namespace loupe::annotation::voc
