// SPDX-License-Identifier: MIT
#pragma once

#include "compute/gemm/gemm.h"

#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>

// What the oneDNN kernels of each precision share: one engine and one stream for the process.
namespace loupe::compute::onednn {

dnnl::engine& engine();
// The shared stream; oneDNN parallelises inside one call, so calls are serialised with runMutex().
dnnl::stream& stream();
std::mutex& runMutex();
// oneDNN's eltwise post-op for an activation; false for None.
bool eltwiseFor(Activation a, dnnl::algorithm& alg, float& alpha);
// Whether an implementation string names oneDNN's slow reference kernels.
bool isReferenceImpl(const char* impl);

} // namespace loupe::compute::onednn
