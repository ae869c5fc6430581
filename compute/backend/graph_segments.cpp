// SPDX-License-Identifier: MIT
#include "compute/backend/graph_segments.h"

#include "compute/error.h"
#include "compute/graph/planner.h"

namespace loupe::compute {

namespace {

// Inputs, weights and views of them: free to repeat in any segment.
bool isFree(const Graph& g, int id)
{
    const Op root = g.node(g.storageRoot(id)).op;
    return root == Op::Input || root == Op::Weight;
}

std::string keyOf(const Graph& g, int id)
{
    const Node& n = g.node(id);
    return n.name.empty() ? "node." + std::to_string(id) : n.name;
}

// Builds one segment's graph from the original nodes it owns.
class SegmentBuilder
{
public:
    SegmentBuilder(const Graph& g, const std::vector<int>& owner, int self, GraphSegment& seg,
                   std::vector<std::vector<int>>& exports)
        : g_(g), owner_(owner), self_(self), seg_(seg), exports_(exports), local_(g.size(), -1)
    {
    }

    // The segment's node for original node `id`, adding it (and what it reads) when needed.
    NodeId get(int id)
    {
        if (local_[size_t(id)] >= 0) return local_[size_t(id)];
        const Node& n = g_.node(id);
        NodeId made;
        if (!isFree(g_, id) && owner_[size_t(id)] != self_) {
            // Computed by an earlier segment: it hands the value over (kept there), read as an input.
            const std::string name = "__seg." + std::to_string(id);
            made = seg_.graph.input(name, n.shape);
            seg_.boundary[name] = id;
            exports_[size_t(owner_[size_t(id)])].push_back(id);
        } else {
            made = copy(n);
        }
        local_[size_t(id)] = made;
        return made;
    }

private:
    NodeId src(const Node& n, int i) { return n.src[i] < 0 ? -1 : get(n.src[i]); }

    NodeId copy(const Node& n)
    {
        std::array<NodeId, 4> sources;
        for (int k = 0; k < 4; ++k)
            sources[size_t(k)] = src(n, k);
        return seg_.graph.copyOf(n, sources);
    }

    const Graph& g_;
    const std::vector<int>& owner_;
    int self_;
    GraphSegment& seg_;
    std::vector<std::vector<int>>& exports_;
    std::vector<NodeId> local_;
};

// Marks a segment node kept and remembers which original node it stands for.
void keepFor(GraphSegment& seg, NodeId local, int original)
{
    Graph& sg = seg.graph;
    if (sg.node(local).name.empty()) sg.name(local, "__n." + std::to_string(original));
    sg.keep(local);
    seg.original[keyOf(sg, local)].push_back(original);
}

// Whether `preferred` computes node `n`: the op, and every weight it reads (weights are not moved per
// run, so an op whose weight the device cannot hold runs where the weight is: the CPU).
bool runsOn(const Graph& g, const Node& n, Device& preferred)
{
    if (!preferred.supportsOp(n)) return false;
    for (int s : n.src)
        if (s >= 0) {
            const Node& root = g.node(g.storageRoot(s));
            if (root.op == Op::Weight && !preferred.supportsOp(root)) return false;
        }
    return true;
}

} // namespace

std::vector<GraphSegment> splitGraph(const Graph& g, Device& preferred)
{
    const auto& nodes = g.nodes();
    bool all = true;
    for (const Node& n : nodes)
        all = all && preferred.supportsOp(n);
    if (all) return {};
    Device& cpu = cpuDevice();
    // Owner segment of every node that is not free: consecutive computed nodes on one device share
    // a segment; a view of a computed node goes with its source.
    std::vector<int> owner(nodes.size(), -1);
    std::vector<Device*> placement;
    for (size_t i = 0; i < nodes.size(); ++i) {
        if (isFree(g, int(i))) continue;
        const Node& n = nodes[i];
        if (n.op == Op::View) {
            owner[i] = owner[size_t(g.storageRoot(int(i)))];
            continue;
        }
        Device* d = runsOn(g, n, preferred) ? &preferred : &cpu;
        if (placement.empty() || placement.back() != d) placement.push_back(d);
        owner[i] = int(placement.size()) - 1;
    }
    if (placement.empty()) placement.push_back(&cpu); // nothing computed: inputs and weights only
    std::vector<GraphSegment> segments(placement.size());
    std::vector<std::vector<int>> exports(placement.size());
    std::vector<std::unique_ptr<SegmentBuilder>> builders;
    for (size_t s = 0; s < segments.size(); ++s) {
        segments[s].device = placement[s];
        builders.push_back(std::make_unique<SegmentBuilder>(g, owner, int(s), segments[s], exports));
    }
    for (size_t i = 0; i < nodes.size(); ++i)
        if (owner[i] >= 0) builders[size_t(owner[i])]->get(int(i));
    // Kept nodes: where they are computed; a kept input, weight or view of them in the last segment.
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].keep) {
            const size_t s = owner[i] >= 0 ? size_t(owner[i]) : segments.size() - 1;
            keepFor(segments[s], builders[s]->get(int(i)), int(i));
        }
    for (size_t s = 0; s < segments.size(); ++s)
        for (int id : exports[s])
            if (!nodes[size_t(id)].keep) keepFor(segments[s], builders[s]->get(id), id);
    for (GraphSegment& seg : segments) {
        seg.plan = planMemory(seg.graph);
        seg.arena = seg.device->bufferType().allocate(seg.plan.arenaBytes);
    }
    return segments;
}

void runSegments(std::vector<GraphSegment>& segments, const Graph& original, GraphRun& run,
                 Backend& (*backendFor)(Device&))
{
    std::map<int, Tensor> handed; // original node -> value a later segment reads
    for (GraphSegment& seg : segments) {
        GraphRun part;
        part.precision = run.precision;
        for (const Node& n : seg.graph.nodes()) {
            if (n.op != Op::Input) continue;
            auto b = seg.boundary.find(n.name);
            if (b != seg.boundary.end()) {
                part.inputs[n.name] = handed.at(b->second);
            } else {
                auto it = run.inputs.find(n.name);
                if (it == run.inputs.end()) throw Error("graph", "input '" + n.name + "' is not bound");
                part.inputs[n.name] = it->second;
            }
        }
        if (run.observe)
            part.observe = [&](const std::string& key, const Tensor& value) {
                auto it = seg.original.find(key);
                if (it == seg.original.end()) return;
                for (int id : it->second)
                    if (original.node(id).keep) run.observe(keyOf(original, id), value);
            };
        backendFor(*seg.device).compute(seg.graph, seg.plan, *seg.arena, part);
        if (run.precisionUsed.empty() || part.precisionUsed == "f16") run.precisionUsed = part.precisionUsed;
        if (run.precisionNote.empty()) run.precisionNote = part.precisionNote;
        for (auto& [key, value] : part.kept) {
            auto it = seg.original.find(key);
            if (it == seg.original.end()) continue;
            for (int id : it->second) {
                if (original.node(id).keep) run.kept[keyOf(original, id)] = value;
                handed[id] = value;
            }
        }
    }
}

} // namespace loupe::compute
