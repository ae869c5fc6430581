// SPDX-License-Identifier: MIT
// Helpers for the op tests: random tensors, non-contiguous views of them, and element access by
// multi-index so the references below are written as plainly as the maths (in double).
#pragma once

#include "compute/tensor.h"

#include <cmath>
#include <random>
#include <vector>

namespace loupe::test {

using compute::DType;
using compute::Shape;
using compute::Tensor;

inline Tensor randomTensor(std::mt19937& rng, Shape shape, float lo = -2.f, float hi = 2.f)
{
    Tensor t = Tensor::empty(DType::F32, std::move(shape));
    std::uniform_real_distribution<float> d(lo, hi);
    for (int64_t i = 0; i < t.numel(); ++i)
        t.ptr<float>()[i] = d(rng);
    return t;
}

// The same values as a non-contiguous view: stored with dims `perm` order, then permuted back.
inline Tensor strided(const Tensor& t, const std::vector<int64_t>& perm)
{
    Shape stored(perm.size());
    for (size_t i = 0; i < perm.size(); ++i)
        stored[i] = t.shape()[size_t(perm[i])];
    Tensor s = t.permute(perm).contiguous();
    std::vector<int64_t> inv(perm.size());
    for (size_t i = 0; i < perm.size(); ++i)
        inv[size_t(perm[i])] = int64_t(i);
    return s.permute(inv);
}

inline double at(const Tensor& t, const Shape& idx)
{
    return double(t.itemF32(idx));
}

// Calls f(index) for every multi-index of `shape`, row-major.
template <typename F> void forEachIndex(const Shape& shape, F f)
{
    Shape idx(shape.size(), 0);
    const int64_t n = compute::shapeNumel(shape);
    for (int64_t i = 0; i < n; ++i) {
        f(idx);
        for (size_t d = shape.size(); d-- > 0;) {
            if (++idx[d] < shape[d]) break;
            idx[d] = 0;
        }
    }
}

// Largest |a - ref| / (atol + rtol |ref|) over all elements (<= 1 passes).
inline double worst(const Tensor& a, const std::vector<double>& ref, double atol, double rtol)
{
    const std::vector<float> v = a.toF32Vector();
    if (v.size() != ref.size()) return INFINITY;
    double w = 0;
    for (size_t i = 0; i < v.size(); ++i) {
        const double r = std::fabs(double(v[i]) - ref[i]) / (atol + rtol * std::fabs(ref[i]));
        w = std::isnan(r) ? INFINITY : std::max(w, r);
    }
    return w;
}

} // namespace loupe::test
