// SPDX-License-Identifier: MIT
// SAM's host kernels against direct reference loops: relative-position tables (resized as
// F.interpolate(mode="linear") does, values from PyTorch), transposed and strided convolutions, and the
// windowed attention with decomposed relative positions.
#include "compute/models/sam_kernels.h"

#include <QTest>
#include <cmath>
#include <random>

using namespace loupe::compute;
using namespace loupe::compute::sam;

namespace {

Tensor randomTensor(Shape shape, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> d;
    std::vector<float> v(size_t(shapeNumel(shape)));
    for (float& x : v)
        x = d(rng);
    return Tensor::fromF32(std::move(shape), v);
}

float maxDiff(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size()) return INFINITY;
    float m = 0;
    for (size_t i = 0; i < a.size(); ++i)
        m = std::max(m, std::fabs(a[i] - b[i]));
    return m;
}

} // namespace

class TestSamKernels : public QObject
{
    Q_OBJECT

private slots:
    void relativePositionsResizeLikePyTorch()
    {
        // A 3-row table for size 3 (needs 5 rows): torch gives [0, 0.4, 1, 1.6, 2]; out[q][k] = row q - k
        // + 2.
        const Tensor up = relativePositions(Tensor::fromF32({3, 1}, std::vector<float>{0, 1, 2}), 3);
        QCOMPARE(up.shape(), (Shape{3, 3, 1}));
        const std::vector<float> expectUp{1.0f, 0.4f, 0.0f, 1.6f, 1.0f, 0.4f, 2.0f, 1.6f, 1.0f};
        QVERIFY(maxDiff(up.toF32Vector(), expectUp) < 1e-6f);
        // Five rows for size 2 (needs 3): torch gives [0.3333, 4, 13.6667].
        const Tensor down = relativePositions(Tensor::fromF32({5, 1}, std::vector<float>{0, 1, 4, 9, 16}), 2);
        const std::vector<float> expectDown{4.0f, 1.f / 3.f, 13.f + 2.f / 3.f, 4.0f};
        QVERIFY(maxDiff(down.toF32Vector(), expectDown) < 1e-5f);
        // The exact length is used as it is.
        const Tensor same = relativePositions(Tensor::fromF32({3, 1}, std::vector<float>{5, 6, 7}), 2);
        QCOMPARE(same.toF32Vector(), (std::vector<float>{6, 5, 7, 6}));
    }

    void convolutionsMatchDirectLoops()
    {
        const int64_t H = 5, W = 6, cin = 3, cout = 4;
        const Tensor x = randomTensor({H, W, cin}, 1);
        const Tensor wt = randomTensor({cin, cout, 2, 2}, 2), bt = randomTensor({cout}, 3);
        const std::vector<float> xv = x.toF32Vector(), wtv = wt.toF32Vector(), btv = bt.toF32Vector();
        std::vector<float> ref(size_t(4 * H * W * cout));
        for (int64_t y = 0; y < 2 * H; ++y)
            for (int64_t xx = 0; xx < 2 * W; ++xx)
                for (int64_t o = 0; o < cout; ++o) {
                    float s = btv[size_t(o)];
                    for (int64_t i = 0; i < cin; ++i)
                        s += xv[size_t(((y / 2) * W + xx / 2) * cin + i)] *
                             wtv[size_t(((i * cout + o) * 2 + y % 2) * 2 + xx % 2)];
                    ref[size_t((y * 2 * W + xx) * cout + o)] = s;
                }
        const Tensor up = convTranspose2x2(x, transposedConvWeight(wt), bt);
        QCOMPARE(up.shape(), (Shape{2 * H, 2 * W, cout}));
        QVERIFY(maxDiff(up.toF32Vector(), ref) < 1e-5f);

        // 3x3, padding 1, stride 1 and 2x2 stride 2.
        for (const auto& [k, stride, pad] : {std::tuple<int64_t, int64_t, int64_t>{3, 1, 1}, {2, 2, 0}}) {
            const Tensor w = randomTensor({cout, cin, k, k}, 4), b = randomTensor({cout}, 5);
            const std::vector<float> wv = w.toF32Vector(), bv = b.toF32Vector();
            const int64_t Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1;
            std::vector<float> r(size_t(Ho * Wo * cout));
            for (int64_t oy = 0; oy < Ho; ++oy)
                for (int64_t ox = 0; ox < Wo; ++ox)
                    for (int64_t o = 0; o < cout; ++o) {
                        float s = bv[size_t(o)];
                        for (int64_t i = 0; i < cin; ++i)
                            for (int64_t ky = 0; ky < k; ++ky)
                                for (int64_t kx = 0; kx < k; ++kx) {
                                    const int64_t iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
                                    if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                                        s += xv[size_t((iy * W + ix) * cin + i)] *
                                             wv[size_t(((o * cin + i) * k + ky) * k + kx)];
                                }
                        r[size_t((oy * Wo + ox) * cout + o)] = s;
                    }
            const Tensor out = conv2d(x, convWeight(w), b, k, stride, pad);
            QCOMPARE(out.shape(), (Shape{Ho, Wo, cout}));
            QVERIFY(maxDiff(out.toF32Vector(), r) < 1e-5f);
        }
    }

    void windowAttentionMatchesReference()
    {
        const int64_t windows = 3, side = 3, T = side * side, heads = 2, hd = 4, D = heads * hd;
        const Tensor qkv = randomTensor({windows, T, 3 * D}, 6);
        const Tensor relH = randomTensor({side, side, hd}, 7), relW = randomTensor({side, side, hd}, 8);
        const std::vector<float> q = qkv.toF32Vector(), rh = relH.toF32Vector(), rw = relW.toF32Vector();
        std::vector<float> ref(size_t(windows * T * D));
        const float scale = 1.f / std::sqrt(float(hd));
        for (int64_t b = 0; b < windows; ++b)
            for (int64_t h = 0; h < heads; ++h)
                for (int64_t t = 0; t < T; ++t) {
                    const float* qi = &q[size_t((b * T + t) * 3 * D + h * hd)];
                    std::vector<double> s(static_cast<size_t>(T));
                    double mx = -INFINITY;
                    for (int64_t u = 0; u < T; ++u) {
                        const float* kj = &q[size_t((b * T + u) * 3 * D + D + h * hd)];
                        double dot = 0, relHy = 0, relWx = 0;
                        for (int64_t c = 0; c < hd; ++c) {
                            dot += double(qi[c]) * kj[c];
                            relHy += double(qi[c]) * rh[size_t(((t / side) * side + u / side) * hd + c)];
                            relWx += double(qi[c]) * rw[size_t(((t % side) * side + u % side) * hd + c)];
                        }
                        s[size_t(u)] = dot * scale + relHy + relWx;
                        mx = std::max(mx, s[size_t(u)]);
                    }
                    double sum = 0;
                    for (double& v : s)
                        sum += (v = std::exp(v - mx));
                    for (int64_t c = 0; c < hd; ++c) {
                        double acc = 0;
                        for (int64_t u = 0; u < T; ++u)
                            acc += s[size_t(u)] / sum * q[size_t((b * T + u) * 3 * D + 2 * D + h * hd + c)];
                        ref[size_t((b * T + t) * D + h * hd + c)] = float(acc);
                    }
                }
        const Tensor ctx = windowAttention(qkv, windows, side, heads, relH, relW);
        QCOMPARE(ctx.shape(), (Shape{windows, T, D}));
        QVERIFY(maxDiff(ctx.toF32Vector(), ref) < 1e-5f);
    }
};

QTEST_GUILESS_MAIN(TestSamKernels)
#include "tst_sam_kernels.moc"
