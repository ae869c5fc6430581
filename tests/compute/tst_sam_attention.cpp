// SPDX-License-Identifier: MIT
// SAM's fused windowed attention (AVX-512, sam_attention.h) against a double-precision reference and
// against the unfused path (batched GEMMs per head) it replaces: head sizes 16 and 64, windows of side 5
// and 14, a side-40 "global" grid whose query rows span several blocks, with and without relative terms;
// and the window partitioning of projected tokens, padding included.
#include "compute/cpu_options.h"
#include "compute/models/sam_attention.h"
#include "compute/models/sam_kernels.h"

#include <QTest>
#include <cmath>
#include <random>

using namespace loupe::compute;
using namespace loupe::compute::sam;

namespace {

Tensor randomTensor(Shape shape, unsigned seed, float sd = 1.f)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.f, sd);
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

// scores = scale q.k + q.relH[qy][ky] + q.relW[qx][kx], softmax, times V; in double.
std::vector<float> reference(const Tensor& qkv, int64_t windows, int64_t side, int64_t heads,
                             const Tensor& relH, const Tensor& relW)
{
    const int64_t T = side * side, D3 = qkv.shape().back(), D = D3 / 3, hd = D / heads;
    const bool rel = relH.defined();
    const std::vector<float> q = qkv.toF32Vector();
    const std::vector<float> rh = rel ? relH.toF32Vector() : std::vector<float>();
    const std::vector<float> rw = rel ? relW.toF32Vector() : std::vector<float>();
    std::vector<float> out(size_t(windows * T * D));
    const double scale = 1.0 / std::sqrt(double(hd));
    std::vector<double> s(static_cast<size_t>(T));
    for (int64_t b = 0; b < windows; ++b)
        for (int64_t h = 0; h < heads; ++h)
            for (int64_t t = 0; t < T; ++t) {
                const float* qi = &q[size_t((b * T + t) * D3 + h * hd)];
                double mx = -INFINITY;
                for (int64_t u = 0; u < T; ++u) {
                    const float* kj = &q[size_t((b * T + u) * D3 + D + h * hd)];
                    double dot = 0, y = 0, x = 0;
                    for (int64_t c = 0; c < hd; ++c) {
                        dot += double(qi[c]) * kj[c];
                        if (rel) {
                            y += double(qi[c]) * rh[size_t(((t / side) * side + u / side) * hd + c)];
                            x += double(qi[c]) * rw[size_t(((t % side) * side + u % side) * hd + c)];
                        }
                    }
                    s[size_t(u)] = dot * scale + y + x;
                    mx = std::max(mx, s[size_t(u)]);
                }
                double sum = 0;
                for (double& v : s)
                    sum += (v = std::exp(v - mx));
                for (int64_t c = 0; c < hd; ++c) {
                    double acc = 0;
                    for (int64_t u = 0; u < T; ++u)
                        acc += s[size_t(u)] * q[size_t((b * T + u) * D3 + 2 * D + h * hd + c)];
                    out[size_t((b * T + t) * D + h * hd + c)] = float(acc / sum);
                }
            }
    return out;
}

bool haveAvx512()
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}

} // namespace

class TestSamAttention : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { cpuOptions().fusion = true; }

    void fusedMatchesReference_data()
    {
        QTest::addColumn<int>("windows");
        QTest::addColumn<int>("side");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("headDim");
        QTest::addColumn<bool>("relative");
        QTest::newRow("side 5, hd 16") << 3 << 5 << 2 << 16 << true;
        QTest::newRow("side 14, hd 64") << 2 << 14 << 2 << 64 << true;
        QTest::newRow("side 14, hd 48, no rel") << 2 << 14 << 3 << 48 << false;
        QTest::newRow("global side 40, hd 64") << 1 << 40 << 2 << 64 << true;
        QTest::newRow("global side 40, hd 80") << 1 << 40 << 1 << 80 << true;
    }

    void fusedMatchesReference()
    {
        QFETCH(int, windows);
        QFETCH(int, side);
        QFETCH(int, heads);
        QFETCH(int, headDim);
        QFETCH(bool, relative);
        const int64_t T = int64_t(side) * side, D = int64_t(heads) * headDim;
        // Trained q and k are a few units large: scores spread over tens, so the max shift matters.
        const Tensor qkv = randomTensor({windows, T, 3 * D}, 11, 1.5f);
        const Tensor relH = relative ? randomTensor({side, side, headDim}, 12, 0.3f) : Tensor();
        const Tensor relW = relative ? randomTensor({side, side, headDim}, 13, 0.3f) : Tensor();
        const std::vector<float> ref = reference(qkv, windows, side, heads, relH, relW);

        std::vector<float> fused(ref.size(), NAN);
        const bool ran = fusedWindowAttention(qkv.ptr<float>(), windows, side, heads, D,
                                              relative ? relH.ptr<float>() : nullptr,
                                              relative ? relW.ptr<float>() : nullptr, fused.data());
        QCOMPARE(ran, haveAvx512());
        if (!ran) QSKIP("no AVX-512 on this CPU: the fused kernel is not used here");
        QVERIFY2(maxDiff(fused, ref) < 2e-5f, qPrintable(QString::number(maxDiff(fused, ref))));

        // windowAttention takes the fused path by default and the batched GEMMs with fusion off.
        QVERIFY(maxDiff(windowAttention(qkv, windows, side, heads, relH, relW).toF32Vector(), fused) == 0.f);
        cpuOptions().fusion = false;
        const std::vector<float> unfused =
            windowAttention(qkv, windows, side, heads, relH, relW).toF32Vector();
        QVERIFY2(maxDiff(unfused, ref) < 2e-5f, qPrintable(QString::number(maxDiff(unfused, ref))));
    }

    // The encoder projects q/k/v before partitioning and fills the padding with the bias: the same as
    // transformers' zero padding of the normalised tokens followed by the projection.
    void projectingBeforePartitioningMatchesZeroPadding()
    {
        const int64_t g = 6, S = 4, n = 2, C = 8, N = 12;
        const Tensor a = randomTensor({g * g, C}, 21);
        const Tensor bias = randomTensor({N}, 23);
        const LinearWeight w = transformer::makeLinearWeight(randomTensor({N, C}, 22));

        const Tensor padded = Tensor::empty(DType::F32, {n * n, S * S, C});
        windowPartition(padded, a, g, S, nullptr);
        const std::vector<float> expected = linear(padded, w, bias).toF32Vector();

        const Tensor projected = linear(a, w, bias);
        const Tensor windows = Tensor::empty(DType::F32, {n * n, S * S, N});
        windowPartition(windows, projected, g, S, bias.ptr<float>());
        QVERIFY(maxDiff(windows.toF32Vector(), expected) < 1e-5f);

        const Tensor back = Tensor::empty(DType::F32, {g * g, N});
        windowUnpartition(back, windows, g, S);
        QCOMPARE(back.toF32Vector(), projected.toF32Vector());
    }

    void refusesHeadSizesOffTheVectorWidth()
    {
        const Tensor qkv = randomTensor({1, 9, 3 * 8}, 5);
        std::vector<float> out(9 * 8, 7.f);
        QVERIFY(!fusedWindowAttention(qkv.ptr<float>(), 1, 3, 2, 8, nullptr, nullptr, out.data()));
        QCOMPARE(out[0], 7.f); // untouched
    }
};

QTEST_GUILESS_MAIN(TestSamAttention)
#include "tst_sam_attention.moc"
