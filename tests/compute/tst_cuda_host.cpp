// SPDX-License-Identifier: MIT
// The CUDA backend's host-side logic, checked where there is no GPU: the layout folding of strided
// kernels, the error kinds, the mapping of strided products onto cuBLAS calls (run on the host with
// cuBLAS's semantics), the kernels' per-element and per-thread code through their host twins against
// the CPU backend, cuBLAS binding by name, the pool's size classes. GPU runs are in tst_cuda_backend.
#include "common/testsupport.h"
#include "compute/backend/device_error.h"
#include "compute/error.h"
#include "op_reference.h"
#if LOUPE_HAVE_CUDA
#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/cublas.h"
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
struct Bound
{
    double atol, rtol;
};
constexpr Bound kF32Exact{1e-6, 1e-6};
constexpr Bound kF32Reduction{1e-4, 1e-4};

// Worst |a - e| / (atol + rtol |e|); NaN where the reference is NaN too is agreement.
double worstRatio(const Tensor& actual, const Tensor& expected, Bound b)
{
    const std::vector<float> a = actual.toF32Vector(), e = expected.toF32Vector();
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::isnan(e[i]) && std::isnan(a[i])) continue;
        double r = std::fabs(double(a[i]) - double(e[i])) / (b.atol + b.rtol * std::fabs(double(e[i])));
        if (std::isnan(r)) r = std::numeric_limits<double>::infinity();
        worst = std::max(worst, r);
    }
    return worst;
}

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
