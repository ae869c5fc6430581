// SPDX-License-Identifier: MIT
#include "compute/quantize/quantize_checkpoint.h"

#include "compute/dtype.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/quantized_weights.h"
#include "compute/io/safetensors_writer.h"
#include "compute/quantize/int8_scheme.h"

#include <fstream>
#include <regex>

namespace loupe::compute {

namespace fs = std::filesystem;

bool isQuantisableWeight(const std::string& name, const std::vector<int64_t>& shape)
{
    const std::string suffix = ".weight";
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
        return false;
    const bool patch = name.find("patch_embed") != std::string::npos;
    if (patch) return shape.size() == 4 || shape.size() == 2;
    // Embedding tables are gathered, not multiplied (a tied LM head packs its own copy at load).
    static const std::regex embedding(R"((^|\.)(wte|wpe)\.weight$|embed)");
    return shape.size() == 2 && !std::regex_search(name, embedding);
}

bool isConv1DWeight(const std::string& name, const nlohmann::json& config)
{
    auto typeOf = [](const nlohmann::json& j) {
        const auto t = j.find("model_type");
        return t != j.end() && t->is_string() ? t->get<std::string>() : std::string();
    };
    std::string type = typeOf(config);
    if (type == "vision-encoder-decoder" && name.rfind("decoder.", 0) == 0)
        if (const auto d = config.find("decoder"); d != config.end() && d->is_object()) type = typeOf(*d);
    static const std::regex conv1d(R"((^|\.)(c_attn|c_proj|c_fc|q_attn)\.weight$)");
    return type == "gpt2" && std::regex_search(name, conv1d);
}

namespace {

bool isWeightFile(const fs::path& p)
{
    const std::string n = p.filename().string();
    return p.extension() == ".safetensors" || n == "model.safetensors.index.json" ||
           n.rfind("pytorch_model", 0) == 0;
}

void checkOutput(const fs::path& model, const fs::path& out)
{
    std::error_code ec;
    if (fs::exists(out) && fs::equivalent(model, out, ec))
        throw Error(out.string(), "is the model folder itself; choose another output folder");
    if (fs::exists(out) && (!fs::is_directory(out) || !fs::is_empty(out)))
        throw Error(out.string(), "exists and is not an empty folder");
    fs::create_directories(out, ec);
    if (ec) throw Error(out.string(), "cannot create the folder: " + ec.message());
}

} // namespace

QuantizeSummary quantizeCheckpoint(const fs::path& model, const fs::path& out, const WeightFormat& format)
{
    if (format.precision != Precision::BF16 && format.precision != Precision::F16 &&
        format.precision != Precision::Int8)
        throw Error("loupe quantize", "the target precision must be bf16, f16 or int8");
    if (format.groupSize < 0) throw Error("loupe quantize", "the group size must be positive");
    const Checkpoint ckpt = Checkpoint::open(model);
    checkOutput(model, out);
    QuantizeSummary summary;
    for (const fs::path& f : ckpt.files())
        summary.bytesIn += fs::file_size(f);

    SafetensorsWriter w;
    const nlohmann::json& config = ckpt.config();
    for (const std::string& name : ckpt.names()) {
        const TensorView& t = ckpt.tensor(name);
        if (!isFloating(t.dtype) || !isQuantisableWeight(name, t.shape)) {
            w.add(name, t.dtype, t.shape, t.data, t.nbytes);
            summary.kept.push_back(name);
            continue;
        }
        const std::vector<float> v = ckpt.toF32(name);
        if (format.precision == Precision::Int8) {
            int64_t N = t.shape[0], K = int64_t(v.size()) / std::max<int64_t>(N, 1);
            const bool conv1d = isConv1DWeight(name, config);
            std::vector<float> rowsOut;
            const float* src = v.data();
            if (conv1d) { // quantise the [out, in] matrix the model multiplies by, store it back [in, out]
                rowsOut.resize(v.size());
                for (int64_t i = 0; i < N; ++i)
                    for (int64_t o = 0; o < K; ++o)
                        rowsOut[size_t(o * N + i)] = v[size_t(i * K + o)];
                std::swap(N, K);
                src = rowsOut.data();
            }
            if (format.groupSize > 0 && K % format.groupSize != 0)
                throw Error(model.string(), "group size " + std::to_string(format.groupSize) +
                                                " does not divide the " + std::to_string(K) + " inputs of '" +
                                                name + "'");
            Int8Weights q = quantizeInt8(src, N, K, K, format.groupSize);
            const int64_t groups = q.groupsPerRow();
            std::vector<int8_t> stored = q.q;
            std::vector<float> scales = q.scales;
            std::vector<int64_t> scaleShape =
                groups == 1 ? std::vector<int64_t>{N} : std::vector<int64_t>{N, groups};
            if (conv1d) { // back to [in, out]; scales [groups, out]
                for (int64_t o = 0; o < N; ++o)
                    for (int64_t i = 0; i < K; ++i)
                        stored[size_t(i * N + o)] = q.q[size_t(o * K + i)];
                for (int64_t o = 0; o < N; ++o)
                    for (int64_t g = 0; g < groups; ++g)
                        scales[size_t(g * N + o)] = q.scales[size_t(o * groups + g)];
                scaleShape = {groups, N};
            }
            w.add(name, DType::I8, t.shape, stored.data(), stored.size());
            w.addF32(name + kScaleSuffix, scaleShape, scales.data());
        } else {
            const bool bf16 = format.precision == Precision::BF16;
            std::vector<uint16_t> h(v.size());
            for (size_t i = 0; i < v.size(); ++i)
                h[i] = bf16 ? floatToBf16(v[i]) : floatToHalf(v[i]);
            w.add(name, bf16 ? DType::BF16 : DType::F16, t.shape, h.data(), h.size() * 2);
        }
        summary.quantised.push_back(name);
    }
    if (summary.quantised.empty()) throw Error(model.string(), "has no linear weights to quantise");
    const nlohmann::json scheme = quantizationConfigJson(format);
    w.setMetadata("format", "pt");
    w.setMetadata("loupe_quantization", scheme.dump());
    w.write(out / "model.safetensors");
    summary.bytesOut = fs::file_size(out / "model.safetensors");

    nlohmann::json newConfig = config;
    newConfig["quantization_config"] = scheme;
    {
        std::ofstream cfg(out / "config.json");
        cfg << newConfig.dump(2) << "\n";
        if (!cfg) throw Error((out / "config.json").string(), "cannot write");
    }
    for (const auto& entry : fs::directory_iterator(model)) {
        const fs::path& p = entry.path();
        if (p.filename() == "config.json" || isWeightFile(p)) continue;
        std::error_code ec;
        fs::copy(p, out / p.filename(), fs::copy_options::recursive | fs::copy_options::overwrite_existing,
                 ec);
        if (ec) throw Error(p.string(), "cannot copy into " + out.string() + ": " + ec.message());
        summary.copiedFiles.push_back(p.filename().string());
    }
    return summary;
}

} // namespace loupe::compute
