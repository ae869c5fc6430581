// SPDX-License-Identifier: MIT
#include "compute/graph/planner.h"

#include <algorithm>
#include <climits>
#include <map>

namespace loupe::compute {

namespace {

constexpr size_t kAlign = 64;

bool computes(const Node& n)
{
    return n.op != Op::Input && n.op != Op::Weight && n.op != Op::View;
}

// Free blocks keyed by offset; adjacent blocks merge, a block at the end shrinks the high-water mark.
class Allocator
{
public:
    size_t allocate(size_t bytes)
    {
        auto best = free_.end();
        for (auto it = free_.begin(); it != free_.end(); ++it)
            if (it->second >= bytes && (best == free_.end() || it->second < best->second)) best = it;
        if (best != free_.end()) {
            const size_t off = best->first, left = best->second - bytes;
            free_.erase(best);
            if (left) free_[off + bytes] = left;
            return off;
        }
        // Grow, absorbing a free block that ends at the top.
        size_t off = top_;
        if (!free_.empty()) {
            auto last = std::prev(free_.end());
            if (last->first + last->second == top_) {
                off = last->first;
                free_.erase(last);
            }
        }
        top_ = off + bytes;
        peak_ = std::max(peak_, top_);
        return off;
    }
    void release(size_t off, size_t bytes)
    {
        auto it = free_.emplace(off, bytes).first;
        auto next = std::next(it);
        if (next != free_.end() && it->first + it->second == next->first) {
            it->second += next->second;
            free_.erase(next);
        }
        if (it != free_.begin()) {
            auto prev = std::prev(it);
            if (prev->first + prev->second == it->first) {
                prev->second += it->second;
                free_.erase(it);
                it = prev;
            }
        }
        if (it->first + it->second == top_) {
            top_ = it->first;
            free_.erase(it);
        }
    }
    size_t peak() const { return peak_; }

private:
    std::map<size_t, size_t> free_;
    size_t top_ = 0, peak_ = 0;
};

} // namespace

MemoryPlan planMemory(const Graph& g)
{
    const auto& nodes = g.nodes();
    const int count = int(nodes.size());
    std::vector<int> lastUse(nodes.size(), -1);
    for (int i = 0; i < count; ++i) {
        lastUse[size_t(i)] = std::max(lastUse[size_t(i)], i);
        for (int s : nodes[size_t(i)].src)
            if (s >= 0) {
                const int r = g.storageRoot(s);
                lastUse[size_t(r)] = std::max(lastUse[size_t(r)], i);
            }
    }
    // Kept tensors (and the sources of kept views) live to the end.
    for (int i = 0; i < count; ++i)
        if (nodes[size_t(i)].keep) lastUse[size_t(g.storageRoot(i))] = INT_MAX;

    MemoryPlan plan;
    plan.offset.assign(nodes.size(), -1);
    std::vector<size_t> bytes(nodes.size(), 0);
    std::vector<std::vector<int>> dies(nodes.size());
    for (int i = 0; i < count; ++i)
        if (computes(nodes[size_t(i)]) && lastUse[size_t(i)] != INT_MAX)
            dies[size_t(lastUse[size_t(i)])].push_back(i);

    Allocator alloc;
    for (int i = 0; i < count; ++i) {
        const Node& n = nodes[size_t(i)];
        if (computes(n)) {
            const size_t b = (size_t(n.numel()) * dtypeSize(n.dtype) + kAlign - 1) / kAlign * kAlign;
            bytes[size_t(i)] = b;
            plan.offset[size_t(i)] = int64_t(alloc.allocate(b));
            plan.largestTensorBytes = std::max(plan.largestTensorBytes, b);
            plan.sumOfTensorsBytes += b;
            if (lastUse[size_t(i)] == INT_MAX) plan.keptBytes += b;
        }
        for (int d : dies[size_t(i)])
            alloc.release(size_t(plan.offset[size_t(d)]), bytes[size_t(d)]);
    }
    plan.arenaBytes = alloc.peak();
    return plan;
}

} // namespace loupe::compute
