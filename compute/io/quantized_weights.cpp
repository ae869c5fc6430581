// SPDX-License-Identifier: MIT
#include "compute/io/quantized_weights.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/quantize/int8_scheme.h"

#include <cmath>
#include <cstring>

namespace loupe::compute {

namespace fs = std::filesystem;

WeightFormat savedWeightFormat(const nlohmann::json& config, const std::string& label)
{
    const auto q = config.find("quantization_config");
    if (q == config.end() || !q->is_object()) return {Precision::Default};
    const auto method = q->find("quant_method");
    if (method == q->end() || !method->is_string() || method->get<std::string>() != kQuantMethod)
        return {Precision::Default};
    const auto dtype = q->find("dtype");
    if (dtype == q->end() || !dtype->is_string())
        throw Error(label, "quantization_config has no \"dtype\" (bf16, f16 or int8)");
    const auto p = parsePrecision(dtype->get<std::string>());
    if (!p || *p == Precision::Default || *p == Precision::F32)
        throw Error(label, "quantization_config dtype \"" + dtype->get<std::string>() +
                               "\" is not one of bf16, f16, int8");
    WeightFormat f{*p};
    if (*p == Precision::Int8) {
        const auto g = q->find("group_size");
        if (g != q->end() && !g->is_null()) {
            if (!g->is_number_integer() || g->get<int64_t>() < 0)
                throw Error(label, "quantization_config group_size is not a non-negative integer");
            f.groupSize = g->get<int64_t>();
        }
    }
    return f;
}

nlohmann::json quantizationConfigJson(const WeightFormat& f)
{
    nlohmann::json j = {{"quant_method", kQuantMethod},
                        {"dtype", std::string(precisionName(f.precision))},
                        {"bits", f.precision == Precision::Int8 ? 8 : 16}};
    if (f.precision == Precision::Int8) j["group_size"] = f.groupSize;
    return j;
}

namespace {

std::string fileLabel(const std::map<std::string, fs::path, std::less<>>& fileOf, const std::string& name)
{
    const auto it = fileOf.find(name);
    return it == fileOf.end() ? std::string("checkpoint") : it->second.string();
}

} // namespace

void dequantizeInt8Tensors(std::map<std::string, TensorView, std::less<>>& tensors,
                           const std::map<std::string, fs::path, std::less<>>& fileOf,
                           std::vector<std::shared_ptr<std::vector<uint8_t>>>& owned)
{
    const std::string suffix = kScaleSuffix;
    // Only an I8 tensor's companion is a scale: other "*_scale" tensors (CLIP's logit_scale) are weights.
    std::vector<std::string> scaleNames;
    for (auto& [name, t] : tensors) {
        const std::string where = fileLabel(fileOf, name);
        if (t.dtype != DType::I8) continue;
        const auto s = tensors.find(name + suffix);
        if (s == tensors.end())
            throw Error(where, "tensor '" + name + "' is I8 but has no scale tensor '" + name + suffix +
                                   "' (quantised weights need one)");
        const TensorView& scale = s->second;
        scaleNames.push_back(s->first);
        if (t.shape.empty() || t.shape[0] == 0)
            throw Error(where, "I8 tensor '" + name + "' has no output dimension to scale");
        const int64_t N = t.shape[0], K = t.numel() / N;
        const std::vector<int64_t>& ss = scale.shape;
        // Rows of the weight seen as [N, K] share scales in groups along K ([N] or [N, K / G]); a GPT-2
        // Conv1D weight, stored [in, out], has them per column, in groups along its rows ([N / G, K]).
        int64_t rowGroup = 0, colGroup = 0;
        if (ss == std::vector<int64_t>{N})
            colGroup = K;
        else if (ss.size() == 2 && ss[0] == N && ss[1] > 0 && K % ss[1] == 0)
            colGroup = K / ss[1];
        else if (ss.size() == 2 && ss[1] == K && ss[0] > 0 && N % ss[0] == 0)
            rowGroup = N / ss[0];
        else {
            std::string shape;
            for (int64_t d : ss)
                shape += (shape.empty() ? "" : ", ") + std::to_string(d);
            throw Error(fileLabel(fileOf, name + suffix),
                        "scale tensor '" + name + suffix + "' has shape [" + shape + "]; weight '" + name +
                            "' needs [" + std::to_string(N) + "], [" + std::to_string(N) +
                            ", G] with G dividing " + std::to_string(K) + " or [R, " + std::to_string(K) +
                            "] with R dividing " + std::to_string(N));
        }
        if (scale.dtype != DType::F32)
            throw Error(fileLabel(fileOf, name + suffix), "scale tensor '" + name + suffix + "' is " +
                                                              std::string(dtypeName(scale.dtype)) +
                                                              ", expected f32");
        const std::vector<float> scales = toF32(scale);
        for (float v : scales)
            if (!std::isfinite(v) || v <= 0)
                throw Error(fileLabel(fileOf, name + suffix),
                            "scale tensor '" + name + suffix +
                                "' holds a value that is not finite and positive");
        std::vector<int8_t> q(size_t(N * K));
        std::memcpy(q.data(), t.data, q.size());
        auto buf = std::make_shared<std::vector<uint8_t>>(q.size() * sizeof(float));
        float* out = reinterpret_cast<float*>(buf->data());
        if (colGroup)
            dequantizeInt8(q.data(), scales.data(), N, K, colGroup == K ? 0 : colGroup, out);
        else
            for (int64_t n = 0; n < N; ++n)
                for (int64_t k = 0; k < K; ++k)
                    out[n * K + k] = float(q[size_t(n * K + k)]) * scales[size_t((n / rowGroup) * K + k)];
        t.dtype = DType::F32;
        t.data = buf->data();
        t.nbytes = buf->size();
        owned.push_back(std::move(buf));
    }
    for (const std::string& n : scaleNames)
        tensors.erase(tensors.find(n));
}

} // namespace loupe::compute
