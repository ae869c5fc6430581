// SPDX-License-Identifier: MIT
#include "compute/preprocess/resample.h"

#include "compute/error.h"

#include <cmath>
#include <string>
#include <vector>

namespace loupe::compute {

namespace {

// Coefficients are quantised to this many fractional bits; 8-bit pixels times them fit an int32 sum.
constexpr int kPrecisionBits = 32 - 8 - 2;

// The kernels, written in the same arithmetic order as Pillow's so the double results round alike.
double bilinear(double x)
{
    if (x < 0.0) x = -x;
    return x < 1.0 ? 1.0 - x : 0.0;
}
double bicubic(double x)
{
    constexpr double a = -0.5; // Keys' cubic, as Pillow
    if (x < 0.0) x = -x;
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}
double box(double x)
{
    return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
}
double sinc(double x)
{
    if (x == 0.0) return 1.0;
    x *= M_PI;
    return std::sin(x) / x;
}
double lanczos(double x)
{
    return (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0;
}
double hamming(double x)
{
    if (x < 0.0) x = -x;
    if (x == 0.0) return 1.0;
    if (x >= 1.0) return 0.0;
    x = x * M_PI;
    return std::sin(x) / x * (0.54 + 0.46 * std::cos(x));
}

struct Filter
{
    double (*fn)(double);
    double support;
};

Filter filterFor(Resample r)
{
    switch (r) {
    case Resample::Bilinear:
        return {bilinear, 1.0};
    case Resample::Bicubic:
        return {bicubic, 2.0};
    case Resample::Box:
        return {box, 0.5};
    case Resample::Lanczos:
        return {lanczos, 3.0};
    case Resample::Hamming:
        return {hamming, 1.0};
    case Resample::Nearest:
        break;
    }
    throw Error("resize", "no convolution filter for nearest-neighbour resampling");
}

// Per output pixel: first input index, tap count, and `ksize` fixed-point weights.
struct Taps
{
    int ksize = 0;
    std::vector<int> first, count;
    std::vector<int32_t> k;
};

Taps precompute(int inSize, int outSize, const Filter& f)
{
    const double scale = double(inSize) / outSize;
    const double filterscale = scale < 1.0 ? 1.0 : scale; // widen the kernel only when shrinking
    const double support = f.support * filterscale;
    Taps t;
    t.ksize = int(std::ceil(support)) * 2 + 1;
    t.first.resize(size_t(outSize));
    t.count.resize(size_t(outSize));
    t.k.assign(size_t(outSize) * size_t(t.ksize), 0);
    std::vector<double> w(size_t(t.ksize));
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = (xx + 0.5) * scale;
        const double ss = 1.0 / filterscale;
        int xmin = int(center - support + 0.5); // truncation, as Pillow's (int) cast
        if (xmin < 0) xmin = 0;
        int xmax = int(center + support + 0.5);
        if (xmax > inSize) xmax = inSize;
        xmax -= xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; ++x) {
            w[size_t(x)] = f.fn((x + xmin - center + 0.5) * ss);
            ww += w[size_t(x)];
        }
        for (int x = 0; x < xmax; ++x) {
            const double v = ww != 0.0 ? w[size_t(x)] / ww : w[size_t(x)];
            // Round half away from zero, then truncate: Pillow's normalize_coeffs_8bpc.
            t.k[size_t(xx) * size_t(t.ksize) + size_t(x)] =
                v < 0 ? int32_t(-0.5 + v * (1 << kPrecisionBits)) : int32_t(0.5 + v * (1 << kPrecisionBits));
        }
        t.first[size_t(xx)] = xmin;
        t.count[size_t(xx)] = xmax;
    }
    return t;
}

inline uint8_t clip8(int32_t v)
{
    v >>= kPrecisionBits;
    return uint8_t(v < 0 ? 0 : (v > 255 ? 255 : v));
}

// Horizontal pass over input rows [y0, y0 + rows).
RgbImage horizontal(const RgbImage& in, int y0, int rows, int outW, const Taps& t)
{
    RgbImage out{outW, rows, std::vector<uint8_t>(size_t(outW) * size_t(rows) * 3)};
    for (int y = 0; y < rows; ++y) {
        const uint8_t* src = in.rgb.data() + size_t(y0 + y) * size_t(in.width) * 3;
        uint8_t* dst = out.rgb.data() + size_t(y) * size_t(outW) * 3;
        for (int xx = 0; xx < outW; ++xx) {
            const int32_t* k = &t.k[size_t(xx) * size_t(t.ksize)];
            const uint8_t* p = src + size_t(t.first[size_t(xx)]) * 3;
            int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
            for (int x = 0; x < t.count[size_t(xx)]; ++x) {
                s0 += p[3 * x] * k[x];
                s1 += p[3 * x + 1] * k[x];
                s2 += p[3 * x + 2] * k[x];
            }
            dst[3 * xx] = clip8(s0);
            dst[3 * xx + 1] = clip8(s1);
            dst[3 * xx + 2] = clip8(s2);
        }
    }
    return out;
}

// Vertical pass; `rowShift` maps the taps' input rows to rows of `in`.
RgbImage vertical(const RgbImage& in, int rowShift, int outH, const Taps& t)
{
    const size_t rowBytes = size_t(in.width) * 3;
    RgbImage out{in.width, outH, std::vector<uint8_t>(rowBytes * size_t(outH))};
    for (int yy = 0; yy < outH; ++yy) {
        const int32_t* k = &t.k[size_t(yy) * size_t(t.ksize)];
        const uint8_t* base = in.rgb.data() + size_t(t.first[size_t(yy)] - rowShift) * rowBytes;
        uint8_t* dst = out.rgb.data() + size_t(yy) * rowBytes;
        for (size_t c = 0; c < rowBytes; ++c) {
            int32_t s = 1 << (kPrecisionBits - 1);
            for (int y = 0; y < t.count[size_t(yy)]; ++y)
                s += base[size_t(y) * rowBytes + c] * k[y];
            dst[c] = clip8(s);
        }
    }
    return out;
}

RgbImage nearest(const RgbImage& in, int width, int height)
{
    // Pillow maps output pixel centres through an affine transform, stepping by repeated addition.
    RgbImage out{width, height, std::vector<uint8_t>(size_t(width) * size_t(height) * 3)};
    const double sx = double(in.width) / width, sy = double(in.height) / height;
    double yy = sy * 0.5;
    for (int y = 0; y < height; ++y, yy += sy) {
        const int yin = std::min(int(yy), in.height - 1);
        double xx = sx * 0.5;
        for (int x = 0; x < width; ++x, xx += sx) {
            const int xin = std::min(int(xx), in.width - 1);
            for (int c = 0; c < 3; ++c)
                out.rgb[(size_t(y) * size_t(width) + size_t(x)) * 3 + size_t(c)] =
                    in.rgb[(size_t(yin) * size_t(in.width) + size_t(xin)) * 3 + size_t(c)];
        }
    }
    return out;
}

} // namespace

const char* resampleName(Resample r)
{
    switch (r) {
    case Resample::Nearest:
        return "nearest";
    case Resample::Lanczos:
        return "lanczos";
    case Resample::Bilinear:
        return "bilinear";
    case Resample::Bicubic:
        return "bicubic";
    case Resample::Box:
        return "box";
    case Resample::Hamming:
        return "hamming";
    }
    return "?";
}

RgbImage resizePil(const RgbImage& in, int width, int height, Resample filter)
{
    if (in.width <= 0 || in.height <= 0) throw Error("resize", "empty input image");
    if (width <= 0 || height <= 0 || width > (1 << 16) || height > (1 << 16))
        throw Error("resize", "bad target size " + std::to_string(width) + "x" + std::to_string(height));
    if (width == in.width && height == in.height) return in;
    if (filter == Resample::Nearest) return nearest(in, width, height);
    const Filter f = filterFor(filter);
    const bool needH = width != in.width;
    const bool needV = height != in.height;
    const Taps th = precompute(in.width, width, f);
    const Taps tv = precompute(in.height, height, f);
    if (!needV) return horizontal(in, 0, in.height, width, th);
    if (!needH) return vertical(in, 0, height, tv);
    // Only the input rows the vertical pass reads go through the horizontal pass.
    const int firstRow = tv.first.front();
    const int lastRow = tv.first.back() + tv.count.back();
    const RgbImage tmp = horizontal(in, firstRow, lastRow - firstRow, width, th);
    return vertical(tmp, firstRow, height, tv);
}

} // namespace loupe::compute
