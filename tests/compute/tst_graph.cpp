// SPDX-License-Identifier: MIT
// The graph builder, liveness memory planner, CPU backend and graph cache.
#include "compute/backend/backend.h"
#include "compute/error.h"
#include "compute/graph/graph_cache.h"
#include "compute/graph/planner.h"
#include "op_reference.h"

#include <QTest>
#include <set>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

// y = ((x + 1) * 2) chain of n steps, each reading only the previous one.
Graph chain(int steps, int64_t n)
{
    Graph g;
    NodeId x = g.input("x", {n});
    const NodeId one = g.weight("one", Tensor::fromF32({1}, std::vector<float>{1.f}));
    for (int i = 0; i < steps; ++i)
        x = g.name(g.add(x, one), "step." + std::to_string(i));
    g.keep(x);
    return g;
}

} // namespace

class TestGraph : public QObject
{
    Q_OBJECT
private slots:
    void plannerReusesDeadMemory()
    {
        const Graph g = chain(20, 1000);
        const MemoryPlan plan = planMemory(g);
        // A chain needs two live buffers at a time, not twenty.
        QCOMPARE(plan.largestTensorBytes, size_t(4032));
        QCOMPARE(plan.sumOfTensorsBytes, size_t(20 * 4032));
        QCOMPARE(plan.arenaBytes, size_t(2 * 4032));
    }

    void liveTensorsNeverOverlap()
    {
        // A diamond with views: every pair of tensors live at the same time must use disjoint bytes.
        Graph g;
        NodeId x = g.input("x", {6, 8});
        NodeId a = g.add(x, x);
        NodeId t = g.permute(a, {1, 0}); // view of a keeps a alive
        NodeId b = g.mul(x, x);
        NodeId c = g.cont(t); // reads a through the view
        NodeId d = g.add(c, g.permute(b, {1, 0}));
        g.keep(g.name(d, "d"));
        const MemoryPlan plan = planMemory(g);
        auto range = [&](NodeId id) {
            const int64_t off = plan.offset[size_t(g.storageRoot(id))];
            return std::pair<int64_t, int64_t>(off, off + g.node(g.storageRoot(id)).numel() * 4);
        };
        auto disjoint = [&](NodeId p, NodeId q) {
            auto [p0, p1] = range(p);
            auto [q0, q1] = range(q);
            return p1 <= q0 || q1 <= p0;
        };
        QVERIFY(disjoint(a, b)); // both alive when c runs
        QVERIFY(disjoint(c, b));
        QVERIFY(disjoint(d, c));
        QVERIFY(disjoint(d, b));
        // Run it and compare with the definition.
        std::mt19937 rng(31);
        const Tensor xv = randomTensor(rng, {6, 8});
        auto backend = cpuDevice().createBackend();
        auto arena = cpuDevice().bufferType().allocate(plan.arenaBytes);
        GraphRun run;
        run.inputs["x"] = xv;
        backend->compute(g, plan, *arena, run);
        const Tensor out = run.kept.at("d");
        QCOMPARE(out.shape(), (Shape{8, 6}));
        for (int64_t i = 0; i < 8; ++i)
            for (int64_t j = 0; j < 6; ++j) {
                const float v = xv.itemF32({j, i});
                QCOMPARE(out.itemF32({i, j}), v + v + v * v);
            }
    }

    void observeWithoutChangingTheGraph()
    {
        Graph g = chain(5, 10);
        QCOMPARE(g.keepMatching([](const std::string& n) { return globMatch("step.?", n) && n != "step.4"; }),
                 4);
        const MemoryPlan plan = planMemory(g);
        QCOMPARE(plan.keptBytes, size_t(5 * 64));
        auto backend = cpuDevice().createBackend();
        auto arena = cpuDevice().bufferType().allocate(plan.arenaBytes);
        GraphRun run;
        run.inputs["x"] = Tensor::zeros(DType::F32, {10});
        std::vector<std::string> seen;
        run.observe = [&](const std::string& name, const Tensor&) { seen.push_back(name); };
        backend->compute(g, plan, *arena, run);
        QCOMPARE(int(seen.size()), 5);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(run.kept.at("step." + std::to_string(i)).itemF32({3}), float(i + 1));
    }

    void badInputsAreErrors()
    {
        const Graph g = chain(2, 4);
        const MemoryPlan plan = planMemory(g);
        auto backend = cpuDevice().createBackend();
        auto arena = cpuDevice().bufferType().allocate(plan.arenaBytes);
        GraphRun run;
        QVERIFY_THROWS_EXCEPTION(Error, backend->compute(g, plan, *arena, run)); // unbound
        run.inputs["x"] = Tensor::zeros(DType::F32, {5});
        QVERIFY_THROWS_EXCEPTION(Error, backend->compute(g, plan, *arena, run)); // wrong shape
        Graph h;
        NodeId a = h.input("a", {2, 3});
        NodeId b = h.input("b", {4, 3});
        QVERIFY_THROWS_EXCEPTION(Error, h.add(a, b));
        QVERIFY_THROWS_EXCEPTION(Error, h.matmul(a, b));
        QVERIFY_THROWS_EXCEPTION(Error, h.reshape(a, {5}));
        QVERIFY_THROWS_EXCEPTION(Error, h.asStrided(a, {2, 4}, {3, 1}, 0)); // reaches outside
        QVERIFY(globMatch("blk.*.attn_probs", "blk.11.attn_probs"));
        QVERIFY(!globMatch("blk.*.attn_probs", "blk.11.out"));
    }

    void cacheBuildsOncePerKey()
    {
        GraphCache cache(2);
        int builds = 0;
        auto build = [&] {
            ++builds;
            return chain(3, 8);
        };
        auto a = cache.get("8", build, cpuDevice());
        auto b = cache.get("8", build, cpuDevice());
        QCOMPARE(a.get(), b.get());
        QCOMPARE(builds, 1);
        cache.get("9", build, cpuDevice());
        cache.get("10", build, cpuDevice()); // evicts "8"
        QCOMPARE(cache.size(), size_t(2));
        cache.get("8", build, cpuDevice());
        QCOMPARE(builds, 4);
        QVERIFY(a->arena->size() >= a->plan.arenaBytes);
        // The CPU comes first (the fallback every other device leans on); a GPU may follow, once each.
        const std::vector<Device*> all = devices();
        QVERIFY(!all.empty());
        QCOMPARE(all.front(), &cpuDevice());
        QCOMPARE(std::set<Device*>(all.begin(), all.end()).size(), all.size());
        QVERIFY(cpuDevice().supportsOp(a->graph.node(1)));
    }
};

QTEST_GUILESS_MAIN(TestGraph)
#include "tst_graph.moc"
