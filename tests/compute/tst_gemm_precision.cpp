// SPDX-License-Identifier: MIT
// Reduced-precision linear weights: bf16 (oneDNN bf16 kernels, f32 accumulation), f16 values, int8
// per channel (activations quantised per row, u8 x s8) and per group (dequantised in the GEMM), each
// against a double-precision reference computed from the values the packed weight holds, with the
// epilogue fused; kill switches; and the precision a run records.
#include "compute/backend/cpu/vmath.h"
#include "compute/cpu_options.h"
#include "compute/dtype.h"
#include "compute/engine_options.h"
#include "compute/error.h"
#include "compute/gemm/gemm.h"
#include "compute/gemm/precision_switches.h"
#include "compute/quantize/int8_scheme.h"

#include <QFile>
#include <QTest>
#include <cmath>
#include <random>

using namespace loupe::compute;

namespace {

std::vector<float> randomVector(std::mt19937& rng, size_t n, float lo = -1.f, float hi = 1.f)
{
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (float& x : v)
        x = d(rng);
    return v;
}

float roundBf16(float v)
{
    return bf16ToFloat(floatToBf16(v));
}

struct Case
{
    int64_t M, N, K, aRow;
    std::vector<float> a, w, bias, residual;
};

Case makeCase(int64_t M, int64_t N, int64_t K, int64_t aRow, uint32_t seed)
{
    std::mt19937 rng(seed);
    Case c{M,
           N,
           K,
           aRow,
           randomVector(rng, size_t(M * aRow)),
           randomVector(rng, size_t(N * K)),
           randomVector(rng, size_t(N)),
           randomVector(rng, size_t(M * N))};
    return c;
}

// C = gelu(A x Wq^T + bias) + residual in double, with A's elements passed through `roundA`.
std::vector<double> reference(const Case& c, const std::vector<float>& wq, float (*roundA)(float))
{
    std::vector<double> out(size_t(c.M * c.N));
    for (int64_t m = 0; m < c.M; ++m)
        for (int64_t n = 0; n < c.N; ++n) {
            double s = c.bias[size_t(n)];
            for (int64_t k = 0; k < c.K; ++k)
                s += double(roundA(c.a[size_t(m * c.aRow + k)])) * wq[size_t(n * c.K + k)];
            out[size_t(m * c.N + n)] =
                activationScalar(Activation::GeluErf, float(s)) + c.residual[size_t(m * c.N + n)];
        }
    return out;
}

std::string run(const Case& c, const PackedWeight& w, std::vector<float>& out)
{
    out.assign(size_t(c.M * c.N), 0.f);
    GemmProblem p;
    p.M = c.M;
    p.N = c.N;
    p.K = c.K;
    p.a = c.a.data();
    p.aRow = c.aRow;
    p.packedB = &w;
    p.c = out.data();
    p.cRow = c.N;
    p.bias = c.bias.data();
    p.act = Activation::GeluErf;
    p.residual = c.residual.data();
    return gemm(p);
}

double worstError(const std::vector<float>& got, const std::vector<double>& ref)
{
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i)
        worst = std::max(worst, std::fabs(double(got[i]) - ref[i]));
    return worst;
}

float identity(float v)
{
    return v;
}

// The kernels under test need these CPU features; elsewhere the engine falls back (and says so).
bool cpuHas(const char* flag)
{
    QFile f(QStringLiteral("/proc/cpuinfo"));
    return f.open(QIODevice::ReadOnly) && f.readAll().contains(QByteArray(" ") + flag);
}

} // namespace

class TestGemmPrecision : public QObject
{
    Q_OBJECT
private slots:
    void cleanup()
    {
        cpuOptions() = CpuOptions{};
        precisionSwitches() = PrecisionSwitches{};
    }

    void bf16MatchesRoundedOperands_data()
    {
        QTest::addColumn<int>("M");
        QTest::addColumn<int>("aRow");
        QTest::newRow("decode row") << 1 << 160;
        QTest::newRow("197 strided rows") << 197 << 170;
    }
    void bf16MatchesRoundedOperands()
    {
        QFETCH(int, M);
        QFETCH(int, aRow);
        if (!cpuHas("avx512_bf16")) QSKIP("no AVX512-BF16: bf16 requests pack f32 here");
        const Case c = makeCase(M, 96, 160, aRow, 21);
        auto packed = packLinearWeight(c.w.data(), c.N, c.K, c.K, Precision::BF16);
        QVERIFY(packed);
        QCOMPARE(packed->precision(), Precision::BF16);
        // Stored once at two bytes a weight (oneDNN pads N to its block).
        QVERIFY(packed->bytes() >= size_t(c.N * c.K * 2) && packed->bytes() < size_t(c.N * c.K * 4));
        std::vector<float> back(size_t(c.N * c.K));
        packed->unpack(back.data());
        for (size_t i = 0; i < back.size(); ++i)
            QCOMPARE(back[i], roundBf16(c.w[i])); // what attribution reads is exactly what is multiplied
        std::vector<float> out;
        QCOMPARE(run(c, *packed, out), std::string("onednn_bf16"));
        // Products of bf16 values are exact in f32; only the f32 sums round.
        QVERIFY2(worstError(out, reference(c, back, roundBf16)) < 1e-4,
                 "bf16 GEMM differs from its operands");
        // and the f32 result is within bf16 rounding of the true product.
        QVERIFY(worstError(out, reference(c, c.w, identity)) < 0.05);
        QCOMPARE(lastExecution().precision, std::string("bf16"));
    }

    void bf16KillSwitchPacksF32()
    {
        precisionSwitches().bf16 = false;
        const Case c = makeCase(4, 32, 64, 64, 3);
        auto packed = packLinearWeight(c.w.data(), c.N, c.K, c.K, Precision::BF16);
        QVERIFY(packed);
        QCOMPARE(packed->precision(), Precision::F32);
        QCOMPARE(effectiveWeightFormat({Precision::BF16}).precision, Precision::F32);
    }

    void f16HoldsHalfValues()
    {
        const Case c = makeCase(9, 48, 64, 64, 4);
        auto packed = packLinearWeight(c.w.data(), c.N, c.K, c.K, Precision::F16);
        QVERIFY(packed);
        QCOMPARE(packed->precision(), Precision::F16);
        std::vector<float> back(size_t(c.N * c.K));
        packed->unpack(back.data());
        for (size_t i = 0; i < back.size(); ++i)
            QCOMPARE(back[i], halfToFloat(floatToHalf(c.w[i])));
        std::vector<float> out;
        run(c, *packed, out);
        QVERIFY(worstError(out, reference(c, back, identity)) < 1e-4);
    }

    void int8PerChannelQuantisesActivationsPerRow_data()
    {
        QTest::addColumn<bool>("vnni");
        QTest::newRow("u8 x s8") << true;
        QTest::newRow("dequantised (LOUPE_DISABLE_INT8_VNNI)") << false;
    }
    void int8PerChannelQuantisesActivationsPerRow()
    {
        QFETCH(bool, vnni);
        if (vnni && !cpuHas("avx512_vnni")) QSKIP("no AVX512-VNNI: int8 weights dequantise here");
        precisionSwitches().int8Vnni = vnni;
        const Case c = makeCase(37, 80, 192, 200, 5);
        auto packed = packLinearWeight(c.w.data(), c.N, c.K, c.K, Precision::Int8);
        QVERIFY(packed);
        QCOMPARE(packed->precision(), Precision::Int8);
        QVERIFY(packed->bytes() < size_t(c.N * c.K * 2));
        const Int8Weights q = quantizeInt8(c.w.data(), c.N, c.K, c.K, 0);
        std::vector<float> expected(size_t(c.N * c.K)), back(expected.size());
        dequantizeInt8(q.q.data(), q.scales.data(), c.N, c.K, 0, expected.data());
        packed->unpack(back.data());
        QCOMPARE(back, expected);
        std::vector<float> out;
        const std::string kernel = run(c, *packed, out);
        QCOMPARE(kernel, std::string(vnni ? "onednn_u8s8" : "int8_dequant"));
        const std::vector<double> ref = reference(c, expected, identity);
        if (!vnni) {
            QVERIFY(worstError(out, ref) < 1e-4);
            return;
        }
        // Each activation is off by at most half its row's step (max |a| / 254): bound the sum by it.
        for (int64_t m = 0; m < c.M; ++m) {
            float amax = 0;
            for (int64_t k = 0; k < c.K; ++k)
                amax = std::max(amax, std::fabs(c.a[size_t(m * c.aRow + k)]));
            for (int64_t n = 0; n < c.N; ++n) {
                double wsum = 0;
                for (int64_t k = 0; k < c.K; ++k)
                    wsum += std::fabs(expected[size_t(n * c.K + k)]);
                // GELU's slope is below 1.13, and a few ulps of f32 on top.
                const double bound = 1.13 * amax / 254.0 * wsum + 1e-4;
                const double err = std::fabs(out[size_t(m * c.N + n)] - ref[size_t(m * c.N + n)]);
                if (err > bound)
                    QFAIL(qPrintable(
                        QString("row %1 col %2: error %3 > %4").arg(m).arg(n).arg(err).arg(bound)));
            }
        }
        QVERIFY(worstError(out, ref) > 0); // activations really were quantised
    }

    void int8GroupWiseDequantisesInTheGemm_data()
    {
        QTest::addColumn<int>("M");
        QTest::newRow("13 rows: blocks dequantised") << 13;
        QTest::newRow("1 row: scaled integer dots") << 1;
        QTest::newRow("3 rows: scaled integer dots") << 3;
    }
    void int8GroupWiseDequantisesInTheGemm()
    {
        QFETCH(int, M);
        Case c = makeCase(M, 40, 128, 136, 6);
        c.w[5] = 40.f; // an outlier: its group's scale grows, the others keep theirs
        auto packed = packLinearWeight(c.w.data(), c.N, c.K, c.K, WeightFormat(Precision::Int8, 32));
        QVERIFY(packed);
        QCOMPARE(packed->groupSize(), int64_t(32));
        const Int8Weights q = quantizeInt8(c.w.data(), c.N, c.K, c.K, 32);
        QCOMPARE(q.scales.size(), size_t(c.N * 4));
        std::vector<float> expected(size_t(c.N * c.K)), back(expected.size());
        dequantizeInt8(q.q.data(), q.scales.data(), c.N, c.K, 32, expected.data());
        packed->unpack(back.data());
        QCOMPARE(back, expected);
        // Row 0 beyond the outlier's group is as exact as without the outlier.
        QVERIFY(std::fabs(back[100] - c.w[100]) <= q.scales[3] / 2 + 1e-7);
        QVERIFY(q.scales[3] < 1.f / 120);
        std::vector<float> out;
        QCOMPARE(run(c, *packed, out), std::string("int8_dequant"));
        QVERIFY(worstError(out, reference(c, expected, identity)) < 1e-4);
        QCOMPARE(lastExecution().precision, std::string("int8"));
    }

    void int8GroupMustDivideK()
    {
        const Case c = makeCase(1, 8, 100, 100, 7);
        QVERIFY_THROWS_EXCEPTION(
            Error, packLinearWeight(c.w.data(), c.N, c.K, c.K, WeightFormat(Precision::Int8, 32)));
    }

    void naiveKernelUnpacksReducedWeights()
    {
        if (!cpuHas("avx512_bf16")) QSKIP("no AVX512-BF16: bf16 requests pack f32 here");
        const Case c = makeCase(5, 24, 64, 64, 8);
        auto packed = packLinearWeight(c.w.data(), c.N, c.K, c.K, Precision::BF16);
        QVERIFY(packed);
        std::vector<float> back(size_t(c.N * c.K));
        packed->unpack(back.data());
        cpuOptions().naiveGemm = true;
        std::vector<float> out;
        QCOMPARE(run(c, *packed, out), std::string("naive"));
        QVERIFY(worstError(out, reference(c, back, identity)) < 1e-4); // f32 activations, bf16 weights
    }
};

QTEST_APPLESS_MAIN(TestGemmPrecision)
#include "tst_gemm_precision.moc"
