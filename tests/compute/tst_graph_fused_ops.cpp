// SPDX-License-Identifier: MIT
// The CPU kernels of the ops that fuse or place (Attention, Embed and padding, SumTo) against the same
// computation written with the plain ops or by hand.
#include "backend_compare.h"
#include "compute/backend/backend.h"
#include "compute/cpu_options.h"
#include "compute/error.h"
#include "compute/graph/planner.h"
#include "op_reference.h"

#include <QTest>
#include <cmath>
#include <limits>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

std::map<std::string, Tensor> runCpu(const Graph& g, const std::map<std::string, Tensor>& inputs)
{
    return loupe::test::runOn(cpuDevice(), g, inputs).kept;
}

double maxDiff(const Tensor& a, const Tensor& b)
{
    double worst = 0;
    forEachIndex(a.shape(), [&](const Shape& i) { worst = std::max(worst, std::abs(at(a, i) - at(b, i))); });
    return worst;
}

} // namespace

class TestGraphFusedOps : public QObject
{
    Q_OBJECT
private slots:
    void attentionEqualsMatmulSoftmaxMatmul_data()
    {
        QTest::addColumn<bool>("withBias");
        QTest::addColumn<int>("tokens");
        QTest::newRow("no bias, 50 tokens") << false << 50;
        QTest::newRow("broadcast bias, 17 tokens") << true << 17;
    }
    void attentionEqualsMatmulSoftmaxMatmul()
    {
        QFETCH(bool, withBias);
        QFETCH(int, tokens);
        const int64_t B = 2, H = 3, N = tokens, D = 8;
        std::mt19937 rng(7);
        // q, k, v are per-head views of one packed [B, N, 3, H, D] projection, as the models build them.
        const Tensor qkv = randomTensor(rng, {B, N, 3 * H * D});
        const Tensor bias = randomTensor(rng, {1, H, N, N});
        auto build = [&](bool fused) {
            Graph g;
            const NodeId x = g.input("qkv", {B, N, 3 * H * D});
            const NodeId r = g.reshape(x, {B, N, 3, H, D});
            auto head = [&](int which) {
                return g.permute(g.slice(g.reshape(g.slice(r, 2, which, which + 1), {B, N, H, D}), 1, 0, N),
                                 {0, 2, 1, 3});
            };
            const NodeId q = head(0), k = head(1), v = head(2);
            const NodeId bb = withBias ? g.input("bias", {1, H, N, N}) : -1;
            NodeId out;
            if (fused) {
                out = g.attention(q, k, v, bb, 0.3);
            } else {
                NodeId s = g.matmul(q, g.permute(k, {0, 1, 3, 2}));
                if (bb >= 0) s = g.add(s, bb);
                out = g.matmul(g.softmax(s, 0.3), v);
            }
            g.keep(g.name(out, "out"));
            return g;
        };
        std::map<std::string, Tensor> in{{"qkv", qkv}};
        if (withBias) in["bias"] = bias;
        const Tensor fused = runCpu(build(true), in).at("out");
        const Tensor plain = runCpu(build(false), in).at("out");
        QCOMPARE(fused.shape(), (Shape{B, H, N, D}));
        QVERIFY2(maxDiff(fused, plain) < 1e-5, qPrintable(QString::number(maxDiff(fused, plain))));
    }

    // Long sequences run as blocks of query rows x key tiles with the softmax carried across tiles;
    // LOUPE_GEMM=naive selects the one-row-at-a-time reference.
    void tiledAttentionMatchesTheRowReference_data()
    {
        QTest::addColumn<bool>("causal");
        QTest::newRow("random bias") << false;
        QTest::newRow("causal mask: whole key tiles masked") << true;
    }
    void tiledAttentionMatchesTheRowReference()
    {
        QFETCH(bool, causal);
        const int64_t B = 1, H = 2, M = 1100, N = 1100, D = 16;
        std::mt19937 rng(9);
        std::map<std::string, Tensor> in{{"q", randomTensor(rng, {B, H, M, D})},
                                         {"k", randomTensor(rng, {B, N, H, D})},
                                         {"v", randomTensor(rng, {B, H, N, D})}};
        if (causal) {
            std::vector<float> m(size_t(M * N), 0.f);
            for (int64_t i = 0; i < M; ++i)
                for (int64_t j = i + 1; j < N; ++j)
                    m[size_t(i * N + j)] = std::numeric_limits<float>::lowest();
            in["bias"] = Tensor::fromF32({1, 1, M, N}, m);
        } else {
            in["bias"] = randomTensor(rng, {B, 1, M, N});
        }
        Graph g;
        const NodeId k = g.permute(g.input("k", {B, N, H, D}), {0, 2, 1, 3}); // strided keys
        g.keep(g.name(g.attention(g.input("q", {B, H, M, D}), k, g.input("v", {B, H, N, D}),
                                  g.input("bias", in["bias"].shape()), 0.25),
                      "out"));
        const Tensor tiled = runCpu(g, in).at("out");
        const CpuOptions saved = cpuOptions();
        cpuOptions().naiveGemm = true;
        const Tensor rows = runCpu(g, in).at("out");
        cpuOptions() = saved;
        QVERIFY2(maxDiff(tiled, rows) < 1e-5, qPrintable(QString::number(maxDiff(tiled, rows))));
    }

    // A query row whose every key is masked with -inf is NaN where MatMul-Softmax-MatMul gives NaN and
    // finite where it does not (the vector exp clamps -inf, so which keys count there is an accident of
    // lane tails: only NaN-ness is compared on that row), in one key tile and across several; the other
    // rows agree in value.
    void fullyMaskedRowAsTheSeparateOps_data()
    {
        QTest::addColumn<int>("keys");
        QTest::newRow("5 keys") << 5;
        QTest::newRow("40 keys") << 40;
        QTest::newRow("three key tiles") << 2100;
    }
    void fullyMaskedRowAsTheSeparateOps()
    {
        QFETCH(int, keys);
        const int64_t M = 5, N = keys, D = 8;
        std::mt19937 rng(4);
        std::vector<float> mask(size_t(M * N), 0.f);
        std::fill(mask.begin() + 2 * N, mask.begin() + 3 * N, -std::numeric_limits<float>::infinity());
        const std::map<std::string, Tensor> in{{"q", randomTensor(rng, {1, 1, M, D})},
                                               {"k", randomTensor(rng, {1, 1, N, D})},
                                               {"v", randomTensor(rng, {1, 1, N, D})},
                                               {"mask", Tensor::fromF32({M, N}, mask)}};
        auto build = [&](bool fused) {
            Graph g;
            const NodeId q = g.input("q", {1, 1, M, D}), k = g.input("k", {1, 1, N, D}),
                         v = g.input("v", {1, 1, N, D}), m = g.input("mask", {M, N});
            const NodeId out =
                fused ? g.attention(q, k, v, m, 0.5)
                      : g.matmul(g.softmax(g.add(g.matmul(q, g.permute(k, {0, 1, 3, 2})), m), 0.5), v);
            g.keep(g.name(out, "out"));
            return g;
        };
        const Tensor fused = runCpu(build(true), in).at("out"), plain = runCpu(build(false), in).at("out");
        for (int64_t m = 0; m < M; ++m)
            for (int64_t d = 0; d < D; ++d) {
                const double f = at(fused, {0, 0, m, d}), p = at(plain, {0, 0, m, d});
                QCOMPARE(std::isnan(f), std::isnan(p));
                if (m != 2) QVERIFY2(std::abs(f - p) < 1e-5, qPrintable(QString("%1 vs %2").arg(f).arg(p)));
            }
    }

    void attentionRefusesShapesThatDoNotFit()
    {
        Graph g;
        const NodeId q = g.input("q", {1, 2, 4, 8}), k = g.input("k", {1, 2, 5, 8}),
                     v = g.input("v", {1, 2, 6, 8});
        QVERIFY_THROWS_EXCEPTION(Error, g.attention(q, k, v, -1, 1.0));
        const NodeId v2 = g.input("v2", {1, 2, 5, 8}), badBias = g.input("b", {3, 4, 5});
        QVERIFY_THROWS_EXCEPTION(Error, g.attention(q, k, v2, badBias, 1.0));
    }

    void padPlacesTheInputInZeros()
    {
        Graph g;
        const NodeId x = g.input("x", {2, 3, 4});
        g.keep(g.name(g.pad(g.permute(x, {0, 2, 1}), {0, 1, 2}, {1, 0, 1}), "p")); // a strided source
        std::mt19937 rng(3);
        const Tensor xv = randomTensor(rng, {2, 3, 4});
        const Tensor p = runCpu(g, {{"x", xv}}).at("p");
        QCOMPARE(p.shape(), (Shape{3, 5, 6}));
        forEachIndex(p.shape(), [&](const Shape& i) {
            const int64_t b = i[0], r = i[1] - 1, c = i[2] - 2;
            const bool inside = b < 2 && r >= 0 && r < 4 && c >= 0 && c < 3;
            QCOMPARE(at(p, i), inside ? at(xv, {b, c, r}) : 0.0);
        });
    }

    void embedPlacesAStridedViewAndRefusesOverlap()
    {
        Graph g;
        const NodeId x = g.input("x", {3, 2});
        // The transpose of a [2, 3] slot at offset 1 inside a [3, 4] buffer: strides {1, 4}.
        g.keep(g.name(g.embed(x, {3, 4}, {1, 4}, 1), "e"));
        const Tensor xv = Tensor::fromF32({3, 2}, std::vector<float>{1, 2, 3, 4, 5, 6});
        const Tensor e = runCpu(g, {{"x", xv}}).at("e");
        const std::vector<float> want{0, 1, 3, 5, 0, 2, 4, 6, 0, 0, 0, 0};
        for (int64_t i = 0; i < 12; ++i)
            QCOMPARE(e.ptr<float>()[i], want[size_t(i)]);
        QVERIFY_THROWS_EXCEPTION(Error, g.embed(x, {3, 4}, {1, 1}, 0)); // overlapping view
        QVERIFY_THROWS_EXCEPTION(Error, g.embed(x, {3, 4}, {4, 1}, 6)); // reaches past the end
    }

    void sumToReducesBroadcastDims()
    {
        Graph g;
        const NodeId x = g.input("x", {2, 3, 4});
        g.keep(g.name(g.sumTo(x, {3, 1}), "s"));
        g.keep(g.name(g.sumTo(g.permute(x, {2, 1, 0}), {4, 1, 2}), "t"));
        std::mt19937 rng(5);
        const Tensor xv = randomTensor(rng, {2, 3, 4});
        const auto kept = runCpu(g, {{"x", xv}});
        const Tensor s = kept.at("s"), t = kept.at("t");
        QCOMPARE(s.shape(), (Shape{3, 1}));
        for (int64_t j = 0; j < 3; ++j) {
            double want = 0;
            for (int64_t i = 0; i < 2; ++i)
                for (int64_t k = 0; k < 4; ++k)
                    want += at(xv, {i, j, k});
            QVERIFY(std::abs(at(s, {j, 0}) - want) < 1e-5);
        }
        for (int64_t k = 0; k < 4; ++k)
            for (int64_t i = 0; i < 2; ++i) {
                double want = 0;
                for (int64_t j = 0; j < 3; ++j)
                    want += at(xv, {i, j, k});
                QVERIFY(std::abs(at(t, {k, 0, i}) - want) < 1e-5);
            }
        QVERIFY_THROWS_EXCEPTION(Error, g.sumTo(x, {5}));
    }
};

QTEST_APPLESS_MAIN(TestGraphFusedOps)
#include "tst_graph_fused_ops.moc"
