// SPDX-License-Identifier: MIT
#pragma once

#include "compute/dtype.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {

using Shape = std::vector<int64_t>;

// Number of elements of a shape (1 for a scalar).
int64_t shapeNumel(const Shape& s);
// Row-major (C-contiguous) strides of a shape, in elements.
Shape contiguousStrides(const Shape& s);
std::string shapeString(const Shape& s); // "[1, 197, 768]"

// A strided view of host memory. Copies share the memory (like torch.Tensor); views (permute, slice,
// reshape, transpose) never copy. `owner` keeps the memory alive; a tensor made by wrap() without an
// owner borrows memory the caller keeps alive (the executor does this for its arena).
class Tensor
{
public:
    Tensor() = default;

    static Tensor empty(DType dtype, Shape shape); // uninitialised, 64-byte aligned
    static Tensor zeros(DType dtype, Shape shape);
    static Tensor fromF32(Shape shape, const float* data); // copies
    static Tensor fromF32(Shape shape, const std::vector<float>& data);
    static Tensor wrap(void* data, DType dtype, Shape shape, std::shared_ptr<const void> owner = {});
    static Tensor strided(void* data, DType dtype, Shape shape, Shape strides,
                          std::shared_ptr<const void> owner = {});

    bool defined() const { return data_ != nullptr || numel() == 0; }
    DType dtype() const { return dtype_; }
    const Shape& shape() const { return shape_; }
    const Shape& strides() const { return strides_; }
    int64_t dim() const { return int64_t(shape_.size()); }
    int64_t size(int64_t d) const { return shape_[normDim(d)]; }
    int64_t stride(int64_t d) const { return strides_[normDim(d)]; }
    int64_t numel() const { return shapeNumel(shape_); }
    size_t nbytes() const { return size_t(numel()) * dtypeSize(dtype_); }
    bool isContiguous() const;

    void* data() const { return data_; }
    template <typename T> T* ptr() const { return static_cast<T*>(data_); }
    const std::shared_ptr<const void>& owner() const { return owner_; }

    // Views (no copy). Negative dims count from the end. Throw Error on invalid arguments.
    Tensor permute(const std::vector<int64_t>& dims) const;
    Tensor transpose(int64_t a, int64_t b) const;
    Tensor slice(int64_t dim, int64_t start, int64_t end, int64_t step = 1) const;
    Tensor select(int64_t dim, int64_t index) const; // drops the dimension
    Tensor reshape(Shape shape) const;               // view; throws unless contiguous (use contiguous())
    Tensor unsqueeze(int64_t dim) const;

    Tensor contiguous() const;              // self if already contiguous, else a packed copy
    Tensor clone() const;                   // always a packed copy
    Tensor to(DType dtype) const;           // packed copy converted (float types <-> f32, ints)
    std::vector<float> toF32Vector() const; // row-major values as f32

    float itemF32(const Shape& index) const; // one element as f32 (tests, debugging)

private:
    int64_t normDim(int64_t d) const;

    DType dtype_ = DType::F32;
    Shape shape_;
    Shape strides_;
    void* data_ = nullptr;
    std::shared_ptr<const void> owner_;
};

// Copies src into dst elementwise, converting dtypes (shapes must match; both may be strided).
void copyInto(const Tensor& dst, const Tensor& src);

} // namespace loupe::compute
