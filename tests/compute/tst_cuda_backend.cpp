// SPDX-License-Identifier: MIT
// The CUDA backend: what runs everywhere (device listing and its reasons, LOUPE_CUDA_DISABLE, no CUDA
// library needed to start), and, where a GPU is present, every op against the CPU reference with the
// shapes the models use (197x768, 50 and 577 tokens, odd sizes, non-contiguous views and weights),
// f16/bf16 GEMM error bounds, CUDA graph replay, the profiler, out of memory as a DeviceError, the ViT
// golden case end to end and an opt-in timing. Host-side logic is tested in tst_cuda_host.
#include "backend_compare.h"
#include "common/testsupport.h"
#include "compute/backend/backend.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/device_error.h"
#include "compute/backend/profiler.h"
#include "compute/error.h"
#include "compute/graph/planner.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vit.h"
#include "compute/models/vit_benchmark.h"
#include "op_reference.h"
#if LOUPE_HAVE_CUDA
#include "compute/backend/cuda/cuda_backend.h"
#endif

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

constexpr Bound kF32Exact{1e-6, 1e-6};
constexpr Bound kF32Reduction{1e-4, 1e-4};

#define REQUIRE_GPU()                                                                                        \
    do {                                                                                                     \
        if (!cudaDevice())                                                                                   \
            QSKIP(qPrintable(QString("no CUDA device (%1); these cases run on a GPU machine, see "           \
                                     "compute/backend/cuda/README.md")                                       \
                                 .arg(QString::fromStdString(cudaStatus()))));                               \
    } while (0)

std::map<std::string, Tensor> runWith(Backend& backend, Device& d, const Graph& g,
                                      const std::map<std::string, Tensor>& inputs)
{
    const MemoryPlan plan = planMemory(g);
    auto arena = d.bufferType().allocate(std::max<size_t>(plan.arenaBytes, 64));
    GraphRun run;
    run.inputs = inputs;
    backend.compute(g, plan, *arena, run);
    return std::move(run.kept);
}

// The kept tensors of one run of `g` on `d` (backend_compare.h's runOn).
std::map<std::string, Tensor> keptOn(Device& d, const Graph& g, const std::map<std::string, Tensor>& inputs)
{
    return runOn(d, g, inputs).kept;
}

void compareKept(const char* op, const std::map<std::string, Tensor>& got,
                 const std::map<std::string, Tensor>& ref, Bound bound)
{
    QVERIFY(!ref.empty());
    for (const auto& [name, expected] : ref) {
        QVERIFY2(got.count(name), qPrintable(QString("%1: %2 missing").arg(op, name.c_str())));
        const Tensor& actual = got.at(name);
        QCOMPARE(actual.shape(), expected.shape());
        QString where;
        const double r = worstRatio(actual, expected, bound, &where);
        QVERIFY2(r <= 1.0,
                 qPrintable(
                     QString("%1: %2 off by %3 of the bound at %4").arg(op, name.c_str()).arg(r).arg(where)));
    }
}

// Runs `g` on the CPU and on the CUDA device and compares every kept tensor.
void compareOnCuda(const char* op, const Graph& g, const std::map<std::string, Tensor>& inputs, Bound bound)
{
    Device* cuda = cudaDevice();
    QVERIFY(cuda);
    for (const Node& n : g.nodes())
        QVERIFY2(cuda->supportsOp(n), qPrintable(QString("cuda does not support %1").arg(opName(n.op))));
    const auto ref = keptOn(cpuDevice(), g, inputs);
    const auto got = keptOn(*cuda, g, inputs);
    compareKept(op, got, ref, bound);
}

Tensor weightOf(std::mt19937& rng, Shape s, float scale = 0.05f)
{
    return randomTensor(rng, std::move(s), -scale, scale);
}

bool loadedInThisProcess(const char* library)
{
    QFile maps("/proc/self/maps");
    if (!maps.open(QIODevice::ReadOnly)) return false;
    return maps.readAll().contains(library);
}

} // namespace

class TestCudaBackend : public QObject
{
    Q_OBJECT

private slots:
    void statusSaysWhy()
    {
        const std::string status = cudaStatus();
        QVERIFY2(status.size() > 10, status.c_str());
        int selected = 0;
        for (const CudaDeviceInfo& d : cudaDeviceInfos()) {
            QVERIFY(!d.name.empty());
            QVERIFY(!d.computeCapability.empty());
            QVERIFY(d.memoryBytes > 0);
            selected += d.selected;
        }
        QVERIFY(selected <= 1);
        QCOMPARE(selected == 1, cudaDevice() != nullptr);
        if (!cudaDevice()) {
            qInfo("CUDA: %s", status.c_str());
#if LOUPE_HAVE_CUDA
            // Built with the toolkit: the reason is about this machine, not the build.
            QVERIFY2(status.find("not built") == std::string::npos, status.c_str());
#endif
        } else {
            QCOMPARE(cudaDevice()->name(), std::string("cuda"));
            QCOMPARE(cudaDevice()->kind(), DeviceKind::DiscreteGpu);
            // Runs record the GPU's own name.
            for (const CudaDeviceInfo& d : cudaDeviceInfos())
                if (d.selected) QCOMPARE(cudaDevice()->label(), d.name);
        }
    }

    void disableHides()
    {
        qputenv("LOUPE_CUDA_DISABLE", "1");
        const std::string status = cudaStatus();
        const bool hidden = cudaDevice() == nullptr && cudaDeviceInfos().empty();
        qunsetenv("LOUPE_CUDA_DISABLE");
        QVERIFY(hidden);
#if LOUPE_HAVE_CUDA
        QVERIFY2(status.find("LOUPE_CUDA_DISABLE") != std::string::npos, status.c_str());
#endif
        qputenv("LOUPE_CUDA_DISABLE", "0"); // "0" does not disable
        const std::string enabled = cudaStatus();
        qunsetenv("LOUPE_CUDA_DISABLE");
        QVERIFY2(enabled.find("LOUPE_CUDA_DISABLE") == std::string::npos, enabled.c_str());
    }

    // The engine links the CUDA runtime statically and opens cuBLAS only once a GPU is found, so nothing
    // CUDA is needed to start: this executable (linked like `loupe`) has no CUDA library among its
    // dependencies, and without a GPU cuBLAS was never opened.
    void startsWithoutCudaLibraries()
    {
        (void)cudaStatus();
        if (!cudaDevice()) {
            QVERIFY(!loadedInThisProcess("libcublas"));
            QVERIFY(!loadedInThisProcess("libcudart.so"));
        }
        QProcess ldd;
        ldd.start("ldd", {QCoreApplication::applicationFilePath()});
        if (!ldd.waitForFinished(30000) || ldd.exitCode() != 0) QSKIP("ldd is not available here");
        const QByteArray deps = ldd.readAllStandardOutput();
        QVERIFY2(!deps.contains("libcublas"), deps.constData());
        QVERIFY2(!deps.contains("libcudart.so"), deps.constData());
        QVERIFY2(!deps.contains("libcuda.so"), deps.constData());
    }

    void linear_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("197x768x768 bias residual") << "linear197";
        QTest::newRow("50x768x3072 gelu erf") << "linear50gelu";
        QTest::newRow("odd 7x13x5 gelu tanh, strided x") << "linearOdd";
        QTest::newRow("3-D permuted x, quick gelu, no bias") << "linear3d";
        QTest::newRow("577 tokens, relu, transposed weight view") << "linear577";
        QTest::newRow("weight tensor stored transposed, and a slice of one") << "stridedWeight";
    }
    void linear()
    {
        REQUIRE_GPU();
        QFETCH(QString, kind);
        std::mt19937 rng(7);
        Graph g;
        std::map<std::string, Tensor> in;
        auto input = [&](const std::string& name, Shape s) {
            in[name] = randomTensor(rng, s);
            return g.input(name, s);
        };
        if (kind == "linear197") {
            const NodeId x = input("x", {1, 197, 768});
            g.keep(g.name(g.linear(x, g.weight("w", weightOf(rng, {768, 768})),
                                   g.weight("b", weightOf(rng, {768})), Activation::None,
                                   input("r", {1, 197, 768})),
                          "y"));
        } else if (kind == "linear50gelu") {
            g.keep(g.name(g.linear(input("x", {1, 50, 768}), g.weight("w", weightOf(rng, {3072, 768})),
                                   g.weight("b", weightOf(rng, {3072})), Activation::GeluErf),
                          "y"));
        } else if (kind == "linearOdd") {
            const NodeId x = g.asStrided(input("x", {14, 5}), {7, 5}, {10, 1}, 0);
            g.keep(g.name(g.linear(x, g.weight("w", weightOf(rng, {13, 5}, 1.f)),
                                   g.weight("b", weightOf(rng, {13}, 1.f)), Activation::GeluTanh),
                          "y"));
        } else if (kind == "linear3d") {
            const NodeId x = g.permute(input("x", {9, 2, 24}), {1, 0, 2});
            g.keep(g.name(
                g.linear(x, g.weight("w", weightOf(rng, {31, 24}, 0.3f)), -1, Activation::QuickGelu), "y"));
        } else if (kind == "stridedWeight") {
            // Weights bound as strided host tensors: the graph's views of them use their strides.
            const Tensor wt = weightOf(rng, {24, 40}).permute({1, 0});   // [40, 24], strides (1, 40)
            const Tensor wide = weightOf(rng, {40, 30}).slice(1, 3, 27); // [40, 24], row stride 30
            const NodeId x = input("x", {9, 24});
            const NodeId y1 = g.linear(x, g.weight("wt", wt));
            const NodeId y2 = g.linear(x, g.slice(g.weight("wide", wide), 0, 5, 35));
            g.keep(g.name(y1, "y1"));
            g.keep(g.name(
                g.add(y2, g.permute(g.weight("b2", weightOf(rng, {30, 1}).slice(0, 0, 30)), {1, 0})), "y2"));
        } else {
            // The weight is a transposed view of a [K, N] tensor (GPT-2's Conv1D layout).
            const NodeId wt = g.weight("wt", weightOf(rng, {64, 96}));
            g.keep(g.name(g.linear(input("x", {577, 64}), g.permute(wt, {1, 0}),
                                   g.weight("b", weightOf(rng, {96})), Activation::Relu),
                          "y"));
        }
        compareOnCuda("linear", g, in, kF32Reduction);
    }

    void matmul_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("attention scores 12x197x64 @ k^T") << "scores";
        QTest::newRow("attention context 12x197x197 @ v") << "context";
        QTest::newRow("577 tokens, 2 heads") << "tokens577";
        QTest::newRow("50 tokens, 12 heads") << "tokens50";
        QTest::newRow("broadcast batch 3x1 x 1x4") << "broadcast";
        QTest::newRow("odd 2-D 33x65x17") << "odd2d";
        QTest::newRow("a with no unit stride (packed first)") << "gather";
    }
    void matmul()
    {
        REQUIRE_GPU();
        QFETCH(QString, kind);
        std::mt19937 rng(7);
        Graph g;
        std::map<std::string, Tensor> in;
        auto input = [&](const std::string& name, Shape s) {
            in[name] = randomTensor(rng, s);
            return g.input(name, s);
        };
        if (kind == "scores" || kind == "tokens577" || kind == "tokens50") {
            const int64_t H = kind == "tokens577" ? 2 : 12, T = kind == "scores"     ? 197
                                                                : kind == "tokens50" ? 50
                                                                                     : 577;
            const NodeId q = g.permute(input("q", {1, T, H, 64}), {0, 2, 1, 3});
            const NodeId k = g.permute(input("k", {1, T, H, 64}), {0, 2, 3, 1});
            g.keep(g.name(g.matmul(q, k), "scores"));
        } else if (kind == "context") {
            const NodeId v = g.permute(input("v", {1, 197, 12, 64}), {0, 2, 1, 3});
            g.keep(g.name(g.matmul(input("p", {1, 12, 197, 197}), v), "ctx"));
        } else if (kind == "broadcast") {
            g.keep(g.name(g.matmul(input("a", {3, 1, 6, 5}), input("b", {1, 4, 5, 7})), "y"));
        } else if (kind == "odd2d") {
            g.keep(g.name(g.matmul(input("a", {33, 17}), g.permute(input("b", {65, 17}), {1, 0})), "y"));
        } else {
            const NodeId a = g.asStrided(input("a", {6, 10}), {3, 4}, {20, 2}, 1); // strides (20, 2)
            g.keep(g.name(g.matmul(a, input("b", {4, 9})), "y"));
        }
        compareOnCuda("matmul", g, in, kF32Reduction);
    }

    void binary_data()
    {
        QTest::addColumn<int>("op");
        QTest::addColumn<QString>("kind");
        for (Op op : {Op::Add, Op::Sub, Op::Mul}) {
            const QString n = opName(op);
            QTest::newRow(qPrintable(n + " 197x768 + bias row")) << int(op) << "row";
            QTest::newRow(qPrintable(n + " broadcast both ways")) << int(op) << "both";
            QTest::newRow(qPrintable(n + " non-contiguous")) << int(op) << "strided";
            QTest::newRow(qPrintable(n + " head mask [1,4,1,1]")) << int(op) << "mask";
            QTest::newRow(qPrintable(n + " scalar")) << int(op) << "scalar";
        }
    }
    void binary()
    {
        REQUIRE_GPU();
        QFETCH(int, op);
        QFETCH(QString, kind);
        std::mt19937 rng(11);
        Graph g;
        std::map<std::string, Tensor> in;
        auto input = [&](const std::string& name, Shape s) {
            in[name] = randomTensor(rng, s);
            return g.input(name, s);
        };
        NodeId a, b;
        if (kind == "row") {
            a = input("a", {1, 197, 768});
            b = g.weight("b", weightOf(rng, {768}, 2.f));
        } else if (kind == "both") {
            a = input("a", {4, 1, 5});
            b = input("b", {3, 1});
        } else if (kind == "strided") {
            a = g.permute(input("a", {6, 5, 3}), {2, 0, 1});
            b = g.slice(input("b", {3, 6, 10}), 2, 2, 7);
        } else if (kind == "mask") {
            a = input("a", {1, 4, 17, 17});
            b = input("b", {1, 4, 1, 1});
        } else {
            a = input("a", {50, 768});
            b = g.weight("s", Tensor::fromF32({1}, std::vector<float>{0.125f}));
        }
        const Op o = Op(op);
        g.keep(g.name(o == Op::Add ? g.add(a, b) : o == Op::Sub ? g.sub(a, b) : g.mul(a, b), "y"));
        compareOnCuda("binary", g, in, kF32Exact);
    }

    void activation_data()
    {
        QTest::addColumn<int>("act");
        for (Activation a : {Activation::GeluErf, Activation::GeluTanh, Activation::QuickGelu,
                             Activation::Relu, Activation::Silu, Activation::Tanh, Activation::Sigmoid})
            QTest::newRow(activationName(a)) << int(a);
    }
    void activation()
    {
        REQUIRE_GPU();
        QFETCH(int, act);
        std::mt19937 rng(3);
        Graph g;
        std::map<std::string, Tensor> in;
        in["x"] = randomTensor(rng, {50, 3072}, -12.f, 12.f);
        in["s"] = randomTensor(rng, {3, 7, 5}, -4.f, 4.f);
        g.keep(g.name(g.activation(g.input("x", {50, 3072}), Activation(act)), "y"));
        g.keep(
            g.name(g.activation(g.permute(g.input("s", {3, 7, 5}), {2, 0, 1}), Activation(act)), "strided"));
        compareOnCuda("activation", g, in, {2e-6, 2e-5});
    }

    void softmax_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("12x197x197 scale 0.125") << "vit";
        QTest::newRow("577 tokens") << "tokens577";
        QTest::newRow("odd 3x5x7 strided") << "odd";
        QTest::newRow("masked with -inf") << "masked";
    }
    void softmax()
    {
        REQUIRE_GPU();
        QFETCH(QString, kind);
        std::mt19937 rng(13);
        Graph g;
        std::map<std::string, Tensor> in;
        if (kind == "vit") {
            in["x"] = randomTensor(rng, {1, 12, 197, 197}, -20.f, 20.f);
            g.keep(g.name(g.softmax(g.input("x", {1, 12, 197, 197}), 0.125), "y"));
        } else if (kind == "tokens577") {
            in["x"] = randomTensor(rng, {2, 577}, -8.f, 8.f);
            g.keep(g.name(g.softmax(g.input("x", {2, 577})), "y"));
        } else if (kind == "odd") {
            in["x"] = randomTensor(rng, {7, 3, 5});
            g.keep(g.name(g.softmax(g.permute(g.input("x", {7, 3, 5}), {1, 2, 0}), 2.0), "y"));
        } else {
            Tensor x = randomTensor(rng, {3, 9});
            for (int64_t j = 5; j < 9; ++j)
                x.ptr<float>()[j] = -INFINITY;
            for (int64_t j = 0; j < 9; ++j)
                if (j != 4) x.ptr<float>()[18 + j] = -INFINITY;
            in["x"] = x;
            g.keep(g.name(g.softmax(g.input("x", {3, 9})), "y"));
        }
        compareOnCuda("softmax", g, in, kF32Reduction);
    }

    void layernorm_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("197x768") << "vit";
        QTest::newRow("50x768 eps 1e-12") << "tokens50";
        QTest::newRow("odd 3x7x13 strided") << "odd";
    }
    void layernorm()
    {
        REQUIRE_GPU();
        QFETCH(QString, kind);
        std::mt19937 rng(17);
        Graph g;
        std::map<std::string, Tensor> in;
        NodeId x;
        int64_t D;
        if (kind == "vit") {
            D = 768;
            in["x"] = randomTensor(rng, {1, 197, D}, -3.f, 5.f);
            x = g.input("x", {1, 197, D});
        } else if (kind == "tokens50") {
            D = 768;
            in["x"] = randomTensor(rng, {50, D});
            x = g.input("x", {50, D});
        } else {
            D = 13;
            in["x"] = randomTensor(rng, {13, 3, 7});
            x = g.permute(g.input("x", {13, 3, 7}), {1, 2, 0});
        }
        const NodeId w = g.weight("w", randomTensor(rng, {D}, 0.5f, 1.5f));
        const NodeId b = g.weight("b", weightOf(rng, {D}, 0.2f));
        g.keep(g.name(g.layerNorm(x, w, b, kind == "tokens50" ? 1e-12 : 1e-5), "y"));
        compareOnCuda("layernorm", g, in, kF32Reduction);
    }

    void copy_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("heads permute 197x12x64") << "heads";
        QTest::newRow("SAM 14x14 window partition of 28x28") << "windows";
        QTest::newRow("slice of the last dim") << "slice";
        QTest::newRow("concat cls + 196 patches") << "concat";
        QTest::newRow("concat along the last dim, strided inputs") << "concatLast";
        QTest::newRow("kept view of a computed tensor") << "keptView";
    }
    void copy()
    {
        REQUIRE_GPU();
        QFETCH(QString, kind);
        std::mt19937 rng(19);
        Graph g;
        std::map<std::string, Tensor> in;
        auto input = [&](const std::string& name, Shape s) {
            in[name] = randomTensor(rng, s);
            return g.input(name, s);
        };
        if (kind == "heads") {
            g.keep(g.name(g.cont(g.permute(input("x", {1, 197, 12, 64}), {0, 2, 1, 3})), "y"));
        } else if (kind == "windows") {
            const NodeId x = g.reshape(input("x", {1, 28, 28, 8}), {1, 2, 14, 2, 14, 8});
            g.keep(g.name(g.cont(g.permute(x, {0, 1, 3, 2, 4, 5})), "y"));
        } else if (kind == "slice") {
            g.keep(g.name(g.cont(g.slice(input("x", {5, 9, 11}), 2, 3, 10)), "y"));
        } else if (kind == "concat") {
            g.keep(g.name(g.concat(g.weight("cls", weightOf(rng, {1, 1, 768})), input("p", {1, 196, 768}), 1),
                          "y"));
        } else if (kind == "concatLast") {
            g.keep(g.name(
                g.concat(g.permute(input("a", {5, 3}), {1, 0}), g.slice(input("b", {3, 9}), 1, 2, 6), 1),
                "y"));
        } else {
            const NodeId s = g.add(input("x", {6, 4}), input("z", {6, 4}));
            g.keep(g.name(g.permute(s, {1, 0}), "t"));
        }
        compareOnCuda("copy", g, in, kF32Exact);
    }

    void patchEmbed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("224x224 patch 16 to 768") << "vit";
        QTest::newRow("odd 2x3x32x48 patch 16 to 10, no bias") << "odd";
        QTest::newRow("SAM-like 1x3x64x64 patch 16, strided pixels") << "strided";
    }
    void patchEmbed()
    {
        REQUIRE_GPU();
        QFETCH(QString, kind);
        std::mt19937 rng(23);
        Graph g;
        std::map<std::string, Tensor> in;
        const Shape px = kind == "vit"   ? Shape{1, 3, 224, 224}
                         : kind == "odd" ? Shape{2, 3, 32, 48}
                                         : Shape{1, 3, 64, 64};
        const int64_t D = kind == "odd" ? 10 : 768;
        const NodeId w = g.weight("w", weightOf(rng, {D, 3, 16, 16}));
        const NodeId b = kind == "odd" ? NodeId(-1) : g.weight("b", weightOf(rng, {D}));
        NodeId pixels;
        if (kind == "strided") {
            in["px"] = randomTensor(rng, {1, 64, 64, 3});
            pixels = g.permute(g.input("px", {1, 64, 64, 3}), {0, 3, 1, 2}); // NHWC seen as NCHW
        } else {
            in["px"] = randomTensor(rng, px);
            pixels = g.input("px", px);
        }
        g.keep(g.name(g.patchEmbed(pixels, w, b, 16), "y"));
        compareOnCuda("patch_embed", g, in, kF32Reduction);
    }

    void bicubic_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("position grid 14x14 to 24x20 by scale factor, strided") << "up";
        QTest::newRow("down 2x3x9x11 to 4x5 by size") << "down";
    }
    void bicubic()
    {
        REQUIRE_GPU();
        QFETCH(QString, kind);
        std::mt19937 rng(31);
        Graph g;
        std::map<std::string, Tensor> in;
        if (kind == "up") {
            in["x"] = randomTensor(rng, {1, 14, 14, 32});
            const NodeId x = g.permute(g.input("x", {1, 14, 14, 32}), {0, 3, 1, 2});
            g.keep(g.name(g.bicubic(x, 24, 20, 24.1 / 14, 20.1 / 14), "y"));
        } else {
            in["x"] = randomTensor(rng, {2, 3, 9, 11});
            g.keep(g.name(g.bicubic(g.input("x", {2, 3, 9, 11}), 4, 5, 0, 0), "y"));
        }
        compareOnCuda("bicubic", g, in, {1e-5, 1e-5});
    }

    // Fused attention: ViT's 12 heads of 197 tokens, 577 tokens, SAM's 14x14 windows with a per-head
    // bias, q/k/v as strided views of one fused projection, -inf masks (whole key tiles of a row), Dv != D
    // with odd sizes, and head dims past the fused kernel's (the unfused path).
    void attention_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("ViT 1x12x197x64") << "vit";
        QTest::newRow("577 tokens, 2 heads") << "tokens577";
        QTest::newRow("SAM windows 25x196 with a [12, 196, 196] bias") << "windows";
        QTest::newRow("q, k, v views of one qkv projection") << "fused";
        QTest::newRow("-inf causal mask, a row whose first two key tiles are masked") << "masked";
        QTest::newRow("odd D 5, Dv 7, N 33") << "odd";
        QTest::newRow("head dim 160: unfused path") << "wide";
    }
    void attention()
    {
        REQUIRE_GPU();
        QFETCH(QString, kind);
        std::mt19937 rng(37);
        Graph g;
        std::map<std::string, Tensor> in;
        auto input = [&](const std::string& name, Shape s, float lo = -2.f, float hi = 2.f) {
            in[name] = randomTensor(rng, s, lo, hi);
            return g.input(name, s);
        };
        NodeId q, k, v, bias = -1;
        int64_t D = 64;
        if (kind == "fused") {
            // [B, N, 3, H, D] as the qkv linear layer writes it; q, k, v are views of it, never copied.
            const NodeId qkv = input("qkv", {2, 50, 3, 12, 64});
            const Shape st{50 * 3 * 12 * 64, 64, 3 * 12 * 64, 1};
            q = g.asStrided(qkv, {2, 12, 50, 64}, st, 0);
            k = g.asStrided(qkv, {2, 12, 50, 64}, st, 12 * 64);
            v = g.asStrided(qkv, {2, 12, 50, 64}, st, 2 * 12 * 64);
        } else {
            Shape sq{1, 12, 197, 64}, sk = sq, sv = sq;
            if (kind == "tokens577") sq = sk = sv = {1, 2, 577, 64};
            if (kind == "windows") sq = sk = sv = {25, 12, 196, 64};
            if (kind == "masked") sq = sk = sv = {2, 4, 70, 32};
            if (kind == "odd") sq = {3, 2, 9, 5}, sk = {3, 2, 33, 5}, sv = {3, 2, 33, 7};
            if (kind == "wide") sq = sk = sv = {1, 3, 40, 160};
            D = sq[3];
            q = input("q", sq);
            k = g.permute(input("kT", {sk[0], sk[1], sk[3], sk[2]}), {0, 1, 3, 2}); // a transposed view
            v = input("v", sv);
            if (kind == "windows") bias = input("bias", {12, 196, 196});
            if (kind == "odd") bias = input("bias", {2, 1, 33});
            if (kind == "masked") {
                Tensor m = Tensor::zeros(DType::F32, {70, 70});
                for (int64_t i = 0; i < 70; ++i)
                    for (int64_t j = i + 1; j < 70; ++j)
                        m.ptr<float>()[i * 70 + j] = -INFINITY;
                for (int64_t j = 0; j < 40; ++j)
                    m.ptr<float>()[69 * 70 + j] = -INFINITY; // row 69 sees only keys 40..69 (tile 2 on)
                in["bias"] = m;
                bias = g.input("bias", {70, 70});
            }
        }
        g.keep(g.name(g.attention(q, k, v, bias, 1.0 / std::sqrt(double(D))), "y"));
        compareOnCuda("attention", g, in, kF32Reduction);
    }

    // The backward ops against the CPU backend: softmax (ViT's scores, a scale), LayerNorm with and
    // without a weight, every activation's gradient, the bicubic and patch-embedding adjoints, SumTo
    // (bias gradients over batch x tokens, strided input) and Embed (zero padding, a view's gradient).
    void backwardOps_data()
    {
        QTest::addColumn<QString>("kind");
        for (const char* k :
             {"softmaxGrad", "layerNormGrad", "layerNormGradNoWeight", "actGrad", "bicubicGradUp",
              "bicubicGradDown", "col2im", "sumTo", "sumToStrided", "embedPad", "embedView"})
            QTest::newRow(k) << k;
    }
    void backwardOps()
    {
        REQUIRE_GPU();
        QFETCH(QString, kind);
        std::mt19937 rng(41);
        Graph g;
        std::map<std::string, Tensor> in;
        auto input = [&](const std::string& name, Shape s, float lo = -2.f, float hi = 2.f) {
            in[name] = randomTensor(rng, s, lo, hi);
            return g.input(name, s);
        };
        Bound bound = kF32Reduction;
        if (kind == "softmaxGrad") {
            const NodeId y = g.softmax(input("s", {1, 12, 197, 197}, -6.f, 6.f), 0.125);
            g.keep(g.name(g.softmaxGrad(y, input("gy", {1, 12, 197, 197}), 0.125), "gx"));
        } else if (kind == "layerNormGrad" || kind == "layerNormGradNoWeight") {
            const NodeId w =
                kind == "layerNormGrad" ? g.weight("w", randomTensor(rng, {768}, 0.5f, 1.5f)) : -1;
            g.keep(g.name(
                g.layerNormGrad(input("x", {197, 768}, -3.f, 5.f), w, input("gy", {197, 768}), 1e-6), "gx"));
        } else if (kind == "actGrad") {
            const NodeId z = input("z", {50, 3072}, -8.f, 8.f), gy = input("gy", {50, 3072});
            for (Activation act :
                 {Activation::None, Activation::GeluErf, Activation::GeluTanh, Activation::QuickGelu,
                  Activation::Relu, Activation::Silu, Activation::Tanh, Activation::Sigmoid})
                g.keep(g.name(g.actGrad(z, gy, act), activationName(act)));
            bound = {1e-5, 1e-4};
        } else if (kind == "bicubicGradUp") {
            g.keep(g.name(g.bicubicGrad(input("gy", {1, 768, 24, 20}), 14, 14, 24.1 / 14, 20.1 / 14), "gx"));
        } else if (kind == "bicubicGradDown") {
            g.keep(g.name(g.bicubicGrad(input("gy", {2, 3, 4, 5}), 9, 11, 0, 0), "gx"));
        } else if (kind == "col2im") {
            g.keep(g.name(g.col2im(input("cols", {2, 2 * 3, 3 * 16 * 16}), {2, 3, 32, 50}, 16), "gx"));
            bound = kF32Exact;
        } else if (kind == "sumTo") {
            g.keep(g.name(g.sumTo(input("x", {8, 197, 768}), {768}), "gb"));
            bound = {1e-3, 1e-4}; // the CPU sums 1576 rows in f32, the GPU in f64
        } else if (kind == "sumToStrided") {
            const NodeId x = g.permute(input("x", {7, 12, 5, 9}), {2, 0, 3, 1}); // [5, 7, 9, 12]
            g.keep(g.name(g.sumTo(x, {7, 1, 12}), "g"));
        } else if (kind == "embedPad") {
            g.keep(g.name(g.pad(input("x", {1, 3, 13, 13}), {0, 0, 1, 2}, {0, 0, 2, 1}), "padded"));
            bound = kF32Exact;
        } else {
            // The gradient of a transposed slice placed into its [6, 10] storage.
            const NodeId x = g.permute(input("x", {4, 5}), {1, 0});
            g.keep(g.name(g.embed(x, {6, 10}, {1, 10}, 13), "placed"));
            bound = kF32Exact;
        }
        compareOnCuda(qPrintable(kind), g, in, bound);
    }

    // The reductions without atomics give the same bits on every run.
    void backwardIsDeterministic()
    {
        REQUIRE_GPU();
        std::mt19937 rng(43);
        Graph g;
        std::map<std::string, Tensor> in;
        in["x"] = randomTensor(rng, {64, 197, 768});
        in["gy"] = randomTensor(rng, {1, 768, 48, 40});
        g.keep(g.name(g.sumTo(g.input("x", {64, 197, 768}), {768}), "gb"));
        g.keep(g.name(g.bicubicGrad(g.input("gy", {1, 768, 48, 40}), 14, 14, 0, 0), "gpos"));
        Device* cuda = cudaDevice();
        const auto first = keptOn(*cuda, g, in), second = keptOn(*cuda, g, in);
        for (const char* name : {"gb", "gpos"})
            QCOMPARE(first.at(name).toF32Vector(), second.at(name).toF32Vector());
    }

#if LOUPE_HAVE_CUDA
    // f16 and bf16 linear layers (f32 accumulation) stay within a bound set by the input rounding.
    void reducedPrecisionGemm_data()
    {
        QTest::addColumn<int>("precision");
        QTest::addColumn<double>("atol");
        QTest::addColumn<double>("rtol");
        QTest::newRow("f16") << int(Precision::F16) << 5e-3 << 1e-2;
        QTest::newRow("bf16") << int(Precision::BF16) << 3e-2 << 5e-2;
    }
    void reducedPrecisionGemm()
    {
        REQUIRE_GPU();
        QFETCH(int, precision);
        QFETCH(double, atol);
        QFETCH(double, rtol);
        std::mt19937 rng(43);
        Graph g;
        const NodeId x = g.input("x", {1, 197, 768});
        g.keep(g.name(g.linear(x, g.weight("w", weightOf(rng, {3072, 768})),
                               g.weight("b", weightOf(rng, {3072})), Activation::GeluErf),
                      "y"));
        const std::map<std::string, Tensor> in{{"x", randomTensor(rng, {1, 197, 768})}};
        const auto ref = keptOn(cpuDevice(), g, in);
        auto backend = createCudaBackend(*cudaDevice(), Precision(precision));
        const auto got = runWith(*backend, *cudaDevice(), g, in);
        compareKept("reduced-precision linear", got, ref, {atol, rtol});
        // It is not f32: some outputs differ by more than the f32 bound.
        QVERIFY(worstRatio(got.at("y"), ref.at("y"), kF32Exact) > 1.0);
    }

    // A weight packed at bf16 (a model loaded at that precision) multiplies at bf16 on the default
    // backend, close to the CPU's own bf16 answer.
    void packedBf16Weight()
    {
        REQUIRE_GPU();
        std::mt19937 rng(53);
        const Tensor w = weightOf(rng, {768, 768});
        auto packed = packLinearWeight(w.ptr<float>(), 768, 768, 768, Precision::BF16);
        if (!packed || packed->precision() != Precision::BF16) QSKIP("no bf16 packing on this CPU");
        Graph g;
        g.keep(g.name(g.linear(g.input("x", {197, 768}), g.packedWeight("w", packed),
                               g.weight("b", weightOf(rng, {768}))),
                      "y"));
        const std::map<std::string, Tensor> in{{"x", randomTensor(rng, {197, 768})}};
        compareKept("bf16 packed weight", keptOn(*cudaDevice(), g, in), keptOn(cpuDevice(), g, in),
                    {3e-2, 5e-2});
    }

    // Repeated identical runs are captured as a CUDA graph and replayed; new input values (same shape)
    // are still seen, and a changed graph is run afresh.
    void graphReplay()
    {
        REQUIRE_GPU();
        std::mt19937 rng(47);
        Graph g;
        const NodeId x = g.input("x", {50, 768});
        const NodeId h = g.linear(g.layerNorm(x, g.weight("lw", randomTensor(rng, {768}, 0.5f, 1.5f)),
                                              g.weight("lb", weightOf(rng, {768})), 1e-5),
                                  g.weight("w", weightOf(rng, {768, 768})),
                                  g.weight("b", weightOf(rng, {768})), Activation::GeluTanh, x);
        const NodeId heads = g.permute(g.reshape(h, {50, 12, 64}), {1, 0, 2}); // strided: packed in scratch
        const NodeId scores = g.softmax(g.matmul(heads, g.permute(heads, {0, 2, 1})), 0.125);
        g.keep(g.name(scores, "probs"));
        g.keep(g.name(heads, "heads"));
        Device& d = *cudaDevice();
        auto backend = d.createBackend();
        const MemoryPlan plan = planMemory(g);
        auto arena = d.bufferType().allocate(plan.arenaBytes);
        for (int i = 0; i < 5; ++i) {
            const std::map<std::string, Tensor> in{{"x", randomTensor(rng, {50, 768})}};
            GraphRun run;
            run.inputs = in;
            backend->compute(g, plan, *arena, run);
            compareKept(qPrintable(QString("run %1").arg(i)), run.kept, keptOn(cpuDevice(), g, in),
                        kF32Reduction);
        }
    }

    // With the engine profiler on, every computed node of a CUDA run is filed with its GPU time, and
    // device memory shows on the "cuda" gauge.
    void profilerSeesEveryNode()
    {
        REQUIRE_GPU();
        std::mt19937 rng(73);
        Graph g;
        const NodeId x = g.input("x", {50, 768});
        const NodeId y = g.softmax(g.linear(x, g.weight("w", weightOf(rng, {64, 768}))), 0.5);
        g.keep(g.name(
            g.layerNorm(y, g.weight("lw", weightOf(rng, {64})), g.weight("lb", weightOf(rng, {64})), 1e-5),
            "out"));
        Profiler::clear();
        Profiler::setEnabled(true);
        const auto got = keptOn(*cudaDevice(), g, {{"x", randomTensor(rng, {50, 768})}});
        Profiler::setEnabled(false);
        const std::vector<ProfileRun> runs = Profiler::runs("cuda");
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0].events.size(), size_t(3)); // linear, softmax, layer_norm
        for (const ProfileEvent& e : runs[0].events)
            QVERIFY2(e.durationNs > 0, e.op.c_str());
        bool gauge = false;
        for (const MemoryGauge& m : Profiler::memoryGauges())
            gauge |= m.device == "cuda" && m.peak > 0;
        QVERIFY(gauge);
    }

    void outOfMemoryIsAnError()
    {
        REQUIRE_GPU();
        try {
            auto huge = cudaDevice()->bufferType().allocate(size_t(1) << 52); // 4 PiB
            QFAIL("a 4 PiB allocation succeeded");
        } catch (const DeviceError& e) {
            QCOMPARE(e.failure(), DeviceFailure::OutOfMemory);
            const std::string m = e.what();
            QVERIFY2(m.rfind("cuda:", 0) == 0 && m.find("out of device memory") != std::string::npos,
                     m.c_str());
        }
        // The device still works afterwards.
        Graph g;
        g.keep(g.name(g.add(g.input("a", {4}), g.input("b", {4})), "y"));
        std::mt19937 rng(1);
        compareOnCuda("add after OOM", g, {{"a", randomTensor(rng, {4})}, {"b", randomTensor(rng, {4})}},
                      kF32Exact);
    }
#endif

#if LOUPE_HAVE_CUDA
    // Opt-in (LOUPE_TEST_TIMING=1 on a GPU machine): random-weight ViT-B/16 at 224, batch 1 and 64, f32
    // and f16, one JSON line each (the rows tools/bench/peer_torch_gpu.py prints for PyTorch), and the
    // batch-1 logits against the CPU's.
    void timing()
    {
        REQUIRE_GPU();
        if (qEnvironmentVariableIsEmpty("LOUPE_TEST_TIMING")) QSKIP("set LOUPE_TEST_TIMING=1 to time");
        const VitModel vit = randomVitB16(41);
        std::mt19937 rng(79);
        for (const int64_t batch : {int64_t(1), int64_t(64)}) {
            const Shape px{batch, 3, 224, 224};
            const Graph g = vit.buildGraph(px, {});
            const std::map<std::string, Tensor> in{{"pixel_values", randomTensor(rng, px)}};
            const MemoryPlan plan = planMemory(g);
            Device& d = *cudaDevice();
            auto arena = d.bufferType().allocate(plan.arenaBytes);
            for (const Precision p : {Precision::F32, Precision::F16}) {
                auto backend = createCudaBackend(d, p);
                std::vector<double> ms;
                std::map<std::string, Tensor> kept;
                for (int i = 0; i < 23; ++i) { // the first runs upload weights and capture the graph
                    GraphRun run;
                    run.inputs = in;
                    const auto t0 = std::chrono::steady_clock::now();
                    backend->compute(g, plan, *arena, run);
                    if (i >= 3)
                        ms.push_back(
                            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                                .count());
                    kept = std::move(run.kept);
                }
                std::sort(ms.begin(), ms.end());
                const double median = ms[ms.size() / 2];
                double diff = -1, scale = 1;
                if (batch == 1) {
                    const std::vector<float> e = keptOn(cpuDevice(), g, in).at("logits").toF32Vector(),
                                             a = kept.at("logits").toF32Vector();
                    diff = 0;
                    for (size_t i = 0; i < e.size(); ++i) {
                        diff = std::max(diff, std::fabs(double(a[i]) - double(e[i])));
                        scale = std::max(scale, std::fabs(double(e[i])));
                    }
                }
                qInfo("{\"benchmark\": \"vit-b16-224\", \"backend\": \"cuda\", \"device\": \"%s\", "
                      "\"batch\": %lld, "
                      "\"dtype\": \"%s\", \"ms_median\": %.4f, \"ms_min\": %.4f, \"images_per_s\": %.1f, "
                      "\"logits_max_abs_diff_vs_cpu\": %.3g}",
                      d.label().c_str(), (long long)batch, p == Precision::F16 ? "f16" : "f32", median,
                      ms.front(), double(batch) * 1e3 / median, diff);
                if (batch == 1)
                    QVERIFY2(diff <= (p == Precision::F16 ? 2e-2 : 1e-3) * scale,
                             qPrintable(QString::number(diff)));
            }
        }
    }
#endif

    void refusesWhatItLacks()
    {
        REQUIRE_GPU();
        Device* c = cudaDevice();
        Node matmul5d;
        matmul5d.op = Op::MatMul;
        matmul5d.shape = {2, 2, 2, 3, 3};
        QVERIFY(!c->supportsOp(matmul5d));
        Node half;
        half.op = Op::Add;
        half.dtype = DType::F16;
        QVERIFY(!c->supportsOp(half));
        Graph g;
        g.keep(g.add(g.input("x", {4}), g.input("x2", {4})));
        const MemoryPlan plan = planMemory(g);
        auto hostArena = cpuDevice().bufferType().allocate(plan.arenaBytes);
        GraphRun run;
        run.inputs["x"] = Tensor::zeros(DType::F32, {4});
        run.inputs["x2"] = Tensor::zeros(DType::F32, {4});
        QVERIFY_THROWS_EXCEPTION(Error, c->createBackend()->compute(g, plan, *hostArena, run));
    }

    // The ViT golden case (transformers' outputs, attentions included) computed entirely on the GPU.
    void vitGolden()
    {
        REQUIRE_GPU();
        const QString dir = goldenDir(QStringLiteral("vit_classify"));
        QFile f(dir + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject tol =
            QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("tolerances")).toObject();
        auto bound = [&](const char* group) {
            const QJsonObject t = tol.value(QLatin1String(group)).toObject();
            return Bound{t.value(QLatin1String("atol")).toDouble(),
                         t.value(QLatin1String("rtol")).toDouble()};
        };
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const SafetensorsFile expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        auto expect = [&](const std::string& name) {
            const TensorView& v = expected.tensor(name);
            return Tensor::fromF32(v.shape, toF32(v));
        };
        const Tensor px = expect("pixel_values");
        VitRunOptions o;
        o.hiddenStates = true;
        o.attentions = true;
        const Graph g = model.buildGraph(px.shape(), o);
        const auto r = keptOn(*cudaDevice(), g, {{"pixel_values", px}});
        const double logits = worstRatio(r.at("logits"), expect("logits"), bound("logits"));
        QVERIFY2(logits <= 1.0, qPrintable(QString("logits off by %1 of the tolerance").arg(logits)));
        for (int64_t l = 0; l < model.config().numHiddenLayers; ++l) {
            const std::string i = std::to_string(l);
            const double a =
                worstRatio(r.at("blk." + i + ".attn_probs"), expect("attentions." + i), bound("attentions"));
            QVERIFY2(a <= 1.0, qPrintable(QString("attentions.%1 off by %2").arg(l).arg(a)));
            const double h =
                worstRatio(r.at("blk." + i + ".out"), expect("hidden_states." + std::to_string(l + 1)),
                           bound("activations"));
            QVERIFY2(h <= 1.0, qPrintable(QString("hidden_states.%1 off by %2").arg(l + 1).arg(h)));
        }
    }
};

QTEST_GUILESS_MAIN(TestCudaBackend)
#include "tst_cuda_backend.moc"
