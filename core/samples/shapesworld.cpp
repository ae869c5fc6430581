// SPDX-License-Identifier: MIT
#include "core/samples/shapesworld.h"

#include "core/samples/shapegeometry.h"
#include "core/samples/splitmix.h"

#include <algorithm>
#include <cmath>

namespace loupe::core {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kProminenceMargin = 1.5; // the prominent area is at least this times any other

struct Rgb
{
    int r, g, b;
};

int colorDistance(Rgb a, Rgb b)
{
    return std::abs(a.r - b.r) + std::abs(a.g - b.g) + std::abs(a.b - b.b);
}

Rgb toRgb(const QColor& c)
{
    return {c.red(), c.green(), c.blue()};
}

int clamp8(int v)
{
    return std::clamp(v, 0, 255);
}

// A background colour of low saturation: a grey with a slight tint.
Rgb drawBackground(SplitMix64& rng)
{
    const int g = rng.between(0, 255);
    return {clamp8(g + rng.between(-20, 20)), clamp8(g + rng.between(-20, 20)),
            clamp8(g + rng.between(-20, 20))};
}

void fillFlat(QImage& img, Rgb c)
{
    img.fill(QColor(c.r, c.g, c.b));
}

// A low-contrast value-noise texture: a coarse random grid interpolated bilinearly over the image.
void fillTexture(QImage& img, Rgb base, SplitMix64& rng)
{
    const int cells = rng.between(3, 8);
    const int amp = rng.between(15, 40);
    std::vector<int> grid(size_t((cells + 1) * (cells + 1)));
    for (int& v : grid)
        v = rng.between(-amp, amp);
    const int w = img.width(), h = img.height();
    for (int y = 0; y < h; ++y) {
        uchar* row = img.scanLine(y);
        const double gy = double(y) * cells / h;
        const int iy = std::min(int(gy), cells - 1);
        const double fy = gy - iy;
        for (int x = 0; x < w; ++x) {
            const double gx = double(x) * cells / w;
            const int ix = std::min(int(gx), cells - 1);
            const double fx = gx - ix;
            auto at = [&](int cx, int cy) { return grid[size_t(cy * (cells + 1) + cx)]; };
            const double v = (1 - fy) * ((1 - fx) * at(ix, iy) + fx * at(ix + 1, iy)) +
                             fy * ((1 - fx) * at(ix, iy + 1) + fx * at(ix + 1, iy + 1));
            const int d = int(std::lround(v));
            row[3 * x] = uchar(clamp8(base.r + d));
            row[3 * x + 1] = uchar(clamp8(base.g + d));
            row[3 * x + 2] = uchar(clamp8(base.b + d));
        }
    }
}

void setPixel(QImage& img, int x, int y, Rgb c)
{
    if (x < 0 || y < 0 || x >= img.width() || y >= img.height()) return;
    uchar* p = img.scanLine(y) + 3 * x;
    p[0] = uchar(c.r);
    p[1] = uchar(c.g);
    p[2] = uchar(c.b);
}

// Thin lines and dots, drawn before the objects so masks stay exact.
void drawClutter(QImage& img, SplitMix64& rng)
{
    const int n = rng.between(3, 8);
    const int s = img.width();
    for (int i = 0; i < n; ++i) {
        const Rgb c{rng.between(0, 255), rng.between(0, 255), rng.between(0, 255)};
        if (rng.below(2)) {
            const double x0 = rng.uniform(0, s), y0 = rng.uniform(0, s);
            const double len = rng.uniform(0.1, 0.3) * s, a = rng.uniform(0, 2 * kPi);
            const int steps = int(len) + 1;
            for (int k = 0; k <= steps; ++k) {
                const double t = double(k) / steps;
                setPixel(img, int(std::floor(x0 + t * len * std::cos(a))),
                         int(std::floor(y0 + t * len * std::sin(a))), c);
            }
        } else {
            const int cx = rng.below(s), cy = rng.below(s), r = rng.between(0, 1);
            for (int dy = -r; dy <= r; ++dy)
                for (int dx = -r; dx <= r; ++dx)
                    setPixel(img, cx + dx, cy + dy, c);
        }
    }
}

void boxBlur(QImage& img)
{
    const QImage src = img.copy();
    const int w = img.width(), h = img.height();
    for (int y = 0; y < h; ++y) {
        uchar* out = img.scanLine(y);
        for (int x = 0; x < w; ++x)
            for (int ch = 0; ch < 3; ++ch) {
                int sum = 0, n = 0;
                for (int dy = -1; dy <= 1; ++dy) {
                    const int yy = y + dy;
                    if (yy < 0 || yy >= h) continue;
                    const uchar* row = src.constScanLine(yy);
                    for (int dx = -1; dx <= 1; ++dx) {
                        const int xx = x + dx;
                        if (xx < 0 || xx >= w) continue;
                        sum += row[3 * xx + ch];
                        ++n;
                    }
                }
                out[3 * x + ch] = uchar((sum + n / 2) / n);
            }
    }
}

// Integer noise: the sum of four uniform draws, a cheap bell shape with no libm in the loop.
void addNoise(QImage& img, int amplitude, SplitMix64& rng)
{
    const int w = img.width(), h = img.height();
    for (int y = 0; y < h; ++y) {
        uchar* row = img.scanLine(y);
        for (int i = 0; i < 3 * w; ++i) {
            int d = 0;
            for (int k = 0; k < 4; ++k)
                d += rng.between(-amplitude, amplitude);
            row[i] = uchar(clamp8(row[i] + d / 2));
        }
    }
}

} // namespace

QString shapeClassName(ShapeClass c)
{
    static const char* names[] = {"circle", "square", "triangle", "star", "cross", "ring"};
    return QString::fromLatin1(names[int(c)]);
}

QStringList shapeClassNames()
{
    QStringList out;
    for (int i = 0; i < kShapeClassCount; ++i)
        out << shapeClassName(ShapeClass(i));
    return out;
}

const std::vector<ShapeColor>& shapeColors()
{
    static const std::vector<ShapeColor> colors = {
        {QStringLiteral("red"), QColor(220, 40, 40)},      {QStringLiteral("green"), QColor(40, 180, 60)},
        {QStringLiteral("blue"), QColor(50, 90, 230)},     {QStringLiteral("yellow"), QColor(235, 210, 40)},
        {QStringLiteral("magenta"), QColor(200, 60, 200)}, {QStringLiteral("cyan"), QColor(40, 200, 210)},
        {QStringLiteral("orange"), QColor(245, 140, 30)},  {QStringLiteral("white"), QColor(245, 245, 245)},
    };
    return colors;
}

QImage rasterizePolygon(const std::vector<QPointF>& polygon, int width, int height)
{
    QImage mask(width, height, QImage::Format_Grayscale8);
    mask.fill(0);
    const size_t n = polygon.size();
    if (n < 3) return mask;
    double minY = polygon[0].y(), maxY = minY;
    for (const QPointF& p : polygon) {
        minY = std::min(minY, p.y());
        maxY = std::max(maxY, p.y());
    }
    const int y0 = std::max(0, int(std::floor(minY - 0.5)));
    const int y1 = std::min(height - 1, int(std::ceil(maxY + 0.5)));
    std::vector<double> xs;
    for (int y = y0; y <= y1; ++y) {
        const double yc = y + 0.5;
        xs.clear();
        for (size_t i = 0; i < n; ++i) {
            QPointF a = polygon[i], b = polygon[(i + 1) % n];
            if (a.y() > b.y())
                std::swap(a, b); // canonical order: an edge and its reverse give the same crossing
            if (!(a.y() <= yc && yc < b.y())) continue;
            xs.push_back(a.x() + (yc - a.y()) * (b.x() - a.x()) / (b.y() - a.y()));
        }
        std::sort(xs.begin(), xs.end());
        uchar* row = mask.scanLine(y);
        for (size_t i = 0; i + 1 < xs.size(); i += 2) {
            // Pixels whose centre x + 0.5 lies in [xs[i], xs[i+1]).
            const int from = std::max(0, int(std::ceil(xs[i] - 0.5)));
            const int to = std::min(width, int(std::ceil(xs[i + 1] - 0.5)));
            for (int x = from; x < to; ++x)
                row[x] = 255;
        }
    }
    return mask;
}

ShapesWorld::ShapesWorld(uint64_t seed, ShapesWorldOptions options) : seed_(seed), options_(options) {}

QString ShapesWorld::validate(const ShapesWorldOptions& o)
{
    if (o.size < 16 || o.size > 4096)
        return QStringLiteral("size must be between 16 and 4096 pixels (got %1)").arg(o.size);
    if (o.minObjects < 1 || o.maxObjects > 4 || o.minObjects > o.maxObjects)
        return QStringLiteral("object count must satisfy 1 <= min <= max <= 4 (got %1..%2)")
            .arg(o.minObjects)
            .arg(o.maxObjects);
    if (o.noise < 0 || o.noise > 64)
        return QStringLiteral("noise amplitude must be between 0 and 64 (got %1)").arg(o.noise);
    return {};
}

ShapesSample ShapesWorld::generate(int index) const
{
    SplitMix64 rng(SplitMix64::mix(seed_, uint64_t(index)));
    const int s = options_.size;
    ShapesWorldOptions o = options_;
    if (o.varied) {
        o.clutter = rng.below(2);
        o.texture = rng.below(2);
        o.blur = rng.below(4) == 0;
        o.noise = rng.below(2) ? rng.between(4, 24) : 0;
    }

    ShapesSample sample;
    sample.image = QImage(s, s, QImage::Format_RGB888);
    const Rgb bg = drawBackground(rng);
    if (o.texture)
        fillTexture(sample.image, bg, rng);
    else
        fillFlat(sample.image, bg);
    if (o.clutter) drawClutter(sample.image, rng);

    // The prominent object first (big), then smaller distractors whose expected area keeps the margin.
    const int count = rng.between(o.minObjects, o.maxObjects);
    const auto& colors = shapeColors();
    double prominentArea = 0;
    for (int i = 0; i < count; ++i) {
        ShapeObject obj;
        obj.cls = ShapeClass(rng.below(kShapeClassCount));
        do
            obj.color = rng.below(int(colors.size()));
        while (colorDistance(toRgb(colors[size_t(obj.color)].rgb), bg) < 150);
        obj.rotation = rng.uniform(0, 2 * kPi);
        if (i == 0) {
            obj.radius = rng.uniform(0.2, 0.4) * s;
        } else {
            // Keep the distractor's geometric area under prominentArea / margin, with room for
            // rasterisation error on small shapes; checked exactly on the masks below.
            const double maxR =
                std::sqrt(prominentArea / (kProminenceMargin * 1.15) / shapeAreaFactor(obj.cls));
            const double hi = std::min(0.16 * s, maxR);
            const double lo = 0.07 * s;
            if (hi < lo) continue; // no room for a visible distractor under this prominent shape
            obj.radius = rng.uniform(lo, hi);
        }
        // Place without overlap; give up on this object after a few tries (images stay varied anyway).
        bool placed = false;
        for (int attempt = 0; attempt < 30 && !placed; ++attempt) {
            const double m = obj.radius + 1;
            obj.center = QPointF(rng.uniform(m, s - m), rng.uniform(m, s - m));
            placed = true;
            for (const ShapeObject& other : sample.objects) {
                const double dx = other.center.x() - obj.center.x(), dy = other.center.y() - obj.center.y();
                if (std::sqrt(dx * dx + dy * dy) < other.radius + obj.radius + 2) {
                    placed = false;
                    break;
                }
            }
        }
        if (!placed) continue;
        obj.polygon = shapePolygon(obj.cls, obj.center, obj.radius, obj.rotation);
        obj.mask = rasterizePolygon(obj.polygon, s, s);
        int minX = s, minY = s, maxX = -1, maxY = -1;
        for (int y = 0; y < s; ++y) {
            const uchar* row = obj.mask.constScanLine(y);
            for (int x = 0; x < s; ++x)
                if (row[x]) {
                    ++obj.area;
                    minX = std::min(minX, x);
                    maxX = std::max(maxX, x);
                    minY = std::min(minY, y);
                    maxY = std::max(maxY, y);
                }
        }
        if (obj.area == 0) continue;
        if (i == 0)
            prominentArea = obj.area;
        else if (obj.area * kProminenceMargin > prominentArea)
            continue; // would blur which shape is the label
        obj.box = QRect(QPoint(minX, minY), QPoint(maxX, maxY));
        sample.objects.push_back(std::move(obj));
    }

    for (const ShapeObject& obj : sample.objects) {
        const Rgb c = toRgb(colors[size_t(obj.color)].rgb);
        for (int y = obj.box.top(); y <= obj.box.bottom(); ++y) {
            const uchar* m = obj.mask.constScanLine(y);
            for (int x = obj.box.left(); x <= obj.box.right(); ++x)
                if (m[x]) setPixel(sample.image, x, y, c);
        }
    }
    if (o.blur) boxBlur(sample.image);
    if (o.noise > 0) addNoise(sample.image, o.noise, rng);
    sample.prominent = 0; // the first object is placed first and always kept; the margin makes it largest
    return sample;
}

} // namespace loupe::core
