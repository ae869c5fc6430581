// SPDX-License-Identifier: MIT
#include "compute/tensor.h"

#include "compute/error.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <numeric>

namespace loupe::compute {

int64_t shapeNumel(const Shape& s)
{
    int64_t n = 1;
    for (int64_t d : s)
        n *= d;
    return n;
}

Shape contiguousStrides(const Shape& s)
{
    Shape st(s.size());
    int64_t acc = 1;
    for (size_t i = s.size(); i-- > 0;) {
        st[i] = acc;
        acc *= s[i];
    }
    return st;
}

std::string shapeString(const Shape& s)
{
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i)
        out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

namespace {

struct AlignedFree
{
    void operator()(void* p) const { std::free(p); }
};

std::shared_ptr<void> alignedAlloc(size_t bytes)
{
    const size_t rounded = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, rounded);
    if (!p) throw Error("tensor", "out of memory allocating " + std::to_string(bytes) + " bytes");
    return std::shared_ptr<void>(p, AlignedFree());
}

double loadAsDouble(const void* base, DType t, int64_t i)
{
    switch (t) {
    case DType::F32:
        return static_cast<const float*>(base)[i];
    case DType::F16:
        return halfToFloat(static_cast<const uint16_t*>(base)[i]);
    case DType::BF16:
        return bf16ToFloat(static_cast<const uint16_t*>(base)[i]);
    case DType::I32:
        return static_cast<const int32_t*>(base)[i];
    case DType::I64:
        return double(static_cast<const int64_t*>(base)[i]);
    case DType::U8:
        return static_cast<const uint8_t*>(base)[i];
    case DType::F64:
        return static_cast<const double*>(base)[i];
    case DType::Bool:
        return static_cast<const uint8_t*>(base)[i] ? 1 : 0;
    case DType::I8:
        return static_cast<const int8_t*>(base)[i];
    }
    return 0;
}

void storeFromDouble(void* base, DType t, int64_t i, double v)
{
    switch (t) {
    case DType::F32:
        static_cast<float*>(base)[i] = float(v);
        break;
    case DType::F16:
        static_cast<uint16_t*>(base)[i] = floatToHalf(float(v));
        break;
    case DType::BF16:
        static_cast<uint16_t*>(base)[i] = floatToBf16(float(v));
        break;
    case DType::I32:
        static_cast<int32_t*>(base)[i] = int32_t(v);
        break;
    case DType::I64:
        static_cast<int64_t*>(base)[i] = int64_t(v);
        break;
    case DType::U8:
        static_cast<uint8_t*>(base)[i] = uint8_t(v);
        break;
    case DType::F64:
        static_cast<double*>(base)[i] = v;
        break;
    case DType::Bool:
        static_cast<uint8_t*>(base)[i] = v != 0;
        break;
    case DType::I8:
        // Clamped first: converting an out-of-range double to int8_t is undefined.
        static_cast<int8_t*>(base)[i] = int8_t(std::clamp(v, -128.0, 127.0));
        break;
    }
}

} // namespace

Tensor Tensor::empty(DType dtype, Shape shape)
{
    for (int64_t d : shape)
        if (d < 0) throw Error("tensor", "negative dimension in shape " + shapeString(shape));
    Tensor t;
    t.dtype_ = dtype;
    t.strides_ = contiguousStrides(shape);
    t.shape_ = std::move(shape);
    auto mem = alignedAlloc(t.nbytes());
    t.data_ = mem.get();
    t.owner_ = std::move(mem);
    return t;
}

Tensor Tensor::zeros(DType dtype, Shape shape)
{
    Tensor t = empty(dtype, std::move(shape));
    std::memset(t.data_, 0, t.nbytes());
    return t;
}

Tensor Tensor::fromF32(Shape shape, const float* data)
{
    Tensor t = empty(DType::F32, std::move(shape));
    std::memcpy(t.data_, data, t.nbytes());
    return t;
}

Tensor Tensor::fromF32(Shape shape, const std::vector<float>& data)
{
    if (int64_t(data.size()) != shapeNumel(shape))
        throw Error("tensor", "shape " + shapeString(shape) + " does not match " +
                                  std::to_string(data.size()) + " values");
    return fromF32(std::move(shape), data.data());
}

Tensor Tensor::wrap(void* data, DType dtype, Shape shape, std::shared_ptr<const void> owner)
{
    Tensor t;
    t.dtype_ = dtype;
    t.strides_ = contiguousStrides(shape);
    t.shape_ = std::move(shape);
    t.data_ = data;
    t.owner_ = std::move(owner);
    return t;
}

Tensor Tensor::strided(void* data, DType dtype, Shape shape, Shape strides, std::shared_ptr<const void> owner)
{
    if (strides.size() != shape.size())
        throw Error("tensor", "strides do not match shape " + shapeString(shape));
    Tensor t;
    t.dtype_ = dtype;
    t.shape_ = std::move(shape);
    t.strides_ = std::move(strides);
    t.data_ = data;
    t.owner_ = std::move(owner);
    return t;
}

bool Tensor::isContiguous() const
{
    int64_t acc = 1;
    for (size_t i = shape_.size(); i-- > 0;) {
        if (shape_[i] != 1 && strides_[i] != acc) return false;
        acc *= shape_[i];
    }
    return true;
}

int64_t Tensor::normDim(int64_t d) const
{
    const int64_t n = dim();
    if (d < 0) d += n;
    if (d < 0 || d >= n)
        throw Error("tensor",
                    "dimension " + std::to_string(d) + " out of range for shape " + shapeString(shape_));
    return d;
}

Tensor Tensor::permute(const std::vector<int64_t>& dims) const
{
    if (int64_t(dims.size()) != dim())
        throw Error("tensor", "permute needs " + std::to_string(dim()) + " dimensions");
    Tensor t = *this;
    std::vector<bool> seen(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) {
        const int64_t d = normDim(dims[i]);
        if (seen[d]) throw Error("tensor", "permute repeats dimension " + std::to_string(d));
        seen[d] = true;
        t.shape_[i] = shape_[d];
        t.strides_[i] = strides_[d];
    }
    return t;
}

Tensor Tensor::transpose(int64_t a, int64_t b) const
{
    std::vector<int64_t> dims(shape_.size());
    std::iota(dims.begin(), dims.end(), 0);
    std::swap(dims[normDim(a)], dims[normDim(b)]);
    return permute(dims);
}

Tensor Tensor::slice(int64_t d, int64_t start, int64_t end, int64_t step) const
{
    d = normDim(d);
    const int64_t n = shape_[d];
    if (start < 0) start += n;
    if (end < 0) end += n;
    end = std::min(end, n);
    if (step <= 0 || start < 0 || start > end)
        throw Error("tensor", "invalid slice [" + std::to_string(start) + ":" + std::to_string(end) +
                                  "] of dimension " + std::to_string(d) + " in " + shapeString(shape_));
    Tensor t = *this;
    t.data_ = static_cast<char*>(data_) + start * strides_[d] * int64_t(dtypeSize(dtype_));
    t.shape_[d] = (end - start + step - 1) / step;
    t.strides_[d] = strides_[d] * step;
    return t;
}

Tensor Tensor::select(int64_t d, int64_t index) const
{
    d = normDim(d);
    Tensor t = slice(d, index, index + 1);
    t.shape_.erase(t.shape_.begin() + d);
    t.strides_.erase(t.strides_.begin() + d);
    return t;
}

Tensor Tensor::reshape(Shape shape) const
{
    int64_t infer = -1, known = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == -1) {
            if (infer >= 0) throw Error("tensor", "reshape with two -1 dimensions");
            infer = int64_t(i);
        } else {
            known *= shape[i];
        }
    }
    if (infer >= 0 && known > 0) shape[infer] = numel() / known;
    if (shapeNumel(shape) != numel())
        throw Error("tensor", "cannot reshape " + shapeString(shape_) + " into " + shapeString(shape));
    if (!isContiguous())
        throw Error("tensor",
                    "reshape of a non-contiguous view " + shapeString(shape_) + "; call contiguous() first");
    Tensor t = *this;
    t.strides_ = contiguousStrides(shape);
    t.shape_ = std::move(shape);
    return t;
}

Tensor Tensor::unsqueeze(int64_t d) const
{
    if (d < 0) d += dim() + 1;
    if (d < 0 || d > dim()) throw Error("tensor", "unsqueeze dimension out of range");
    Tensor t = *this;
    const int64_t st = d < dim() ? strides_[d] * shape_[d] : 1;
    t.shape_.insert(t.shape_.begin() + d, 1);
    t.strides_.insert(t.strides_.begin() + d, st);
    return t;
}

void copyInto(const Tensor& dst, const Tensor& src)
{
    if (dst.shape() != src.shape())
        throw Error("tensor", "copy from " + shapeString(src.shape()) + " into " + shapeString(dst.shape()));
    const int64_t n = src.numel();
    if (n == 0) return;
    if (dst.dtype() == src.dtype() && dst.isContiguous() && src.isContiguous()) {
        std::memcpy(dst.data(), src.data(), dst.nbytes());
        return;
    }
    const int64_t nd = src.dim();
    std::vector<int64_t> idx(size_t(nd), 0);
    int64_t so = 0, doff = 0;
    for (int64_t i = 0; i < n; ++i) {
        storeFromDouble(dst.data(), dst.dtype(), doff, loadAsDouble(src.data(), src.dtype(), so));
        for (int64_t d = nd - 1; d >= 0; --d) {
            so += src.strides()[d];
            doff += dst.strides()[d];
            if (++idx[d] < src.shape()[d]) break;
            so -= src.strides()[d] * src.shape()[d];
            doff -= dst.strides()[d] * dst.shape()[d];
            idx[d] = 0;
        }
    }
}

Tensor Tensor::contiguous() const
{
    return isContiguous() ? *this : clone();
}

Tensor Tensor::clone() const
{
    if (!defined()) throw Error("tensor", "copying an undefined tensor");
    Tensor t = empty(dtype_, shape_);
    copyInto(t, *this);
    return t;
}

Tensor Tensor::to(DType dtype) const
{
    if (!defined()) throw Error("tensor", "converting an undefined tensor");
    Tensor t = empty(dtype, shape_);
    copyInto(t, *this);
    return t;
}

std::vector<float> Tensor::toF32Vector() const
{
    if (!defined()) throw Error("tensor", "reading an undefined tensor");
    Tensor t = (dtype_ == DType::F32 && isContiguous()) ? *this : to(DType::F32);
    const float* p = t.ptr<float>();
    return std::vector<float>(p, p + t.numel());
}

float Tensor::itemF32(const Shape& index) const
{
    if (!defined()) throw Error("tensor", "reading an undefined tensor");
    if (int64_t(index.size()) != dim()) throw Error("tensor", "index rank mismatch");
    int64_t off = 0;
    for (size_t i = 0; i < index.size(); ++i) {
        if (index[i] < 0 || index[i] >= shape_[i]) throw Error("tensor", "index out of range");
        off += index[i] * strides_[i];
    }
    return float(loadAsDouble(data_, dtype_, off));
}

} // namespace loupe::compute
