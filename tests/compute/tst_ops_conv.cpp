// SPDX-License-Identifier: MIT
// Patch embedding (im2col + GEMM) against a direct convolution, and bicubic interpolation against
// PyTorch's definition written out in double.
#include "compute/backend/cpu/ops.h"
#include "compute/cpu_options.h"
#include "op_reference.h"

#include <QTest>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

double cubicW(double x)
{
    const double A = -0.75;
    x = std::fabs(x);
    if (x <= 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
    if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    return 0;
}

} // namespace

class TestOpsConv : public QObject
{
    Q_OBJECT
private slots:
    void cleanup() { cpuOptions() = CpuOptions{}; }

    void patchEmbed_data()
    {
        QTest::addColumn<bool>("onednn");
        QTest::newRow("onednn") << true;
        QTest::newRow("blocked") << false;
    }
    void patchEmbed()
    {
        QFETCH(bool, onednn);
        cpuOptions().useOneDnn = onednn;
        std::mt19937 rng(21);
        // 2 images, 3 channels, 13 x 18 pixels, patch 4: a 3 x 4 grid, the ragged edge ignored as Conv2d
        // does.
        const int64_t B = 2, C = 3, H = 13, W = 18, P = 4, D = 5;
        const Tensor px = strided(randomTensor(rng, {B, C, H, W}), {0, 2, 3, 1}); // channels-last storage
        const Tensor w = randomTensor(rng, {D, C, P, P}), b = randomTensor(rng, {D});
        const int64_t gh = H / P, gw = W / P;
        Tensor out = Tensor::empty(DType::F32, {B, gh * gw, D});
        cpu::patchEmbed(out, px, w, &b, P);
        std::vector<double> ref;
        for (int64_t n = 0; n < B; ++n)
            for (int64_t py = 0; py < gh; ++py)
                for (int64_t pxi = 0; pxi < gw; ++pxi)
                    for (int64_t d = 0; d < D; ++d) {
                        double acc = at(b, {d});
                        for (int64_t c = 0; c < C; ++c)
                            for (int64_t ky = 0; ky < P; ++ky)
                                for (int64_t kx = 0; kx < P; ++kx)
                                    acc += at(w, {d, c, ky, kx}) * at(px, {n, c, py * P + ky, pxi * P + kx});
                        ref.push_back(acc);
                    }
        QVERIFY(worst(out, ref, 1e-5, 1e-5) <= 1);
    }

    void bicubic_data()
    {
        QTest::addColumn<int>("inH");
        QTest::addColumn<int>("inW");
        QTest::addColumn<int>("outH");
        QTest::addColumn<int>("outW");
        QTest::addColumn<double>("scaleH");
        QTest::addColumn<double>("scaleW");
        // transformers' interpolate_pos_encoding: 14x14 table to 20x17 with scale (g + 0.1) / 14.
        QTest::newRow("vit 14->20x17") << 14 << 14 << 20 << 17 << 20.1 / 14 << 17.1 / 14;
        QTest::newRow("downscale 7->3") << 7 << 7 << 3 << 3 << 3.1 / 7 << 3.1 / 7;
        QTest::newRow("sizes only") << 5 << 6 << 9 << 4 << 0.0 << 0.0;
    }
    void bicubic()
    {
        QFETCH(int, inH);
        QFETCH(int, inW);
        QFETCH(int, outH);
        QFETCH(int, outW);
        QFETCH(double, scaleH);
        QFETCH(double, scaleW);
        std::mt19937 rng(22);
        const Tensor x = randomTensor(rng, {1, 3, inH, inW});
        Tensor out = Tensor::empty(DType::F32, {1, 3, outH, outW});
        cpu::bicubic(out, x, scaleH, scaleW);
        const double sh = scaleH > 0 ? 1 / scaleH : double(inH) / outH;
        const double sw = scaleW > 0 ? 1 / scaleW : double(inW) / outW;
        std::vector<double> ref;
        forEachIndex(out.shape(), [&](const Shape& i) {
            const double ry = sh * (double(i[2]) + 0.5) - 0.5, rx = sw * (double(i[3]) + 0.5) - 0.5;
            const int64_t iy = int64_t(std::floor(ry)), ix = int64_t(std::floor(rx));
            double acc = 0;
            for (int64_t yy = iy - 1; yy <= iy + 2; ++yy)
                for (int64_t xx = ix - 1; xx <= ix + 2; ++xx) {
                    const int64_t cy = std::clamp<int64_t>(yy, 0, inH - 1),
                                  cx = std::clamp<int64_t>(xx, 0, inW - 1);
                    acc += cubicW(ry - double(yy)) * cubicW(rx - double(xx)) * at(x, {0, i[1], cy, cx});
                }
            ref.push_back(acc);
        });
        QVERIFY(worst(out, ref, 1e-5, 1e-5) <= 1);
    }

    void bicubicKeepsConstants()
    {
        Tensor x = Tensor::empty(DType::F32, {1, 1, 4, 4});
        for (int i = 0; i < 16; ++i)
            x.ptr<float>()[i] = 2.5f;
        Tensor out = Tensor::empty(DType::F32, {1, 1, 7, 5});
        cpu::bicubic(out, x, 0, 0);
        for (float v : out.toF32Vector())
            QVERIFY(std::fabs(v - 2.5f) < 1e-5f); // the cubic weights sum to one
    }
};

QTEST_GUILESS_MAIN(TestOpsConv)
#include "tst_ops_conv.moc"
