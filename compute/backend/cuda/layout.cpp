// SPDX-License-Identifier: MIT
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/dtensor.h"
#include "compute/error.h"

namespace loupe::compute::cuda {

namespace {

Shape aligned(const DTensor& t, const Shape& out)
{
    Shape s(out.size(), 0);
    const size_t lead = out.size() - t.shape.size();
    for (size_t i = 0; i < t.shape.size(); ++i)
        s[lead + i] = t.shape[i] == 1 ? 0 : t.strides[i];
    return s;
}

} // namespace

Layout makeLayout(const char* op, const DTensor& out, const DTensor& a, const DTensor* b)
{
    if (a.shape.size() > out.shape.size() || (b && b->shape.size() > out.shape.size()))
        throw Error("cuda", std::string(op) + ": an operand has more dims than the output");
    const Shape so = out.strides, sa = aligned(a, out.shape),
                sb = b ? aligned(*b, out.shape) : Shape(out.shape.size(), 0);
    // Walk from the innermost dim outwards, merging dim d into the current (inner) one when, for every
    // operand, stepping d equals stepping the inner one across its whole extent. Size-1 dims vanish.
    struct Dim
    {
        int64_t size, o, a, b;
    };
    std::vector<Dim> dims; // innermost first
    for (size_t i = out.shape.size(); i-- > 0;) {
        const int64_t n = out.shape[i];
        if (n == 1) continue;
        if (!dims.empty()) {
            Dim& in = dims.back();
            if (so[i] == in.o * in.size && sa[i] == in.a * in.size && sb[i] == in.b * in.size) {
                in.size *= n;
                continue;
            }
        }
        dims.push_back({n, so[i], sa[i], sb[i]});
    }
    Layout l;
    l.n = shapeNumel(out.shape);
    if (dims.size() > size_t(kMaxDims))
        unsupported(std::string(op) + ": views with more than " + std::to_string(kMaxDims) +
                    " dims that cannot be merged are not supported");
    l.nd = int(dims.size());
    for (int d = 0; d < l.nd; ++d) {
        const Dim& x = dims[size_t(l.nd - 1 - d)];
        l.shape[d] = x.size;
        l.so[d] = x.o;
        l.sa[d] = x.a;
        l.sb[d] = x.b;
    }
    return l;
}

namespace {

// Dims of one stride list (sizes, strides) merged from the innermost outwards where stepping the outer
// dim equals stepping the inner one across its extent; size-1 dims vanish.
Layout folded(const char* op, const std::vector<std::pair<int64_t, int64_t>>& dimsOuterFirst)
{
    std::vector<std::pair<int64_t, int64_t>> dims; // innermost first
    int64_t n = 1;
    for (size_t i = dimsOuterFirst.size(); i-- > 0;) {
        const auto [size, stride] = dimsOuterFirst[i];
        n *= size;
        if (size == 1) continue;
        if (!dims.empty() && stride == dims.back().second * dims.back().first) {
            dims.back().first *= size;
            continue;
        }
        dims.emplace_back(size, stride);
    }
    if (dims.size() > size_t(kMaxDims))
        unsupported(std::string(op) + ": more than " + std::to_string(kMaxDims) +
                    " dims that cannot be merged are not supported");
    Layout l;
    l.n = n;
    l.nd = int(dims.size());
    for (int d = 0; d < l.nd; ++d) {
        l.shape[d] = dims[size_t(l.nd - 1 - d)].first;
        l.so[d] = dims[size_t(l.nd - 1 - d)].second;
    }
    return l;
}

} // namespace

void sumToLayouts(const DTensor& x, const Shape& outShape, Layout& kept, Layout& reduced)
{
    if (outShape.size() > x.shape.size())
        throw Error("cuda", "sum_to: the output has more dims than the input");
    const size_t lead = x.shape.size() - outShape.size();
    std::vector<std::pair<int64_t, int64_t>> keptDims, reducedDims;
    for (size_t i = 0; i < x.shape.size(); ++i) {
        const bool reduce = i < lead || (outShape[i - lead] == 1 && x.shape[i] != 1);
        if (!reduce && outShape[i - lead] != x.shape[i])
            throw Error("cuda",
                        "sum_to: " + shapeString(x.shape) + " does not reduce to " + shapeString(outShape));
        (reduce ? reducedDims : keptDims).emplace_back(x.shape[i], x.strides[i]);
    }
    kept = folded("sum_to", keptDims);
    reduced = folded("sum_to", reducedDims);
}

} // namespace loupe::compute::cuda
