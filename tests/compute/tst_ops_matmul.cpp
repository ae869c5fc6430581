// SPDX-License-Identifier: MIT
// GEMM kernels (oneDNN, blocked, naive) and the linear / batched matmul ops against a double-precision
// reference: odd sizes, transposed and strided operands, broadcast batches, fused epilogues.
#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/cpu_options.h"
#include "op_reference.h"

#include <QTest>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

enum Kernel { OneDnn, Blocked, Naive };

void select(Kernel k)
{
    cpuOptions().useOneDnn = k == OneDnn;
    cpuOptions().naiveGemm = k == Naive;
}

double actRef(Activation a, double x)
{
    return double(activationScalar(a, float(x))); // the scalar definitions are checked in tst_ops_elementwise
}

} // namespace

class TestOpsMatmul : public QObject
{
    Q_OBJECT
private slots:
    void cleanup() { cpuOptions() = CpuOptions{}; }

    void linear_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("M");
        QTest::addColumn<int>("N");
        QTest::addColumn<int>("K");
        for (int k : {OneDnn, Blocked, Naive}) {
            const char* name = k == OneDnn ? "onednn" : k == Blocked ? "blocked" : "naive";
            QTest::addRow("%s 1x1x1", name) << k << 1 << 1 << 1;
            QTest::addRow("%s 17x33x65", name) << k << 17 << 33 << 65;
            QTest::addRow("%s 197x96x300", name) << k << 197 << 96 << 300; // panels with remainders
            QTest::addRow("%s 5x600x7", name) << k << 5 << 600 << 7;
        }
    }
    void linear()
    {
        QFETCH(int, kernel);
        QFETCH(int, M);
        QFETCH(int, N);
        QFETCH(int, K);
        select(Kernel(kernel));
        std::mt19937 rng(uint32_t(M * 131 + N * 7 + K));
        const Tensor x = randomTensor(rng, {M, K}, -1, 1);
        const Tensor w = randomTensor(rng, {N, K}, -1, 1);
        const Tensor b = randomTensor(rng, {N}, -1, 1);
        const Tensor r = randomTensor(rng, {M, N}, -1, 1);
        for (Activation act :
             {Activation::None, Activation::GeluErf, Activation::GeluTanh, Activation::QuickGelu}) {
            for (int variant = 0; variant < 3; ++variant) {
                const bool withBias = variant >= 1, withRes = variant == 2 && act == Activation::None;
                Tensor out = Tensor::empty(DType::F32, {M, N});
                cpu::linear(out, x, w, withBias ? &b : nullptr, act, withRes ? &r : nullptr);
                std::vector<double> ref;
                for (int m = 0; m < M; ++m)
                    for (int n = 0; n < N; ++n) {
                        double acc = withBias ? at(b, {n}) : 0;
                        for (int k = 0; k < K; ++k)
                            acc += at(x, {m, k}) * at(w, {n, k});
                        acc = actRef(act, acc);
                        ref.push_back(acc + (withRes ? at(r, {m, n}) : 0));
                    }
                const double err = worst(out, ref, 1e-5 * std::sqrt(double(K)), 1e-5);
                QVERIFY2(
                    err <= 1,
                    qPrintable(
                        QString("act %1 variant %2: %3").arg(activationName(act)).arg(variant).arg(err)));
            }
        }
    }

    void linearOnStridedViews()
    {
        std::mt19937 rng(11);
        // x is a strided row slice of a wider matrix; w is a transposed view of a [K, N] matrix.
        const Tensor wide = randomTensor(rng, {9, 40});
        const Tensor x = wide.slice(1, 3, 3 + 21); // [9, 21], row stride 40
        const Tensor wT = randomTensor(rng, {21, 13});
        const Tensor w = wT.transpose(0, 1); // [13, 21], non-contiguous
        for (Kernel k : {OneDnn, Blocked, Naive}) {
            select(k);
            Tensor out = Tensor::empty(DType::F32, {9, 13});
            cpu::linear(out, x, w, nullptr, Activation::None, nullptr);
            std::vector<double> ref;
            for (int m = 0; m < 9; ++m)
                for (int n = 0; n < 13; ++n) {
                    double acc = 0;
                    for (int kk = 0; kk < 21; ++kk)
                        acc += at(x, {m, kk}) * at(w, {n, kk});
                    ref.push_back(acc);
                }
            QVERIFY(worst(out, ref, 1e-5, 1e-5) <= 1);
        }
    }

    void batchedAttentionLayout()
    {
        // Q, K, V as [B, H, N, d] views of packed [B, N, H*d] projections, as ViT's graph uses them;
        // sizes on both sides of oneDNN's reference-kernel fallback.
        for (auto [B, H, N, d] :
             {std::array<int64_t, 4>{1, 4, 17, 12}, std::array<int64_t, 4>{2, 3, 50, 64}}) {
            std::mt19937 rng{uint32_t(N)};
            const int64_t D = H * d;
            const Tensor q = randomTensor(rng, {B, N, D}), k = randomTensor(rng, {B, N, D});
            const Tensor qh = Tensor::strided(q.data(), DType::F32, {B, H, N, d}, {N * D, d, D, 1});
            const Tensor kt = Tensor::strided(k.data(), DType::F32, {B, H, d, N}, {N * D, d, 1, D});
            std::vector<double> ref;
            forEachIndex({B, H, N, N}, [&](const Shape& i) {
                double acc = 0;
                for (int64_t c = 0; c < d; ++c)
                    acc += at(qh, {i[0], i[1], i[2], c}) * at(kt, {i[0], i[1], c, i[3]});
                ref.push_back(acc);
            });
            for (Kernel kern : {OneDnn, Blocked, Naive}) {
                select(kern);
                Tensor out = Tensor::empty(DType::F32, {B, H, N, N});
                cpu::matmul(out, qh, kt);
                QVERIFY2(worst(out, ref, 1e-4, 1e-5) <= 1,
                         qPrintable(QString("kernel %1 N %2").arg(int(kern)).arg(N)));
            }
        }
    }

    void batchBroadcast()
    {
        std::mt19937 rng(12);
        const Tensor a = randomTensor(rng, {3, 2, 5, 7});
        const Tensor b = randomTensor(rng, {1, 2, 7, 4}); // broadcast over the first batch dim
        for (Kernel kern : {OneDnn, Blocked, Naive}) {
            select(kern);
            Tensor out = Tensor::empty(DType::F32, {3, 2, 5, 4});
            cpu::matmul(out, a, b);
            std::vector<double> ref;
            forEachIndex(out.shape(), [&](const Shape& i) {
                double acc = 0;
                for (int64_t c = 0; c < 7; ++c)
                    acc += at(a, {i[0], i[1], i[2], c}) * at(b, {0, i[1], c, i[3]});
                ref.push_back(acc);
            });
            QVERIFY(worst(out, ref, 1e-5, 1e-5) <= 1);
        }
    }

    void packedWeights()
    {
        std::mt19937 rng(14);
        const Tensor x = randomTensor(rng, {37, 96}), w = randomTensor(rng, {80, 96}),
                     b = randomTensor(rng, {80});
        const Tensor r = randomTensor(rng, {37, 80});
        select(OneDnn);
        auto packed = packLinearWeight(w.ptr<float>(), 80, 96, 96);
        QVERIFY(packed); // oneDNN is on by default and has a packed kernel for f32 on x86-64
        QCOMPARE(packed->rows(), int64_t(80));
        std::vector<float> back(80 * 96);
        packed->unpack(back.data());
        QCOMPARE(back, w.toF32Vector()); // a pure reordering
        Tensor plainOut = Tensor::empty(DType::F32, {37, 80});
        cpu::linear(plainOut, x, w, &b, Activation::None, &r);
        std::vector<double> ref;
        for (float v : plainOut.toF32Vector())
            ref.push_back(v);
        for (Kernel k : {OneDnn, Blocked, Naive}) { // the others unpack
            select(k);
            Tensor out = Tensor::empty(DType::F32, {37, 80});
            cpu::linear(out, x, Tensor(), &b, Activation::None, &r, packed.get());
            QVERIFY(worst(out, ref, 1e-4, 1e-5) <= 1);
        }
        cpuOptions().useOneDnn = false;
        QVERIFY(!packLinearWeight(w.ptr<float>(), 80, 96, 96));
    }

    void unfusedEpilogueMatchesFused()
    {
        std::mt19937 rng(13);
        const Tensor x = randomTensor(rng, {31, 64}), w = randomTensor(rng, {48, 64}),
                     b = randomTensor(rng, {48});
        Tensor fused = Tensor::empty(DType::F32, {31, 48}), plain = Tensor::empty(DType::F32, {31, 48});
        cpu::linear(fused, x, w, &b, Activation::GeluErf, nullptr);
        cpuOptions().fusion = false;
        cpu::linear(plain, x, w, &b, Activation::GeluErf, nullptr);
        std::vector<double> ref;
        for (float v : plain.toF32Vector())
            ref.push_back(v);
        QVERIFY(worst(fused, ref, 1e-4, 1e-4) <= 1);
    }
};

QTEST_GUILESS_MAIN(TestOpsMatmul)
#include "tst_ops_matmul.moc"
