// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QRect>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace loupe::core {

// The shapes world: synthetic images whose every object is known exactly (class, colour, box, polygon,
// pixel mask), for demos, tests and measuring explanations against ground truth.
//
// Rules (shared by the trainer in tools/train/, which reads images this generator writes):
// - 1..4 objects (options), each one of six classes, one of eight colours, random size, rotation and
//   position. Objects never overlap (their circumscribed circles are at least 2 px apart), so every
//   object's mask is its whole shape and the polygon, box and mask describe the same pixels.
// - Shapes are filled without antialiasing from the polygon (even-odd rule, pixel centres), so the mask
//   is exactly what is drawn. A ring is one "keyhole" polygon (outer circle, a zero-width bridge, inner
//   circle backwards), which COCO polygon tools and the even-odd rule both fill as a ring.
// - The most prominent shape, the image's classification label, is the object with the largest mask
//   area. The generator guarantees a margin: every other object's area is at most 2/3 of it.
// - Clutter (thin lines and dots) is drawn before the objects, so it never changes a mask; blur and
//   noise are applied to the finished image and leave the masks (the geometry) as they are.
enum class ShapeClass { Circle = 0, Square, Triangle, Star, Cross, Ring };
constexpr int kShapeClassCount = 6;

QString shapeClassName(ShapeClass c); // "circle", "square", ...
QStringList shapeClassNames();        // in enum order, which is also the label index order

struct ShapeColor
{
    QString name;
    QColor rgb;
};
const std::vector<ShapeColor>& shapeColors();

struct ShapesWorldOptions
{
    int size = 96; // width = height in pixels (16..4096)
    int minObjects = 1;
    int maxObjects = 4;   // at most 4
    bool clutter = false; // thin lines and dots in the background
    int noise = 0;        // per-channel noise amplitude in grey levels (0 = none, up to 64)
    bool blur = false;    // 3x3 box blur of the finished image
    bool texture = false; // textured background instead of a flat one
    bool varied = false;  // each image draws its own clutter/noise/blur/texture at random
};

struct ShapeObject
{
    ShapeClass cls = ShapeClass::Circle;
    int color = 0; // index into shapeColors()
    QPointF center;
    double radius = 0;            // circumscribed radius in pixels
    double rotation = 0;          // radians
    std::vector<QPointF> polygon; // closed implicitly; pixel coordinates (pixel x covers [x, x+1))
    QImage mask;                  // Format_Grayscale8, image-sized, 255 inside
    QRect box;                    // bounding box of the mask pixels
    int area = 0;                 // mask pixels
};

struct ShapesSample
{
    QImage image; // Format_RGB888
    std::vector<ShapeObject> objects;
    int prominent = 0; // index of the most prominent object (largest area)
    ShapeClass label() const { return objects[size_t(prominent)].cls; }
};

class ShapesWorld
{
public:
    explicit ShapesWorld(uint64_t seed, ShapesWorldOptions options = {});

    // Image `index` of this world; depends only on (seed, options, index).
    ShapesSample generate(int index) const;
    const ShapesWorldOptions& options() const { return options_; }
    uint64_t seed() const { return seed_; }

    // Checks options; returns an empty string when usable, else what is wrong.
    static QString validate(const ShapesWorldOptions& options);

private:
    uint64_t seed_;
    ShapesWorldOptions options_;
};

// Even-odd fill of a polygon at pixel centres into an image-sized Grayscale8 mask (255 inside).
QImage rasterizePolygon(const std::vector<QPointF>& polygon, int width, int height);

} // namespace loupe::core
