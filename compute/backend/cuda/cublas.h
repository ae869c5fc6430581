// SPDX-License-Identifier: MIT
#pragma once

#include <cublas_v2.h>
#include <string>

namespace loupe::compute::cuda {

// cuBLAS, opened with dlopen on first use so that the `loupe` binary starts (and runs on the CPU) where
// no CUDA library is installed. Each pointer has the type of the function the header declares.
struct CublasApi
{
    decltype(&cublasCreate_v2) create = nullptr;
    decltype(&cublasDestroy_v2) destroy = nullptr;
    decltype(&cublasSetStream_v2) setStream = nullptr;
    decltype(&cublasSetWorkspace_v2) setWorkspace = nullptr;
    decltype(&cublasSetMathMode) setMathMode = nullptr;
    decltype(&cublasGetVersion_v2) getVersion = nullptr;
    decltype(&cublasGetStatusString) statusString = nullptr;
    // C++ sees an inline overload of these two (taking cudaDataType as compute type); the exported
    // functions are the ones taking cublasComputeType_t.
    using GemmEx = cublasStatus_t (*)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int,
                                      const void*, const void*, cudaDataType, int, const void*, cudaDataType,
                                      int, const void*, void*, cudaDataType, int, cublasComputeType_t,
                                      cublasGemmAlgo_t);
    using GemmStridedBatchedEx = cublasStatus_t (*)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int,
                                                    int, int, const void*, const void*, cudaDataType, int,
                                                    long long, const void*, cudaDataType, int, long long,
                                                    const void*, void*, cudaDataType, int, long long, int,
                                                    cublasComputeType_t, cublasGemmAlgo_t);
    decltype(static_cast<GemmEx>(&cublasGemmEx)) gemmEx = nullptr;
    decltype(static_cast<GemmStridedBatchedEx>(&cublasGemmStridedBatchedEx)) gemmStridedBatchedEx = nullptr;
    std::string library; // the file that was opened
};

// The loaded API, or nullptr with `why` set ("libcublas.so.13: cannot open shared object file ...").
// Tries libcublasLt.so.13 and libcublas.so.13 (their dependency), then the unversioned names, then
// $CUDA_HOME/lib64 and /usr/local/cuda/lib64. Thread-safe; loads once.
const CublasApi* cublas(std::string* why = nullptr);

// Throws a "cuda: ..." Error naming `what` unless `s` is CUBLAS_STATUS_SUCCESS.
void checkBlas(cublasStatus_t s, const char* what);

} // namespace loupe::compute::cuda
