// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph.h"

#include <cstddef>
#include <vector>

namespace loupe::compute {

// Where every computed tensor lives in one arena, decided before anything runs. A tensor's block is
// taken when its node runs and given back after its last reader (views extend their source's life);
// kept tensors stay to the end. Best-fit reuse of freed blocks, 64-byte aligned.
struct MemoryPlan
{
    std::vector<int64_t> offset; // per node: byte offset in the arena, -1 for inputs, weights and views
    size_t arenaBytes = 0;       // peak
    size_t keptBytes = 0;        // bytes of tensors kept to the end
    size_t largestTensorBytes = 0;
    size_t sumOfTensorsBytes = 0; // what the graph would need without reuse
};

MemoryPlan planMemory(const Graph& g);

} // namespace loupe::compute
