// SPDX-License-Identifier: MIT
#include "core/samples/maskcoco.h"

#include <QJsonArray>

namespace loupe::core {

QJsonObject cocoRle(const QImage& maskIn)
{
    const QImage mask = maskIn.convertToFormat(QImage::Format_Grayscale8);
    QJsonArray counts;
    bool inside = false;
    qint64 run = 0;
    for (int x = 0; x < mask.width(); ++x) {
        for (int y = 0; y < mask.height(); ++y) {
            const bool set = mask.constScanLine(y)[x] != 0;
            if (set != inside) {
                counts.append(run);
                run = 0;
                inside = set;
            }
            ++run;
        }
    }
    counts.append(run);
    return QJsonObject{{QStringLiteral("size"), QJsonArray{mask.height(), mask.width()}},
                       {QStringLiteral("counts"), counts}};
}

QJsonObject shapesMaskCocoJson(const ShapesWorld& world, int count, const QStringList& fileNames,
                               ShapeClass cls)
{
    QJsonArray images, annotations;
    int annId = 1;
    for (int i = 0; i < count; ++i) {
        const ShapesSample s = world.generate(i);
        const int imageId = i + 1;
        images.append(QJsonObject{{QStringLiteral("id"), imageId},
                                  {QStringLiteral("file_name"), fileNames[i]},
                                  {QStringLiteral("width"), s.image.width()},
                                  {QStringLiteral("height"), s.image.height()}});
        for (const ShapeObject& obj : s.objects) {
            if (obj.cls != cls) continue;
            annotations.append(
                QJsonObject{{QStringLiteral("id"), annId++},
                            {QStringLiteral("image_id"), imageId},
                            {QStringLiteral("category_id"), int(obj.cls) + 1},
                            {QStringLiteral("bbox"),
                             QJsonArray{obj.box.x(), obj.box.y(), obj.box.width(), obj.box.height()}},
                            {QStringLiteral("segmentation"), cocoRle(obj.mask)},
                            {QStringLiteral("area"), obj.area},
                            {QStringLiteral("iscrowd"), 0},
                            {QStringLiteral("attributes"),
                             QJsonObject{{QStringLiteral("color"), shapeColors()[size_t(obj.color)].name}}}});
        }
    }
    QJsonArray categories;
    for (int c = 0; c < kShapeClassCount; ++c)
        categories.append(QJsonObject{{QStringLiteral("id"), c + 1},
                                      {QStringLiteral("name"), shapeClassName(ShapeClass(c))},
                                      {QStringLiteral("supercategory"), QStringLiteral("shape")}});
    return QJsonObject{
        {QStringLiteral("info"),
         QJsonObject{{QStringLiteral("description"), QStringLiteral("Loupe shapes world: exact masks")}}},
        {QStringLiteral("images"), images},
        {QStringLiteral("annotations"), annotations},
        {QStringLiteral("categories"), categories}};
}

} // namespace loupe::core
