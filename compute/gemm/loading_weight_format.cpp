// SPDX-License-Identifier: MIT
#include "compute/gemm/loading_weight_format.h"

namespace loupe::compute {

namespace {
thread_local WeightFormat t_loading{Precision::F32};
}

WeightFormatScope::WeightFormatScope(const WeightFormat& format) : previous_(t_loading)
{
    t_loading = format;
}

WeightFormatScope::~WeightFormatScope()
{
    t_loading = previous_;
}

WeightFormat loadingWeightFormat()
{
    return t_loading;
}

} // namespace loupe::compute
