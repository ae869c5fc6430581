// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "annotation/geometry/raster.h"

#include <QDir>
#include <QImage>

namespace loupe::annotation::test {

inline Shape shapeOf(int label, Geometry g, QJsonObject attrs = {})
{
    Shape s;
    s.labelId = label;
    s.geometry = std::move(g);
    s.attributes = std::move(attrs);
    return s;
}

// Two images: "imgs/a.png" (40 x 30) with one shape of every kind, and "b.png" (20 x 10) with none.
// Coordinates are whole or half pixels so every format can write them exactly.
inline Dataset sampleDataset()
{
    Dataset d;
    d.labels.resize(4);
    d.labels[0].name = QStringLiteral("cat");
    d.labels[1].name = QStringLiteral("dog");
    d.labels[2].name = QStringLiteral("person");
    d.labels[2].keypointNames = {QStringLiteral("nose"), QStringLiteral("left_eye"),
                                 QStringLiteral("right_eye")};
    d.labels[2].skeleton = {{0, 1}, {0, 2}};
    d.labels[3].name = QStringLiteral("indoor");
    DatasetImage a;
    a.path = QStringLiteral("imgs/a.png");
    a.width = 40;
    a.height = 30;
    a.shapes.push_back(shapeOf(0, RectangleGeom{QRectF(2, 3, 10, 5)}, {{QStringLiteral("difficult"), true}}));
    a.shapes.push_back(shapeOf(
        1, PolygonGeom{QPolygonF({QPointF(20, 2), QPointF(30, 2), QPointF(30, 12), QPointF(20, 12)})}));
    a.shapes.push_back(shapeOf(0, RotatedRectGeom{QPointF(10, 20), 8, 4, 90}));
    a.shapes.push_back(shapeOf(1, PolylineGeom{QPolygonF({QPointF(1, 1), QPointF(5, 5), QPointF(9, 1)})}));
    a.shapes.push_back(shapeOf(0, PointGeom{QPointF(35, 25)}));
    a.shapes.push_back(shapeOf(2, KeypointsGeom{{{QStringLiteral("nose"), QPointF(30, 20), 2},
                                                 {QStringLiteral("left_eye"), QPointF(28, 18), 1},
                                                 {QStringLiteral("right_eye"), QPointF(), 0}},
                                                QRectF(26, 16, 8, 8)}));
    a.shapes.push_back(shapeOf(
        1, MaskGeom{polygonToMask(QPolygonF({QPointF(2, 22), QPointF(6, 22), QPointF(6, 26), QPointF(2, 26)}),
                                  40, 30)}));
    a.shapes.push_back(shapeOf(3, TagGeom{}));
    a.shapes.push_back(shapeOf(-1, CaptionGeom{QStringLiteral("a cat and a dog")}));
    d.images.push_back(a);
    DatasetImage b;
    b.path = QStringLiteral("b.png");
    b.width = 20;
    b.height = 10;
    d.images.push_back(b);
    return d;
}

// Writes blank PNGs of the sample's sizes under root, for formats that read sizes from the images.
inline void writeSampleImages(const Dataset& d, const QString& root)
{
    for (const DatasetImage& im : d.images) {
        const QString path = QDir(root).filePath(im.path);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QImage img(im.width, im.height, QImage::Format_RGB32);
        img.fill(Qt::gray);
        img.save(path);
    }
}

// The shapes of one kind on an image.
inline std::vector<Shape> ofKind(const DatasetImage& im, ShapeKind k)
{
    std::vector<Shape> out;
    for (const Shape& s : im.shapes)
        if (s.kind() == k) out.push_back(s);
    return out;
}

inline const DatasetImage* findImage(const Dataset& d, const QString& path)
{
    for (const DatasetImage& im : d.images)
        if (im.path == path) return &im;
    return nullptr;
}

} // namespace loupe::annotation::test
