// SPDX-License-Identifier: MIT
// The CUDA backend's host-side logic, checked where there is no GPU: the layout folding of strided
// kernels, the error kinds, the mapping of strided products onto cuBLAS calls (run on the host with
// cuBLAS's semantics), the kernels' per-element and per-thread code through their host twins against
// the CPU backend, cuBLAS binding by name, the pool's size classes. GPU runs are in tst_cuda_backend.
#include "backend_compare.h"
#include "common/testsupport.h"
#include "compute/backend/device_error.h"
#include "compute/error.h"
#include "op_reference.h"
#if LOUPE_HAVE_CUDA
#include "compute/autograd/backward.h"
#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/constant_cache.h"
#include "compute/backend/cuda/cublas.h"
#include "compute/backend/cuda/device.h"
#include "compute/backend/cuda/dtensor.h"
#include "compute/backend/cuda/gemm_plan.h"
#include "compute/backend/cuda/memory.h"
#endif

#include <QTest>
#include <algorithm>
#include <cmath>
#include <limits>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

#if LOUPE_HAVE_CUDA
constexpr Bound kF32Exact{1e-6, 1e-6};
constexpr Bound kF32Reduction{1e-4, 1e-4};

// One planned cuBLAS call run on the host with cuBLAS's documented column-major semantics:
// C[i + j ldc] = sum_l op(first)[i, l] op(second)[l, j], op N reading X[r + c ld], op T reading X[c + r ld].
// Fails the test when a leading dimension is one cuBLAS would refuse.
void emulate(const cuda::BlasCall& c, const float* first, const float* second, float* out)
{
    QVERIFY(c.ldFirst >= std::max<int64_t>(1, c.opFirst == CUBLAS_OP_N ? c.m : c.k));
    QVERIFY(c.ldSecond >= std::max<int64_t>(1, c.opSecond == CUBLAS_OP_N ? c.k : c.n));
    QVERIFY(c.ldc >= std::max<int64_t>(1, c.m));
    for (int64_t p = 0; p < c.batch; ++p) {
        const float* A = first + c.offFirst + p * c.strideFirst;
        const float* B = second + c.offSecond + p * c.strideSecond;
        float* C = out + c.offC + p * c.strideC;
        for (int64_t i = 0; i < c.m; ++i)
            for (int64_t j = 0; j < c.n; ++j) {
                double acc = 0;
                for (int64_t l = 0; l < c.k; ++l) {
                    const float a = c.opFirst == CUBLAS_OP_N ? A[i + l * c.ldFirst] : A[l + i * c.ldFirst];
                    const float b = c.opSecond == CUBLAS_OP_N ? B[l + j * c.ldSecond] : B[j + l * c.ldSecond];
                    acc += double(a) * double(b);
                }
                C[i + j * c.ldc] = float(acc);
            }
    }
}

cuda::DTensor hostView(const Tensor& t)
{
    return {t.ptr<float>(), t.shape(), t.strides()};
}
#endif

} // namespace

class TestCudaHost : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
#if !LOUPE_HAVE_CUDA
        QSKIP("the CUDA backend is not built here (LOUPE_WITH_CUDA=OFF or no toolkit)");
#endif
    }

#if LOUPE_HAVE_CUDA
    // The strided kernels walk a folded layout: packed tensors become one dim, permutes keep theirs,
    // broadcasts read with stride 0; too many unmergeable dims is a clear error.
    void layoutFolding()
    {
        using cuda::DTensor;
        const Shape s{2, 3, 4, 5};
        const DTensor packed{nullptr, s, contiguousStrides(s)};
        cuda::Layout l = cuda::makeLayout("test", packed, packed);
        QCOMPARE(l.nd, 1);
        QCOMPARE(l.n, int64_t(120));
        QCOMPARE(l.sa[0], int64_t(1));
        // [4, 6] with a [6] bias row: two dims, the bias broadcast along the first.
        const DTensor out{nullptr, {4, 6}, {6, 1}}, bias{nullptr, {6}, {1}};
        l = cuda::makeLayout("test", out, out, &bias);
        QCOMPARE(l.nd, 2);
        QCOMPARE(l.sb[0], int64_t(0));
        QCOMPARE(l.sb[1], int64_t(1));
        // A transpose cannot fold.
        const DTensor t{nullptr, {5, 4}, {1, 5}}, o{nullptr, {5, 4}, {4, 1}};
        l = cuda::makeLayout("test", o, t);
        QCOMPARE(l.nd, 2);
        QCOMPARE(l.sa[0], int64_t(1));
        QCOMPARE(l.sa[1], int64_t(5));
        // Nine alternating dims: nothing merges.
        Shape big(9, 2), bigStrides(9), reversed(9);
        for (int i = 0; i < 9; ++i) {
            bigStrides[size_t(i)] = int64_t(1) << (2 * (8 - i)); // gaps between every dim
            reversed[size_t(i)] = int64_t(1) << i;
        }
        QVERIFY_THROWS_EXCEPTION(Error, cuda::makeLayout("test", DTensor{nullptr, big, bigStrides},
                                                         DTensor{nullptr, big, reversed}));
    }

    // CUDA failures are DeviceErrors of the right kind (the scheduler falls back to the CPU on them),
    // with messages that start with "cuda:" and say what happened.
    void failuresAreTyped_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("failure");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("out of memory")
            << int(cudaErrorMemoryAllocation) << int(DeviceFailure::OutOfMemory) << "out of device memory";
        QTest::newRow("launch failure")
            << int(cudaErrorLaunchFailure) << int(DeviceFailure::Lost) << "the device was lost";
        QTest::newRow("illegal address")
            << int(cudaErrorIllegalAddress) << int(DeviceFailure::Lost) << "the device was lost";
        QTest::newRow("old driver") << int(cudaErrorInsufficientDriver) << int(DeviceFailure::NoDriver)
                                    << "no usable CUDA driver";
        QTest::newRow("other") << int(cudaErrorInvalidValue) << int(DeviceFailure::Other) << "CUDA error";
    }
    void failuresAreTyped()
    {
        QFETCH(int, code);
        QFETCH(int, failure);
        QFETCH(QString, phrase);
        try {
            cuda::fail(cudaError_t(code), "softmax");
            QFAIL("fail() returned");
        } catch (const DeviceError& e) {
            QCOMPARE(int(e.failure()), failure);
            const QString m = e.what();
            QVERIFY2(m.startsWith("cuda: softmax: " + phrase), qPrintable(m));
        }
        QVERIFY_THROWS_EXCEPTION(DeviceError, cuda::unsupported("a 9-D view"));
    }

    // The mapping of row-major strided products onto column-major cuBLAS calls (operations, leading
    // dims, batch folding, broadcast batches), checked without a GPU by running the planned calls on the
    // host with cuBLAS's semantics against a plain loop over the views.
    void gemmPlan_data()
    {
        QTest::addColumn<QString>("kind");
        for (const char* k :
             {"scores", "context", "broadcast", "odd2d", "m1", "k1", "n1", "unfoldable", "linear"})
            QTest::newRow(k) << k;
    }
    void gemmPlan()
    {
        QFETCH(QString, kind);
        std::mt19937 rng(59);
        Tensor a, b;
        if (kind == "scores") {
            a = randomTensor(rng, {1, 7, 3, 5}).permute({0, 2, 1, 3}); // q heads [1, 3, 7, 5]
            b = randomTensor(rng, {1, 7, 3, 5}).permute({0, 2, 3, 1}); // k^T [1, 3, 5, 7]
        } else if (kind == "context") {
            a = randomTensor(rng, {1, 3, 7, 7});
            b = randomTensor(rng, {1, 7, 3, 5}).permute({0, 2, 1, 3});
        } else if (kind == "broadcast") {
            a = randomTensor(rng, {3, 1, 6, 5});
            b = randomTensor(rng, {1, 4, 5, 7});
        } else if (kind == "odd2d") {
            a = randomTensor(rng, {33, 17});
            b = randomTensor(rng, {65, 17}).permute({1, 0});
        } else if (kind == "m1") {
            a = randomTensor(rng, {1, 5});
            b = randomTensor(rng, {5, 4});
        } else if (kind == "k1") {
            a = randomTensor(rng, {4, 1});
            b = randomTensor(rng, {1, 3});
        } else if (kind == "n1") {
            a = randomTensor(rng, {2, 6, 5});
            b = randomTensor(rng, {2, 1, 5}).permute({0, 2, 1});
        } else if (kind == "unfoldable") {
            a = randomTensor(rng, {2, 3, 4, 5}).permute({1, 0, 2, 3}); // batch strides (20, 60)
            b = randomTensor(rng, {3, 2, 5, 6});
        } else {
            a = randomTensor(rng, {7, 5});
            b = randomTensor(rng, {13, 5}).permute({1, 0}); // W^T of a [13, 5] weight
        }
        const size_t nd = size_t(a.dim());
        Shape outShape(a.shape().begin(), a.shape().end() - 2);
        for (size_t i = 0; i + 2 < nd; ++i)
            outShape[i] = std::max(a.shape()[i], b.shape()[i]);
        outShape.push_back(a.shape()[nd - 2]);
        outShape.push_back(b.shape()[nd - 1]);
        Tensor out = Tensor::zeros(DType::F32, outShape);
        QVERIFY(cuda::gemmReadable(hostView(a)));
        QVERIFY(cuda::gemmReadable(hostView(b)));
        const cuda::Gemm g = cuda::matmulProblem(hostView(out), hostView(a), hostView(b));
        const std::vector<cuda::BlasCall> calls = cuda::planGemm(g);
        QVERIFY(!calls.empty());
        if (kind == "unfoldable") QCOMPARE(calls.size(), size_t(3));
        if (kind == "scores" || kind == "context") QCOMPARE(calls.size(), size_t(1));
        for (const cuda::BlasCall& c : calls) {
            emulate(c, static_cast<const float*>(g.b), static_cast<const float*>(g.a), g.c);
            if (QTest::currentTestFailed()) return;
        }
        double worstDiff = 0;
        forEachIndex(outShape, [&](const Shape& idx) {
            Shape ia(idx), ib(idx);
            for (size_t i = 0; i + 2 < nd; ++i) {
                if (a.shape()[i] == 1) ia[i] = 0;
                if (b.shape()[i] == 1) ib[i] = 0;
            }
            double ref = 0;
            for (int64_t l = 0; l < a.shape()[nd - 1]; ++l) {
                ia[nd - 1] = l;
                ib[nd - 2] = l;
                ref += at(a, ia) * at(b, ib);
            }
            worstDiff = std::max(worstDiff, std::fabs(ref - at(out, idx)));
        });
        QVERIFY2(worstDiff < 1e-4, qPrintable(QString("largest difference %1").arg(worstDiff)));
    }

    // The elementwise and image kernels' per-element code, run by their host twins, against the CPU
    // backend's kernels: broadcasting, strided views (6-D window partition included), strided output,
    // every activation, the GEMM epilogue, im2col order and torch's bicubic.
    void hostTwinBinaryAndCopy_data()
    {
        QTest::addColumn<QString>("kind");
        for (const char* k : {"row", "both", "strided", "scalar", "windows", "sliceOut"})
            QTest::newRow(k) << k;
    }
    void hostTwinBinaryAndCopy()
    {
        QFETCH(QString, kind);
        std::mt19937 rng(61);
        if (kind == "windows" || kind == "sliceOut") {
            const Tensor x = kind == "windows" ? randomTensor(rng, {1, 28, 28, 8})
                                                     .reshape({1, 2, 14, 2, 14, 8})
                                                     .permute({0, 1, 3, 2, 4, 5})
                                               : randomTensor(rng, {9, 5}).permute({1, 0});
            Tensor bigExpected = Tensor::zeros(DType::F32, {5, 20}),
                   bigGot = Tensor::zeros(DType::F32, {5, 20});
            const Tensor expected =
                kind == "windows" ? Tensor::zeros(DType::F32, x.shape()) : bigExpected.slice(1, 4, 13);
            const Tensor got =
                kind == "windows" ? Tensor::zeros(DType::F32, x.shape()) : bigGot.slice(1, 4, 13);
            cpu::copy(expected, x);
            cuda::hostBinary(cuda::Elementwise::Copy, got.ptr<float>(), x.ptr<float>(), nullptr,
                             cuda::makeLayout("copy", hostView(got), hostView(x)));
            QCOMPARE(worstRatio(kind == "windows" ? got : bigGot, kind == "windows" ? expected : bigExpected,
                                kF32Exact),
                     0.0);
            return;
        }
        Tensor a, b;
        if (kind == "row") {
            a = randomTensor(rng, {2, 5, 7});
            b = randomTensor(rng, {7});
        } else if (kind == "both") {
            a = randomTensor(rng, {4, 1, 5});
            b = randomTensor(rng, {3, 1});
        } else if (kind == "strided") {
            a = randomTensor(rng, {6, 5, 3}).permute({2, 0, 1});
            b = randomTensor(rng, {3, 6, 10}).slice(2, 2, 7);
        } else {
            a = randomTensor(rng, {50, 7});
            b = randomTensor(rng, {1});
        }
        Shape shape(std::max(a.dim(), b.dim()));
        for (size_t i = 0; i < shape.size(); ++i) {
            const int64_t da = int64_t(i) - int64_t(shape.size()) + a.dim(),
                          db = int64_t(i) - int64_t(shape.size()) + b.dim();
            shape[i] = std::max(da >= 0 ? a.shape()[size_t(da)] : 1, db >= 0 ? b.shape()[size_t(db)] : 1);
        }
        for (Op op : {Op::Add, Op::Sub, Op::Mul}) {
            const Tensor expected = Tensor::zeros(DType::F32, shape), got = Tensor::zeros(DType::F32, shape);
            cpu::binary(op, expected, a, b);
            const auto e = op == Op::Add   ? cuda::Elementwise::Add
                           : op == Op::Sub ? cuda::Elementwise::Sub
                                           : cuda::Elementwise::Mul;
            const cuda::DTensor db = hostView(b);
            cuda::hostBinary(e, got.ptr<float>(), a.ptr<float>(), b.ptr<float>(),
                             cuda::makeLayout("binary", hostView(got), hostView(a), &db));
            QCOMPARE(worstRatio(got, expected, kF32Exact), 0.0);
        }
    }

    void hostTwinActivationAndEpilogue()
    {
        std::mt19937 rng(67);
        const Tensor x = randomTensor(rng, {7, 3, 5}, -6.f, 6.f).permute({2, 0, 1});
        const Tensor c0 = randomTensor(rng, {6, 10}, -4.f, 4.f), bias = randomTensor(rng, {10}),
                     res = randomTensor(rng, {6, 10});
        for (Activation act :
             {Activation::None, Activation::GeluErf, Activation::GeluTanh, Activation::QuickGelu,
              Activation::Relu, Activation::Silu, Activation::Tanh, Activation::Sigmoid}) {
            const Tensor expected = Tensor::zeros(DType::F32, x.shape()),
                         got = Tensor::zeros(DType::F32, x.shape());
            cpu::activation(expected, x, act);
            cuda::hostActivation(int(act), got.ptr<float>(), x.ptr<float>(),
                                 cuda::makeLayout("act", hostView(got), hostView(x)));
            QVERIFY2(worstRatio(got, expected, {2e-6, 2e-5}) <= 1.0, activationName(act));
            // Epilogue: act(c + bias) + residual.
            Tensor got2 = c0.clone();
            cuda::hostEpilogue(got2.ptr<float>(), 6, 10, bias.ptr<float>(), int(act), res.ptr<float>());
            Tensor expected2 = Tensor::zeros(DType::F32, {6, 10});
            for (int64_t i = 0; i < 60; ++i)
                expected2.ptr<float>()[i] =
                    activationScalar(act, c0.ptr<float>()[i] + bias.ptr<float>()[i % 10]) +
                    res.ptr<float>()[i];
            QVERIFY2(worstRatio(got2, expected2, {2e-6, 2e-5}) <= 1.0, activationName(act));
        }
    }

    // Softmax (scale, a half-masked row, a one-hot row) and LayerNorm per row, as the row kernels split
    // the work over 256 threads, against the CPU backend.
    void hostTwinRows()
    {
        std::mt19937 rng(83);
        for (const int64_t d : {int64_t(7), int64_t(197), int64_t(577), int64_t(768)}) {
            Tensor x = randomTensor(rng, {3, d}, -20.f, 20.f);
            for (int64_t j = d / 2; j < d; ++j)
                x.ptr<float>()[j] = -INFINITY; // row 0 half masked
            for (int64_t j = 0; j < d; ++j)
                if (j != d / 3) x.ptr<float>()[2 * d + j] = -INFINITY; // row 2 one-hot (a fully masked row
            // is left out: the CPU's vector exp does not give 0 for -inf, as in tst_backend_ops)
            const Tensor expected = Tensor::zeros(DType::F32, {3, d}),
                         got = Tensor::zeros(DType::F32, {3, d});
            cpu::softmax(expected, x, 0.125f);
            cuda::hostSoftmax(got.ptr<float>(), x.ptr<float>(), 3, d, 0.125f);
            QVERIFY2(worstRatio(got, expected, kF32Reduction) <= 1.0,
                     qPrintable(QString("softmax d=%1").arg(d)));
            const Tensor y = randomTensor(rng, {5, d}, -3.f, 5.f), w = randomTensor(rng, {d}, 0.5f, 1.5f),
                         b = randomTensor(rng, {d});
            const Tensor expectedLn = Tensor::zeros(DType::F32, {5, d}),
                         gotLn = Tensor::zeros(DType::F32, {5, d});
            cpu::layerNorm(expectedLn, y, w, b, 1e-5f);
            cuda::hostLayerNorm(gotLn.ptr<float>(), y.ptr<float>(), w.ptr<float>(), b.ptr<float>(), 5, d,
                                1e-5f);
            QVERIFY2(worstRatio(gotLn, expectedLn, kF32Reduction) <= 1.0,
                     qPrintable(QString("layer norm d=%1").arg(d)));
        }
    }

    void hostTwinIm2colAndBicubic()
    {
        std::mt19937 rng(71);
        const int64_t B = 2, C = 3, H = 32, W = 50, P = 16, gh = H / P, gw = W / P, K = C * P * P;
        const Tensor px = randomTensor(rng, {B, C, H, W});
        Tensor cols = Tensor::zeros(DType::F32, {B * gh * gw, K});
        cuda::hostIm2col(cols.ptr<float>(), px.ptr<float>(), B, C, H, W, P);
        double worstDiff = 0;
        forEachIndex({B, gh, gw, C, P, P}, [&](const Shape& i) {
            const double want = at(px, {i[0], i[3], i[1] * P + i[4], i[2] * P + i[5]});
            const double got = at(cols, {(i[0] * gh + i[1]) * gw + i[2], (i[3] * P + i[4]) * P + i[5]});
            worstDiff = std::max(worstDiff, std::fabs(want - got));
        });
        QCOMPARE(worstDiff, 0.0);
        for (const bool up : {true, false}) {
            const Tensor x = up ? randomTensor(rng, {1, 32, 14, 14}) : randomTensor(rng, {2, 3, 9, 11});
            const int64_t OH = up ? 24 : 4, OW = up ? 20 : 5;
            const double sH = up ? 24.1 / 14 : 0, sW = up ? 20.1 / 14 : 0;
            const Tensor expected = Tensor::zeros(DType::F32, {x.size(0), x.size(1), OH, OW});
            const Tensor got = Tensor::zeros(DType::F32, {x.size(0), x.size(1), OH, OW});
            cpu::bicubic(expected, x, sH, sW);
            const float sh = sH > 0 ? float(1.0 / sH) : float(x.size(2)) / float(OH);
            const float sw = sW > 0 ? float(1.0 / sW) : float(x.size(3)) / float(OW);
            cuda::hostBicubic(got.ptr<float>(), x.ptr<float>(), x.size(0) * x.size(1), x.size(2), x.size(3),
                              OH, OW, sh, sw);
            QVERIFY(worstRatio(got, expected, {1e-5, 1e-5}) <= 1.0);
        }
    }

    // The fused attention kernel's tile loop (K/V tiles, online softmax, four lanes per query row) run
    // by its host twin against the CPU reference: tiles of 1 to 64 keys, N not a multiple of the tile,
    // strided q/k/v, broadcast biases with -inf entries (a whole tile masked for some rows), head dims
    // from 5 to 128 and Dv != D. A row whose bias is -inf everywhere gives NaN.
    void hostTwinAttention_data()
    {
        QTest::addColumn<int>("tile");
        QTest::addColumn<QString>("kind");
        for (int tile : {1, 7, 16, 32, 64})
            for (const char* kind : {"vit", "strided", "masked", "wide"})
                QTest::newRow(qPrintable(QString("%1 tile %2").arg(kind).arg(tile))) << tile << kind;
    }
    void hostTwinAttention()
    {
        QFETCH(int, tile);
        QFETCH(QString, kind);
        std::mt19937 rng(97);
        int64_t B = 2, H = 3, M = 37, N = 50, D = 64, Dv = 64;
        if (kind == "strided") {
            B = 1, H = 2, M = 33, N = 45, D = 5, Dv = 7;
        } else if (kind == "wide") {
            B = 1, H = 1, M = 9, N = 70, D = 128, Dv = 96;
        }
        Tensor q, k, v, bias;
        if (kind == "strided") {
            // As a fused qkv projection: [B, M, H, D] storage seen as [B, H, M, D]; k, v transposed views.
            q = randomTensor(rng, {B, M, H, D}).permute({0, 2, 1, 3});
            k = randomTensor(rng, {B, H, D, N}).permute({0, 1, 3, 2});
            v = strided(randomTensor(rng, {B, H, N, Dv}), {3, 2, 1, 0});
            bias = randomTensor(rng, {H, 1, N}); // broadcast over batch and query rows
        } else {
            q = randomTensor(rng, {B, H, M, D});
            k = randomTensor(rng, {B, H, N, D});
            v = randomTensor(rng, {B, H, N, Dv});
            if (kind == "masked") {
                bias = randomTensor(rng, {M, N});
                for (int64_t m = 0; m < M; m += 3)
                    for (int64_t n = 0; n < std::min<int64_t>(N, 40); ++n)
                        bias.ptr<float>()[m * N + n] = -INFINITY; // leading tiles fully masked
                for (int64_t n = 0; n < N; ++n)
                    bias.ptr<float>()[1 * N + n] = -INFINITY; // row 1: nothing to attend to
            }
        }
        const float scale = 1.f / std::sqrt(float(D));
        const Tensor* bp = bias.numel() ? &bias : nullptr;
        const Tensor expected = Tensor::zeros(DType::F32, {B, H, M, Dv}),
                     got = Tensor::zeros(DType::F32, {B, H, M, Dv});
        cpu::attention(expected, q, k, v, bp, scale);
        cuda::AttentionShape s;
        s.B = B, s.H = H, s.M = M, s.N = N, s.D = D, s.Dv = Dv, s.scale = scale;
        for (int i = 0; i < 4; ++i) {
            s.sq[i] = q.strides()[size_t(i)];
            s.sk[i] = k.strides()[size_t(i)];
            s.sv[i] = v.strides()[size_t(i)];
        }
        if (bp) {
            const size_t lead = 4 - bias.shape().size();
            for (size_t i = 0; i < bias.shape().size(); ++i)
                s.sbias[lead + i] = bias.shape()[i] == 1 ? 0 : bias.strides()[i];
        }
        cuda::hostAttention(got.ptr<float>(), q.ptr<float>(), k.ptr<float>(), v.ptr<float>(),
                            bp ? bias.ptr<float>() : nullptr, s, tile);
        if (kind == "masked") {
            // Row 1 is masked everywhere: NaN (0 / 0), as a softmax over nothing; the CPU reference's
            // vectorised exp need not give 0 for -inf, so that row is left out of the comparison.
            for (int64_t b = 0; b < B; ++b)
                for (int64_t h = 0; h < H; ++h)
                    for (int64_t d = 0; d < Dv; ++d) {
                        const int64_t i = ((b * H + h) * M + 1) * Dv + d;
                        QVERIFY(std::isnan(got.ptr<float>()[i]));
                        got.ptr<float>()[i] = expected.ptr<float>()[i] = 0.f;
                    }
        }
        QVERIFY2(worstRatio(got, expected, {1e-5, 1e-4}) <= 1.0, qPrintable(kind));
    }

    // The backward row kernels' per-thread shares (256 threads, reductions in order) against the CPU's
    // backward kernels: softmax with a scale, LayerNorm with and without a weight.
    void hostTwinBackwardRows()
    {
        std::mt19937 rng(101);
        for (const int64_t d : {int64_t(7), int64_t(197), int64_t(768)}) {
            const int64_t rows = 5;
            Tensor y = Tensor::zeros(DType::F32, {rows, d});
            cpu::softmax(y, randomTensor(rng, {rows, d}, -4.f, 4.f), 1.f);
            const Tensor gy = randomTensor(rng, {rows, d});
            Tensor expected = Tensor::zeros(DType::F32, {rows, d}),
                   got = Tensor::zeros(DType::F32, {rows, d});
            cpu::softmaxGrad(expected, y, gy, 0.125f);
            cuda::hostSoftmaxGrad(got.ptr<float>(), y.ptr<float>(), gy.ptr<float>(), rows, d, 0.125f);
            QVERIFY2(worstRatio(got, expected, {1e-6, 1e-4}) <= 1.0,
                     qPrintable(QString("softmax d=%1").arg(d)));
            const Tensor x = randomTensor(rng, {rows, d}, -3.f, 5.f), w = randomTensor(rng, {d}, 0.5f, 1.5f);
            for (const bool withWeight : {true, false}) {
                const float* wp = withWeight ? w.ptr<float>() : nullptr;
                cpu::layerNormGrad(expected, x, withWeight ? &w : nullptr, gy, 1e-5);
                cuda::hostLayerNormGrad(got.ptr<float>(), x.ptr<float>(), wp, gy.ptr<float>(), rows, d,
                                        1e-5f);
                QVERIFY2(worstRatio(got, expected, {1e-5, 1e-4}) <= 1.0,
                         qPrintable(QString("layer norm d=%1 weight %2").arg(d).arg(withWeight)));
            }
        }
    }

    // Every activation's derivative against the exact one (double) and the CPU's backward kernel, over a
    // range that reaches the saturated tails.
    void hostTwinActGrad()
    {
        std::mt19937 rng(103);
        const int64_t n = 1000;
        const Tensor z = randomTensor(rng, {n}, -9.f, 9.f), gy = randomTensor(rng, {n});
        for (Activation act :
             {Activation::None, Activation::GeluErf, Activation::GeluTanh, Activation::QuickGelu,
              Activation::Relu, Activation::Silu, Activation::Tanh, Activation::Sigmoid}) {
            Tensor expected = Tensor::zeros(DType::F32, {n}), got = Tensor::zeros(DType::F32, {n});
            cpu::actGrad(expected, z, gy, act);
            cuda::hostActGrad(int(act), got.ptr<float>(), z.ptr<float>(), gy.ptr<float>(), n);
            Tensor exact = Tensor::zeros(DType::F32, {n});
            for (int64_t i = 0; i < n; ++i)
                exact.ptr<float>()[i] =
                    float(activationDerivative(act, double(z.ptr<float>()[i])) * double(gy.ptr<float>()[i]));
            const double r = worstRatio(got, exact, {1e-6, 1e-5}),
                         rc = worstRatio(expected, exact, {1e-6, 1e-5});
            QVERIFY2(r <= 1.0,
                     qPrintable(QString("%1: %2 (cpu %3)").arg(activationName(act)).arg(r).arg(rc)));
            // The CPU's vectorised tanh is looser (gelu_tanh's derivative within ~1e-4 of the exact one).
            QVERIFY2(worstRatio(got, expected, {1e-5, 1e-4}) <= 1.0, activationName(act));
        }
    }

    // The bicubic gradient gathered per input pixel against the CPU's scatter (up- and down-sampling,
    // with and without scale factors, planes of one row or column where every tap clamps), and col2im
    // against the CPU's (an image wider than the patch grid).
    void hostTwinBicubicGradAndCol2im()
    {
        std::mt19937 rng(107);
        struct Case
        {
            int64_t planes, H, W, OH, OW;
            double sH, sW;
        };
        for (const Case& c :
             {Case{2, 14, 14, 24, 20, 24.1 / 14, 20.1 / 14}, Case{3, 9, 11, 4, 5, 0, 0},
              Case{1, 1, 6, 3, 13, 0, 0}, Case{2, 7, 2, 16, 1, 0, 0}, Case{1, 32, 32, 7, 9, 0, 0}}) {
            const Tensor gy = randomTensor(rng, {1, c.planes, c.OH, c.OW});
            Tensor expected = Tensor::zeros(DType::F32, {1, c.planes, c.H, c.W}),
                   got = Tensor::zeros(DType::F32, {1, c.planes, c.H, c.W});
            cpu::bicubicGrad(expected, gy, c.sH, c.sW);
            const float sh = c.sH > 0 ? float(1.0 / c.sH) : float(c.H) / float(c.OH);
            const float sw = c.sW > 0 ? float(1.0 / c.sW) : float(c.W) / float(c.OW);
            cuda::hostBicubicGrad(got.ptr<float>(), gy.ptr<float>(), c.planes, c.H, c.W, c.OH, c.OW, sh, sw);
            QVERIFY2(worstRatio(got, expected, {1e-5, 1e-4}) <= 1.0,
                     qPrintable(QString("%1x%2 from %3x%4").arg(c.H).arg(c.W).arg(c.OH).arg(c.OW)));
        }
        const int64_t B = 2, C = 3, H = 32, W = 50, P = 16, K = C * P * P;
        const Tensor cols = randomTensor(rng, {B, (H / P) * (W / P), K});
        Tensor expected = Tensor::zeros(DType::F32, {B, C, H, W}),
               got = randomTensor(rng, {B, C, H, W}); // every pixel written
        cpu::col2im(expected, cols, P);
        cuda::hostCol2im(got.ptr<float>(), cols.ptr<float>(), B, C, H, W, P);
        QCOMPARE(worstRatio(got, expected, kF32Exact), 0.0);
    }

    // SumTo's two walks over x (kept output elements, reduced elements) and the per-output sum, against
    // the CPU's, for packed and strided inputs; Embed as the zero fill plus the strided copy into the
    // placed view, against the CPU's.
    void hostTwinSumToAndEmbed()
    {
        std::mt19937 rng(109);
        struct Case
        {
            Shape x, out;
            bool strided;
        };
        for (const Case& c :
             {Case{{2, 3, 4, 5}, {3, 1, 5}, false}, Case{{2, 3, 4, 5}, {5}, true},
              Case{{2, 3, 4, 5}, {1}, false}, Case{{64, 197, 12}, {12}, false}, Case{{4, 5}, {4, 5}, true},
              Case{{6, 1, 7}, {1, 1, 1}, true}, Case{{40, 7, 30, 3}, {7, 1, 3}, false},
              Case{{40, 7, 30, 3}, {7, 1, 3}, true}}) {
            Tensor x = randomTensor(rng, c.x);
            if (c.strided) {
                std::vector<int64_t> perm(c.x.size());
                for (size_t i = 0; i < perm.size(); ++i)
                    perm[i] = int64_t(perm.size() - 1 - i);
                x = strided(x, perm);
            }
            Tensor expected = Tensor::zeros(DType::F32, c.out), got = Tensor::zeros(DType::F32, c.out);
            cpu::sumTo(expected, x);
            cuda::Layout kept, reduced;
            cuda::sumToLayouts(hostView(x), c.out, kept, reduced);
            // The big reductions to few outputs take the split path (ranges crossing runs of the
            // innermost reduced dim included).
            if (shapeNumel(c.x) / shapeNumel(c.out) >= 1200)
                QVERIFY2(cuda::sumToSplits(kept, reduced) > 1,
                         qPrintable(QString::fromStdString(shapeString(c.x))));
            cuda::hostSumTo(got.ptr<float>(), x.ptr<float>(), kept, reduced);
            QVERIFY2(worstRatio(got, expected, {1e-5, 1e-5}) <= 1.0,
                     qPrintable(QString::fromStdString(shapeString(c.x) + " -> " + shapeString(c.out))));
        }
        try {
            cuda::Layout kept, reduced;
            const Tensor x = Tensor::zeros(DType::F32, {3, 4});
            cuda::sumToLayouts(hostView(x), {2, 4}, kept, reduced);
            QFAIL("a shape that does not reduce was accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("sum_to"), e.what());
        }
        // Zero padding of [2, 3, 4] into [2, 5, 6] one row and column in, from a transposed view.
        const Tensor x = strided(randomTensor(rng, {2, 3, 4}), {2, 1, 0});
        const Shape strides{30, 6, 1};
        Tensor expected = Tensor::zeros(DType::F32, {2, 5, 6}), got = Tensor::zeros(DType::F32, {2, 5, 6});
        cpu::embed(expected, x, strides, 7); // the kernel: this zero fill (cudaMemsetAsync), then the copy
        const cuda::DTensor placed{got.ptr<float>() + 7, x.shape(), strides};
        cuda::hostBinary(cuda::Elementwise::Copy, placed.data, x.ptr<float>(), nullptr,
                         cuda::makeLayout("embed", placed, hostView(x)));
        QCOMPARE(worstRatio(got, expected, kF32Exact), 0.0);
    }

    // cuBLAS opens with dlopen and every function binds by its exported name (this needs the library,
    // not a GPU: it runs after startsWithoutCudaLibraries, which checks it was not opened before).
    void cublasBinds()
    {
        std::string why;
        const cuda::CublasApi* api = cuda::cublas(&why);
        if (!api) QSKIP(qPrintable(QString("cuBLAS is not installed here: %1").arg(why.c_str())));
        QVERIFY(!api->library.empty());
        QVERIFY(api->create && api->destroy && api->setStream && api->setWorkspace && api->setMathMode &&
                api->getVersion && api->gemmEx && api->gemmStridedBatchedEx);
        QVERIFY(std::string(api->statusString(CUBLAS_STATUS_ALLOC_FAILED)).size() > 0);
        try {
            cuda::checkBlas(CUBLAS_STATUS_ALLOC_FAILED, "gemm");
            QFAIL("checkBlas returned");
        } catch (const DeviceError& e) {
            QCOMPARE(e.failure(), DeviceFailure::OutOfMemory);
            QVERIFY2(QString(e.what()).startsWith("cuda: gemm: out of device memory"), e.what());
        }
    }

    // The scheduler places a node on the GPU when supportsOp says so: fused attention and every
    // backward op in f32 (no GPU needed to ask; nothing is created on the device).
    void supportsTheNewOps()
    {
        cuda::CudaDevice device(CudaDeviceInfo{});
        for (Op op : {Op::Attention, Op::SoftmaxGrad, Op::LayerNormGrad, Op::ActGrad, Op::BicubicGrad,
                      Op::Col2Im, Op::SumTo, Op::Embed}) {
            Node n;
            n.op = op;
            n.shape = {2, 3, 4, 5};
            QVERIFY2(device.supportsOp(n), opName(op));
            n.dtype = DType::F16;
            QVERIFY2(!device.supportsOp(n), opName(op));
        }
    }

    // The device's constant cache keeps an entry only while its host memory lives: the constants of a
    // graph built for each run leave with it (the cache stays at the live ones however many builds
    // there are), a new tensor at a reused key is not served the old copy, dropped entries free their
    // device memory, and untracked (owner-less) memory stays until cleared.
    void constantCachePolicy()
    {
        auto freed = std::make_shared<int>(0);
        struct Value
        {
            int id = 0;
            std::shared_ptr<int> freed;
            Value(int i, std::shared_ptr<int> f) : id(i), freed(std::move(f)) {}
            Value(Value&& o) noexcept : id(o.id), freed(std::move(o.freed)) {}
            Value& operator=(Value&& o) noexcept
            {
                release();
                id = o.id;
                freed = std::move(o.freed);
                return *this;
            }
            ~Value() { release(); }
            void release()
            {
                if (freed) ++*freed;
                freed.reset();
            }
        };
        cuda::ConstantCache<Value> cache;
        const Tensor model = Tensor::zeros(DType::F32, {4}); // a model's weight, alive throughout
        cache.insert("model", model.owner(), Value(1, freed));
        for (int build = 0; build < 100; ++build) {
            const Tensor mask = Tensor::zeros(DType::F32, {8}); // a constant made by this build
            cache.insert("mask" + std::to_string(build), mask.owner(), Value(100 + build, freed));
            QVERIFY(cache.find("mask" + std::to_string(build)));
            QVERIFY(cache.size() <= 3); // the model's weight, this build's mask, the last build's at most
        }
        QCOMPARE(cache.sweep(), size_t(1));
        QCOMPARE(cache.size(), size_t(1));
        QCOMPARE(*freed, 100);
        QVERIFY(cache.find("model") && cache.find("model")->id == 1);

        {
            const Tensor a = Tensor::zeros(DType::F32, {2});
            cache.insert("reused", a.owner(), Value(7, freed));
        }
        QVERIFY(!cache.find("reused")); // its memory went: the key may now name other memory
        QCOMPARE(*freed, 101);
        const Tensor b = Tensor::zeros(DType::F32, {2});
        cache.insert("reused", b.owner(), Value(8, freed));
        QCOMPARE(cache.find("reused")->id, 8);

        float external[3] = {};
        {
            const Tensor wrapped = Tensor::wrap(external, DType::F32, {3});
            QVERIFY(!wrapped.owner());
            cache.insert("wrapped", wrapped.owner(), Value(9, freed));
        }
        QCOMPARE(cache.sweep(), size_t(0));
        QVERIFY(cache.find("wrapped"));
        cache.clear();
        QCOMPARE(cache.size(), size_t(0));
        QCOMPARE(*freed, 104);
    }

    void poolSizeClasses()
    {
        size_t previous = 0;
        for (size_t bytes :
             {size_t(1), size_t(511), size_t(512), size_t(513), size_t(100000), size_t(1) << 20,
              (size_t(1) << 20) + 1, size_t(3) << 20, size_t(5000000), size_t(1) << 30}) {
            const size_t c = cuda::Pool::sizeClass(bytes);
            QVERIFY(c >= bytes);
            QVERIFY2(c <= bytes + bytes / 4 + 512, qPrintable(QString("%1 -> %2").arg(bytes).arg(c)));
            QVERIFY(c >= previous);
            previous = c;
        }
        QCOMPARE(cuda::Pool::sizeClass(513), size_t(1024));
        QCOMPARE(cuda::Pool::sizeClass((size_t(1) << 20) + 1), size_t(1) << 20 | size_t(1) << 18);
    }
#endif
};

QTEST_GUILESS_MAIN(TestCudaHost)
#include "tst_cuda_host.moc"
