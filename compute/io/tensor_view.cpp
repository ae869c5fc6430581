// SPDX-License-Identifier: MIT
#include "compute/io/tensor_view.h"

#include "compute/error.h"

#include <cstring>

namespace loupe::compute {

int64_t TensorView::numel() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

std::optional<uint64_t> checkedNumel(const std::vector<int64_t>& shape, size_t elemSize)
{
    // Cap at 2^62 bytes so numel * elemSize and offset arithmetic can never wrap.
    constexpr uint64_t kMaxBytes = uint64_t(1) << 62;
    uint64_t n = 1;
    for (int64_t d : shape) {
        if (d < 0) return std::nullopt;
        if (d == 0)
            n = 0;
        else if (n != 0 && uint64_t(d) > kMaxBytes / n)
            return std::nullopt;
        else
            n *= uint64_t(d);
    }
    if (elemSize > 0 && n > kMaxBytes / elemSize) return std::nullopt;
    return n;
}

namespace {
template <typename T, typename F> void convert(const TensorView& t, std::vector<float>& out, F f)
{
    const auto* p = static_cast<const uint8_t*>(t.data);
    for (size_t i = 0; i < out.size(); ++i) {
        T v;
        std::memcpy(&v, p + i * sizeof(T), sizeof(T));
        out[i] = f(v);
    }
}
} // namespace

std::vector<float> toF32(const TensorView& t)
{
    const size_t es = dtypeSize(t.dtype);
    const auto n = checkedNumel(t.shape, es);
    if (!n || *n * es != t.nbytes) throw Error(t.name, "tensor byte size does not match its shape and dtype");
    std::vector<float> out(*n);
    switch (t.dtype) {
    case DType::F32:
        if (*n) std::memcpy(out.data(), t.data, t.nbytes);
        break;
    case DType::F16:
        convert<uint16_t>(t, out, halfToFloat);
        break;
    case DType::BF16:
        convert<uint16_t>(t, out, bf16ToFloat);
        break;
    case DType::F64:
        convert<double>(t, out, [](double v) { return float(v); });
        break;
    case DType::I32:
        convert<int32_t>(t, out, [](int32_t v) { return float(v); });
        break;
    case DType::I64:
        convert<int64_t>(t, out, [](int64_t v) { return float(v); });
        break;
    case DType::U8:
    case DType::Bool:
        convert<uint8_t>(t, out, [](uint8_t v) { return float(v); });
        break;
    case DType::I8: // the raw integers; Checkpoint dequantises weights that have a scale
        convert<int8_t>(t, out, [](int8_t v) { return float(v); });
        break;
    }
    return out;
}

} // namespace loupe::compute
