// SPDX-License-Identifier: MIT
// Elementwise CPU kernels against plain double-precision references, on odd sizes and strided views,
// with the SIMD paths on and off.
#include "compute/backend/cpu/ops.h"
#include "compute/cpu_options.h"
#include "compute/error.h"
#include "op_reference.h"

#include <QTest>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

double geluErf(double x)
{
    return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
}
double geluTanh(double x)
{
    return 0.5 * x * (1 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}
double quickGelu(double x)
{
    return x / (1 + std::exp(-1.702 * x));
}

} // namespace

class TestOpsElementwise : public QObject
{
    Q_OBJECT
private slots:
    void init() { cpuOptions().fastMath = true; }
    void cleanupTestCase() { cpuOptions().fastMath = true; }

    void binaryBroadcast_data()
    {
        QTest::addColumn<bool>("simd");
        QTest::newRow("simd") << true;
        QTest::newRow("scalar") << false;
    }
    void binaryBroadcast()
    {
        QFETCH(bool, simd);
        cpuOptions().fastMath = simd;
        std::mt19937 rng(1);
        const Tensor a = strided(randomTensor(rng, {3, 5, 7}), {2, 0, 1}); // non-contiguous
        const Tensor b = randomTensor(rng, {5, 1});                        // broadcasts over dims 0 and 2
        for (Op op : {Op::Add, Op::Sub, Op::Mul}) {
            Tensor out = Tensor::empty(DType::F32, {3, 5, 7});
            cpu::binary(op, out, a, b);
            std::vector<double> ref;
            forEachIndex(out.shape(), [&](const Shape& i) {
                const double x = at(a, i), y = at(b, {i[1], 0});
                ref.push_back(op == Op::Add ? x + y : op == Op::Sub ? x - y : x * y);
            });
            QVERIFY(worst(out, ref, 1e-6, 1e-6) <= 1);
        }
        // Broadcasting the other operand, and a full-rank one.
        const Tensor c = randomTensor(rng, {7});
        Tensor out = Tensor::empty(DType::F32, {3, 5, 7});
        cpu::binary(Op::Add, out, c, a);
        std::vector<double> ref;
        forEachIndex(out.shape(), [&](const Shape& i) { ref.push_back(at(c, {i[2]}) + at(a, i)); });
        QVERIFY(worst(out, ref, 1e-6, 1e-6) <= 1);
    }

    void activations_data()
    {
        QTest::addColumn<bool>("simd");
        QTest::newRow("simd") << true;
        QTest::newRow("scalar") << false;
    }
    void activations()
    {
        QFETCH(bool, simd);
        cpuOptions().fastMath = simd;
        std::mt19937 rng(2);
        const Tensor x = strided(randomTensor(rng, {13, 37}, -9.f, 9.f), {1, 0}); // odd, tail lanes, strided
        struct Case
        {
            Activation act;
            double (*ref)(double);
        };
        const Case cases[] = {
            {Activation::GeluErf, geluErf},
            {Activation::GeluTanh, geluTanh},
            {Activation::QuickGelu, quickGelu},
            {Activation::Relu, [](double v) { return v > 0 ? v : 0.0; }},
            {Activation::Silu, [](double v) { return v / (1 + std::exp(-v)); }},
            {Activation::Tanh, [](double v) { return std::tanh(v); }},
            {Activation::Sigmoid, [](double v) { return 1 / (1 + std::exp(-v)); }},
        };
        for (const Case& c : cases) {
            Tensor out = Tensor::empty(DType::F32, x.shape());
            cpu::activation(out, x, c.act);
            std::vector<double> ref;
            forEachIndex(x.shape(), [&](const Shape& i) { ref.push_back(c.ref(at(x, i))); });
            const double w = worst(out, ref, 1e-6, 1e-5);
            QVERIFY2(w <= 1, qPrintable(QString("%1: %2").arg(activationName(c.act)).arg(w)));
        }
        QCOMPARE(activationFromName("gelu_pytorch_tanh"), Activation::GeluTanh);
        QCOMPARE(activationFromName("quick_gelu"), Activation::QuickGelu);
    }

    void softmaxWithScale_data()
    {
        QTest::addColumn<bool>("simd");
        QTest::newRow("simd") << true;
        QTest::newRow("scalar") << false;
    }
    void softmaxWithScale()
    {
        QFETCH(bool, simd);
        cpuOptions().fastMath = simd;
        std::mt19937 rng(3);
        const Tensor x = strided(randomTensor(rng, {2, 3, 19}, -30.f, 30.f), {2, 1, 0});
        const double scale = 0.125;
        Tensor out = Tensor::empty(DType::F32, x.shape());
        cpu::softmax(out, x, float(scale));
        std::vector<double> ref;
        forEachIndex(x.shape(), [&](const Shape& i) {
            double mx = -INFINITY, sum = 0;
            for (int64_t k = 0; k < 19; ++k)
                mx = std::max(mx, at(x, {i[0], i[1], k}) * scale);
            for (int64_t k = 0; k < 19; ++k)
                sum += std::exp(at(x, {i[0], i[1], k}) * scale - mx);
            ref.push_back(std::exp(at(x, i) * scale - mx) / sum);
        });
        QVERIFY(worst(out, ref, 1e-7, 1e-5) <= 1);
        // Rows sum to one even with huge inputs (max subtraction).
        Tensor big = Tensor::fromF32({1, 3}, std::vector<float>{1e4f, 1e4f, -1e4f});
        Tensor o2 = Tensor::empty(DType::F32, {1, 3});
        cpu::softmax(o2, big, 1.f);
        QCOMPARE(o2.toF32Vector(), (std::vector<float>{0.5f, 0.5f, 0.f}));
    }

    void layerNorm()
    {
        std::mt19937 rng(4);
        const Tensor x = strided(randomTensor(rng, {5, 77}, -3.f, 5.f), {1, 0});
        const Tensor w = randomTensor(rng, {77}), b = randomTensor(rng, {77});
        const double eps = 1e-6;
        Tensor out = Tensor::empty(DType::F32, x.shape());
        cpu::layerNorm(out, x, w, b, float(eps));
        std::vector<double> ref;
        for (int64_t r = 0; r < 5; ++r) {
            double mean = 0, var = 0;
            for (int64_t i = 0; i < 77; ++i)
                mean += at(x, {r, i}) / 77;
            for (int64_t i = 0; i < 77; ++i)
                var += (at(x, {r, i}) - mean) * (at(x, {r, i}) - mean) / 77;
            for (int64_t i = 0; i < 77; ++i)
                ref.push_back((at(x, {r, i}) - mean) / std::sqrt(var + eps) * at(w, {i}) + at(b, {i}));
        }
        QVERIFY(worst(out, ref, 1e-5, 1e-5) <= 1);
    }

    void copyAndConcat()
    {
        std::mt19937 rng(5);
        const Tensor a = strided(randomTensor(rng, {2, 3, 5}), {1, 2, 0});
        const Tensor b = randomTensor(rng, {2, 4, 5}).slice(1, 0, 4, 1);
        Tensor out = Tensor::empty(DType::F32, {2, 7, 5});
        cpu::concat(out, a, b, 1);
        std::vector<double> ref;
        forEachIndex(out.shape(), [&](const Shape& i) {
            ref.push_back(i[1] < 3 ? at(a, i) : at(b, {i[0], i[1] - 3, i[2]}));
        });
        QVERIFY(worst(out, ref, 1e-30, 0) <= 1); // exact copies
        // A broadcast (stride 0) source, as ViT's CLS token is expanded over the batch.
        const Tensor row = randomTensor(rng, {1, 1, 5});
        const Tensor expanded = Tensor::strided(row.data(), DType::F32, {3, 1, 5}, {0, 5, 1});
        Tensor o2 = Tensor::empty(DType::F32, {3, 1, 5});
        cpu::copy(o2, expanded);
        for (int64_t k = 0; k < 3; ++k)
            for (int64_t j = 0; j < 5; ++j)
                QCOMPARE(o2.itemF32({k, 0, j}), row.itemF32({0, 0, j}));
    }

    void tensorViews()
    {
        std::mt19937 rng(6);
        const Tensor t = randomTensor(rng, {4, 6});
        const Tensor tt = t.transpose(0, 1);
        QVERIFY(!tt.isContiguous());
        QCOMPARE(tt.data(), t.data()); // a view, no copy
        QCOMPARE(tt.itemF32({5, 2}), t.itemF32({2, 5}));
        const Tensor s = t.slice(1, 1, 6, 2);
        QCOMPARE(s.shape(), (Shape{4, 3}));
        QCOMPARE(s.itemF32({3, 2}), t.itemF32({3, 5}));
        QCOMPARE(t.select(0, 2).itemF32({4}), t.itemF32({2, 4}));
        QCOMPARE(t.reshape({2, -1}).shape(), (Shape{2, 12}));
        QVERIFY_THROWS_EXCEPTION(Error, tt.reshape({24}));
        QCOMPARE(tt.contiguous().reshape({24}).itemF32({1}), t.itemF32({1, 0}));
        // dtype round trips through f16 and bf16 stay close
        const Tensor h = t.to(DType::F16).to(DType::F32), bf = t.to(DType::BF16).to(DType::F32);
        for (int64_t i = 0; i < t.numel(); ++i) {
            QVERIFY(std::fabs(h.ptr<float>()[i] - t.ptr<float>()[i]) <= 2e-3f);
            QVERIFY(std::fabs(bf.ptr<float>()[i] - t.ptr<float>()[i]) <= 1.6e-2f);
        }
        QCOMPARE(t.to(DType::I64).dtype(), DType::I64);
        QVERIFY(!Tensor().defined());
        QVERIFY_THROWS_EXCEPTION(Error, Tensor().toF32Vector());
        QVERIFY_THROWS_EXCEPTION(Error, Tensor().clone());
    }
};

QTEST_GUILESS_MAIN(TestOpsElementwise)
#include "tst_ops_elementwise.moc"
