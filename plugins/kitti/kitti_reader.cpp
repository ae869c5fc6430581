// SPDX-License-Identifier: MIT
#include "kitti_frames.h"
#include "kitti_io.h"
#include "kitti_labels.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonArray>

namespace loupe::kitti {

namespace {

// Past this a "label file" is not one: a KITTI frame has tens of objects, ~100 bytes each.
constexpr qint64 kMaxLabelFileBytes = 16 << 20;

QStringList txtFiles(const QString& dir)
{
    QStringList out;
    for (const QFileInfo& fi : QDir(dir).entryInfoList({QStringLiteral("*.txt")}, QDir::Files, QDir::Name))
        out << fi.absoluteFilePath();
    return out;
}

QJsonArray array3(const std::array<double, 3>& v)
{
    return {v[0], v[1], v[2]};
}

} // namespace

std::optional<Layout> findLayout(const QString& path, QString* error)
{
    const QFileInfo fi(path);
    Layout l;
    if (fi.isFile()) {
        l.labelDir = fi.absolutePath();
        l.labelFiles = {fi.absoluteFilePath()};
    } else if (fi.isDir()) {
        const QDir dir(fi.absoluteFilePath());
        if (dir.exists(QStringLiteral("label_2")))
            l.labelDir = dir.filePath(QStringLiteral("label_2"));
        else if (dir.exists(QStringLiteral("training/label_2")))
            l.labelDir = dir.filePath(QStringLiteral("training/label_2"));
        else
            l.labelDir = dir.absolutePath();
        l.labelFiles = txtFiles(l.labelDir);
        if (l.labelFiles.isEmpty()) {
            *error = QStringLiteral("%1: no label_2/ folder and no .txt label files").arg(path);
            return std::nullopt;
        }
    } else {
        *error = QStringLiteral("%1: no such file or folder").arg(path);
        return std::nullopt;
    }
    l.imageDir = QDir::cleanPath(l.labelDir + QStringLiteral("/../image_2"));
    return l;
}

QString imageFor(const QString& imageDir, const QString& stem)
{
    for (const char* ext : {".png", ".jpg", ".jpeg", ".PNG", ".JPG"}) {
        const QString p = imageDir + QLatin1Char('/') + stem + QLatin1String(ext);
        if (QFileInfo(p).isFile()) return p;
    }
    return {};
}

bool read(const QString& path, const QJsonObject& options, QJsonObject* dataset, plugin::FormatReport& report)
{
    QString error;
    const std::optional<Layout> layout = findLayout(path, &error);
    if (!layout) {
        report.error(path, {}, error.mid(path.size() + 2)); // findLayout names the path first
        return false;
    }
    QStringList labelNames;
    QJsonArray images;
    for (const QString& file : layout->labelFiles) {
        QFile f(file);
        if (f.size() > kMaxLabelFileBytes) {
            report.error(file, {},
                         QStringLiteral("%1 bytes is too big for a KITTI label file").arg(f.size()));
            continue;
        }
        if (!f.open(QIODevice::ReadOnly)) {
            report.error(file, {}, f.errorString());
            continue;
        }
        const QString stem = QFileInfo(file).completeBaseName();
        const QString imagePath = imageFor(layout->imageDir, stem);
        // The frame name stands for the image's path in the project it was exported from (kitti_frames.h).
        const QString suffix = imagePath.isEmpty() ? QStringLiteral("png") : QFileInfo(imagePath).suffix();
        QJsonObject image{{QStringLiteral("path"), framePath(stem) + QLatin1Char('.') + suffix}};
        QSize size;
        if (!imagePath.isEmpty()) {
            QImageReader reader(imagePath);
            reader.setAutoTransform(true);
            size = reader.size();
            if (reader.transformation() & QImageIOHandler::TransformationRotate90) size.transpose();
        }
        if (size.isValid()) {
            image.insert(QStringLiteral("width"), size.width());
            image.insert(QStringLiteral("height"), size.height());
        } else {
            report.warning(file, {},
                           QStringLiteral("no readable image %1/%2.png: the image's size is unknown")
                               .arg(layout->imageDir, stem));
        }
        QJsonArray shapes;
        const QList<QByteArray> lines = f.readAll().split('\n');
        for (int i = 0; i < lines.size(); ++i) {
            const QString line = QString::fromUtf8(lines[i]).trimmed();
            if (line.isEmpty()) continue;
            const QString place = QStringLiteral("line %1").arg(i + 1);
            const std::optional<KittiObject> o = parseLine(line, &error);
            if (!o) {
                report.error(file, place, error);
                continue;
            }
            constexpr double slack = 1.0; // rounding in other tools' exports
            if (size.isValid() && (o->left < -slack || o->top < -slack || o->right > size.width() + slack ||
                                   o->bottom > size.height() + slack)) {
                report.error(file, place,
                             QStringLiteral("the box (%1, %2, %3, %4) lies outside the %5 x %6 image")
                                 .arg(o->left)
                                 .arg(o->top)
                                 .arg(o->right)
                                 .arg(o->bottom)
                                 .arg(size.width())
                                 .arg(size.height()));
                continue;
            }
            if (!labelNames.contains(o->type)) labelNames << o->type;
            QJsonObject shape{
                {QStringLiteral("label"), o->type},
                {QStringLiteral("geometry"),
                 QJsonObject{{QStringLiteral("v"), 1},
                             {QStringLiteral("type"), QStringLiteral("rectangle")},
                             {QStringLiteral("box"),
                              QJsonArray{o->left, o->top, o->right - o->left, o->bottom - o->top}}}},
                {QStringLiteral("attributes"),
                 QJsonObject{{QStringLiteral("truncated"), o->truncated},
                             {QStringLiteral("occluded"), o->occluded},
                             {QStringLiteral("alpha"), o->alpha},
                             {QStringLiteral("dimensions"), array3(o->dimensions)},
                             {QStringLiteral("location"), array3(o->location)},
                             {QStringLiteral("rotation_y"), o->rotationY}}}};
            if (o->score) shape.insert(QStringLiteral("score"), *o->score);
            shapes.append(shape);
            report.count(QStringLiteral("rectangle"));
        }
        image.insert(QStringLiteral("shapes"), shapes);
        images.append(image);
    }
    Q_UNUSED(options); // KITTI has no unlabeled objects: every line starts with its type
    QJsonArray labels;
    for (const QString& n : labelNames)
        labels.append(QJsonObject{{QStringLiteral("name"), n}});
    report.setImages(images.size());
    *dataset = {
        {QStringLiteral("v"), 1}, {QStringLiteral("labels"), labels}, {QStringLiteral("images"), images}};
    return !report.hasErrors();
}

} // namespace loupe::kitti
