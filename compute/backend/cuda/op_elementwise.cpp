// SPDX-License-Identifier: MIT
// Strided copies, broadcast arithmetic, activations and concat: one generic strided kernel each
// (elementwise.cu), over a layout with dims merged where the views allow (layout.cpp).
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/ops.h"
#include "compute/error.h"

namespace loupe::compute::cuda {

DTensor packed(Exec& x, const DTensor& t)
{
    if (t.packed()) return t;
    DTensor p{x.scratch->takeF32(t.numel()), t.shape, contiguousStrides(t.shape)};
    copy(x, p, t);
    return p;
}

void copy(Exec& x, const DTensor& out, const DTensor& in)
{
    if (in.shape != out.shape) throw Error("cuda", "copy: shapes differ");
    check(launchBinary(x.stream, Elementwise::Copy, out.data, in.data, nullptr, makeLayout("copy", out, in)),
          "copy");
}

void binary(Exec& x, Op op, const DTensor& out, const DTensor& a, const DTensor& b)
{
    const Elementwise e = op == Op::Add   ? Elementwise::Add
                          : op == Op::Sub ? Elementwise::Sub
                                          : Elementwise::Mul;
    if (op != Op::Add && op != Op::Sub && op != Op::Mul)
        throw Error("cuda", std::string("binary: unsupported op ") + opName(op));
    check(launchBinary(x.stream, e, out.data, a.data, b.data, makeLayout(opName(op), out, a, &b)),
          opName(op));
}

void activation(Exec& x, const DTensor& out, const DTensor& in, Activation act)
{
    check(launchActivation(x.stream, int(act), out.data, in.data, makeLayout("activation", out, in)),
          std::string("activation ") + activationName(act));
}

void concat(Exec& x, const DTensor& out, const DTensor& a, const DTensor& b, int64_t dimIn)
{
    const size_t dim = size_t(dimIn < 0 ? dimIn + int64_t(out.shape.size()) : dimIn);
    DTensor first = out, second = out;
    first.shape[dim] = a.shape[dim];
    second.shape[dim] = out.shape[dim] - a.shape[dim];
    second.data = out.data + a.shape[dim] * out.strides[dim];
    copy(x, first, a);
    copy(x, second, b);
}

} // namespace loupe::compute::cuda
