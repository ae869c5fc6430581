// SPDX-License-Identifier: MIT
#include "compute/models/transformer/embedding.h"

#include "compute/error.h"

#include <cstring>

namespace loupe::compute::transformer {

Tensor gatherRows(const Tensor& tableIn, const std::vector<int64_t>& ids, const std::string& what)
{
    const Tensor table = tableIn.contiguous();
    const int64_t V = table.size(0), D = table.size(1);
    Tensor out = Tensor::empty(DType::F32, {int64_t(ids.size()), D});
    for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] < 0 || ids[i] >= V)
            throw Error(what, "index " + std::to_string(ids[i]) + " is outside the table of " +
                                  std::to_string(V) + " rows");
        std::memcpy(out.ptr<float>() + int64_t(i) * D, table.ptr<float>() + ids[i] * D,
                    size_t(D) * sizeof(float));
    }
    return out;
}

NodeId tokenPositionEmbedding(Graph& g, int64_t B, int64_t n, int64_t D)
{
    NodeId tok = g.input("token_embeds", {B, n, D});
    NodeId pos = g.input("position_embeds", {B, n, D});
    return g.name(g.add(tok, pos), "embed.out");
}

} // namespace loupe::compute::transformer
