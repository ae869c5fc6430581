// SPDX-License-Identifier: MIT
#include "core/samples/shapeswriter.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <cmath>

namespace loupe::core {

namespace {

double round2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

QJsonObject annotationJson(const ShapeObject& obj, int id, int imageId)
{
    QJsonArray poly;
    for (const QPointF& p : obj.polygon) {
        poly.append(round2(p.x()));
        poly.append(round2(p.y()));
    }
    QJsonObject a;
    a[QStringLiteral("id")] = id;
    a[QStringLiteral("image_id")] = imageId;
    a[QStringLiteral("category_id")] = int(obj.cls) + 1;
    a[QStringLiteral("bbox")] = QJsonArray{obj.box.x(), obj.box.y(), obj.box.width(), obj.box.height()};
    a[QStringLiteral("segmentation")] = QJsonArray{poly};
    a[QStringLiteral("area")] = obj.area;
    a[QStringLiteral("iscrowd")] = 0;
    a[QStringLiteral("attributes")] =
        QJsonObject{{QStringLiteral("color"), shapeColors()[size_t(obj.color)].name}};
    return a;
}

bool writeFile(const QString& path, const QByteArray& data, QString* error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit()) {
        *error = QStringLiteral("%1: cannot write (%2)").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace

QString shapesFileName(int index)
{
    return QStringLiteral("shapes_%1.png").arg(index, 6, 10, QLatin1Char('0'));
}

QJsonObject shapesCocoJson(const std::vector<ShapesSample>& samples, const QStringList& fileNames)
{
    QJsonArray images, annotations, categories;
    int annId = 1;
    for (size_t i = 0; i < samples.size(); ++i) {
        const ShapesSample& s = samples[i];
        const int imageId = int(i) + 1;
        images.append(QJsonObject{{QStringLiteral("id"), imageId},
                                  {QStringLiteral("file_name"), fileNames[int(i)]},
                                  {QStringLiteral("width"), s.image.width()},
                                  {QStringLiteral("height"), s.image.height()},
                                  {QStringLiteral("label"), shapeClassName(s.label())}});
        for (const ShapeObject& obj : s.objects)
            annotations.append(annotationJson(obj, annId++, imageId));
    }
    for (int c = 0; c < kShapeClassCount; ++c)
        categories.append(QJsonObject{{QStringLiteral("id"), c + 1},
                                      {QStringLiteral("name"), shapeClassName(ShapeClass(c))},
                                      {QStringLiteral("supercategory"), QStringLiteral("shape")}});
    return QJsonObject{{QStringLiteral("info"),
                        QJsonObject{{QStringLiteral("description"), QStringLiteral("Loupe shapes world")}}},
                       {QStringLiteral("images"), images},
                       {QStringLiteral("annotations"), annotations},
                       {QStringLiteral("categories"), categories}};
}

ShapesDatasetResult writeShapesDataset(const QString& folder, const ShapesWorld& world, int count,
                                       const std::function<bool(int, int)>& progress)
{
    ShapesDatasetResult r;
    r.perClass.assign(kShapeClassCount, 0);
    if (const QString bad = ShapesWorld::validate(world.options()); !bad.isEmpty()) {
        r.error = bad;
        return r;
    }
    if (count < 1) {
        r.error = QStringLiteral("count must be at least 1 (got %1)").arg(count);
        return r;
    }
    const QDir dir(folder);
    r.imagesDir = dir.filePath(QStringLiteral("images"));
    r.annotationsPath = dir.filePath(QStringLiteral("annotations.json"));
    r.labelsPath = dir.filePath(QStringLiteral("labels.csv"));
    if (!QDir().mkpath(r.imagesDir)) {
        r.error = QStringLiteral("%1: cannot create folder").arg(r.imagesDir);
        return r;
    }
    // Keep only what COCO needs per image (not the pixels), so large sets stay small in memory.
    std::vector<ShapesSample> kept;
    kept.reserve(size_t(count));
    QStringList names;
    QByteArray labels("file_name,label\n");
    for (int i = 0; i < count; ++i) {
        ShapesSample s = world.generate(i);
        const QString name = shapesFileName(i);
        const QString path = QDir(r.imagesDir).filePath(name);
        if (!s.image.save(path, "PNG")) {
            r.error = QStringLiteral("%1: cannot write image").arg(path);
            return r;
        }
        const QString rel = QStringLiteral("images/") + name;
        labels += (rel + QLatin1Char(',') + shapeClassName(s.label()) + QLatin1Char('\n')).toUtf8();
        ++r.perClass[size_t(s.label())];
        r.objects += int(s.objects.size());
        ShapesSample light;
        light.image = QImage(s.image.width(), s.image.height(), QImage::Format_Mono); // size only
        light.prominent = s.prominent;
        for (ShapeObject& o : s.objects) {
            o.mask = QImage();
            light.objects.push_back(std::move(o));
        }
        kept.push_back(std::move(light));
        names << rel;
        ++r.images;
        if (progress && !progress(i + 1, count)) {
            r.error = QStringLiteral("stopped after %1 of %2 images").arg(i + 1).arg(count);
            return r;
        }
    }
    const QByteArray coco = QJsonDocument(shapesCocoJson(kept, names)).toJson(QJsonDocument::Compact);
    if (!writeFile(r.annotationsPath, coco, &r.error) || !writeFile(r.labelsPath, labels, &r.error)) return r;
    return r;
}

} // namespace loupe::core
