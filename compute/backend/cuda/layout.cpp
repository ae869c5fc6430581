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

} // namespace loupe::compute::cuda
