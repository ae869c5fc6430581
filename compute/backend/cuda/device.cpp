// SPDX-License-Identifier: MIT
#include "compute/backend/cuda/device.h"

#include "compute/backend/cuda/cuda_backend.h"
#include "compute/error.h"

#include <cstring>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <sstream>
#include <vector>

namespace loupe::compute::cuda {

CudaDevice::CudaDevice(CudaDeviceInfo info)
    : info_(std::move(info)), pool_(info_.index), type_(info_.name, pool_)
{
}

CudaDevice::~CudaDevice()
{
    weights_.clear(); // their buffers go back to the pool before it is destroyed
}

std::string CudaDevice::description() const
{
    std::ostringstream s;
    s.precision(3);
    s << info_.name << " (compute " << info_.computeCapability << ", "
      << double(info_.memoryBytes) / (1 << 30) << " GiB, driver " << info_.driver << ")";
    return s.str();
}

bool CudaDevice::supportsOp(const Node& n) const
{
    if (n.dtype != DType::F32) return false;
    switch (n.op) {
    case Op::Weight:
        return n.packed || n.value.dtype() == DType::F32;
    case Op::MatMul:
        return n.shape.size() >= 2 && n.shape.size() <= 4;
    case Op::Input:
    case Op::View:
    case Op::Cont:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Linear:
    case Op::LayerNorm:
    case Op::Act:
    case Op::Softmax:
    case Op::PatchEmbed:
    case Op::Concat:
    case Op::Bicubic:
    case Op::Attention: // head dims past kAttentionMaxHead take the unfused path (op_attention.cpp)
    case Op::SoftmaxGrad:
    case Op::LayerNormGrad:
    case Op::ActGrad:
    case Op::BicubicGrad:
    case Op::Col2Im:
    case Op::SumTo:
    case Op::Embed:
        return true;
    }
    return false;
}

std::unique_ptr<Backend> CudaDevice::createBackend()
{
    return createCudaBackend(*this, Precision::Default);
}

Tensor CudaDevice::hostValues(const Node& n) const
{
    if (n.packed) {
        Tensor values = Tensor::empty(DType::F32, {n.packed->rows(), n.packed->cols()});
        n.packed->unpack(values.ptr<float>());
        return values;
    }
    if (n.value.dtype() != DType::F32) throw Error("cuda", "weight '" + n.name + "' is not f32");
    return n.value.contiguous();
}

CudaDevice::CachedWeight& CudaDevice::cached(const Node& n)
{
    std::ostringstream key;
    if (n.packed)
        key << "packed:" << n.packed.get();
    else
        key << n.value.data() << shapeString(n.value.shape()) << shapeString(n.value.strides());
    if (CachedWeight* hit = weights_.find(key.str())) return *hit;
    CachedWeight w;
    if (n.packed || n.value.isContiguous() || n.value.numel() == 0) {
        const Tensor values = hostValues(n);
        w.f32 = type_.allocate(values.nbytes());
        w.f32->write(0, values.data(), values.nbytes());
        w.value = {static_cast<float*>(static_cast<CudaBuffer*>(w.f32.get())->device()), values.shape(),
                   contiguousStrides(values.shape())};
    } else {
        // A strided weight keeps its layout on the device: the graph's views of it carry strides
        // relative to it. The span from its lowest to its highest element goes up as it is.
        const Tensor& t = n.value;
        int64_t lo = 0, hi = 0;
        for (size_t d = 0; d < t.shape().size(); ++d) {
            const int64_t reach = (t.shape()[d] - 1) * t.strides()[d];
            (reach < 0 ? lo : hi) += reach;
        }
        const size_t bytes = size_t(hi - lo + 1) * sizeof(float);
        w.f32 = type_.allocate(bytes);
        w.f32->write(0, t.ptr<float>() + lo, bytes);
        w.value = {static_cast<float*>(static_cast<CudaBuffer*>(w.f32.get())->device()) - lo, t.shape(),
                   t.strides()};
    }
    std::shared_ptr<const void> owner = n.packed;
    if (!n.packed) owner = n.value.owner();
    return weights_.insert(key.str(), owner, std::move(w));
}

DTensor CudaDevice::weight(const Node& n)
{
    std::lock_guard lock(weightsMutex_);
    return cached(n).value;
}

const void* CudaDevice::halfWeight(const Node& n, bool bf16)
{
    std::lock_guard lock(weightsMutex_);
    CachedWeight& w = cached(n);
    std::unique_ptr<Buffer>& buf = bf16 ? w.bf16 : w.f16;
    if (!buf) {
        // Rounded on the host once per weight (round to nearest even, as torch's .half()/.bfloat16()).
        const Tensor values = hostValues(n);
        const int64_t count = values.numel();
        std::vector<uint16_t> bits(static_cast<size_t>(count));
        const float* src = values.ptr<float>();
        for (int64_t i = 0; i < count; ++i) {
            if (bf16) {
                const __nv_bfloat16 h = __float2bfloat16_rn(src[i]);
                std::memcpy(&bits[size_t(i)], &h, 2);
            } else {
                const __half h = __float2half_rn(src[i]);
                std::memcpy(&bits[size_t(i)], &h, 2);
            }
        }
        buf = type_.allocate(bits.size() * 2);
        buf->write(0, bits.data(), bits.size() * 2);
    }
    return static_cast<CudaBuffer*>(buf.get())->device();
}

size_t CudaDevice::releaseUnusedWeights()
{
    std::lock_guard lock(weightsMutex_);
    return weights_.sweep();
}

} // namespace loupe::compute::cuda
