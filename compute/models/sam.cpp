// SPDX-License-Identifier: MIT
#include "compute/models/sam.h"

#include "compute/backend/scheduler.h"
#include "compute/error.h"
#include "compute/gemm/loading_weight_format.h"
#include "compute/io/checkpoint.h"
#include "compute/io/config_fields.h"
#include "compute/models/sam_vision.h"
#include "compute/models/sam_vision_graph.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>

namespace loupe::compute {

namespace {

// The decoder's shared first-layer work for the last embedding, keyed by the embedding's content: a
// caller may decode several images' embeddings in turn, or reuse a buffer, and must never get another
// image's keys.
struct DecoderCache
{
    std::mutex mutex;
    uint64_t fingerprint = 0;
    std::shared_ptr<const sam::MaskDecoder::ImageContext> context;
};

// FNV-1a over the embedding's bytes in four interleaved lanes (a few hundred microseconds at ViT-B's
// 4 MB, against the milliseconds the cached projections save).
uint64_t fingerprint(const Tensor& t)
{
    const auto* p = static_cast<const unsigned char*>(t.data());
    const size_t bytes = t.nbytes(), words = bytes / 8;
    uint64_t lane[4] = {1469598103934665603ull, 1099511628211ull, 7ull, 13ull};
    size_t i = 0;
    for (; i + 4 <= words; i += 4)
        for (int l = 0; l < 4; ++l) {
            uint64_t w;
            std::memcpy(&w, p + (i + size_t(l)) * 8, 8);
            lane[l] = (lane[l] ^ w) * 1099511628211ull;
        }
    uint64_t h = lane[0] ^ (lane[1] << 1) ^ (lane[2] << 2) ^ (lane[3] << 3);
    for (size_t b = i * 8; b < bytes; ++b)
        h = (h ^ p[b]) * 1099511628211ull;
    for (int64_t d : t.shape())
        h = (h ^ uint64_t(d)) * 1099511628211ull;
    return h;
}

bool decoderCacheEnabled()
{
    const char* off = std::getenv("LOUPE_SAM_NO_DECODER_CACHE");
    return !(off && *off && std::strcmp(off, "0") != 0);
}

// LOUPE_SAM_GRAPH=1 runs the image encoder as a graph on the CPU too, to compare it with the fused
// kernels. Those stay the CPU's path: equal on shapes-sam (7.4 ms against 7.7 ms an image), but at SAM
// ViT-B 1024 they took 13.5 s against the graph's 37 s (2 busy cores), the graph's global-attention
// blocks (4096 tokens, scores and bias of 800 MB each) costing most of the difference.
bool graphOnCpu()
{
    const char* on = std::getenv("LOUPE_SAM_GRAPH");
    return on && *on && std::strcmp(on, "0") != 0;
}

} // namespace

struct SamModel::Impl
{
    SamConfig cfg;
    sam::VisionEncoder vision;
    sam::PromptEncoder prompt;
    sam::MaskDecoder decoder;
    int64_t params = 0;
    std::shared_ptr<DecoderCache> cache = std::make_shared<DecoderCache>();
    // The image encoder runs as a graph on the checkpoint's device (sam_vision_graph.h) and as fused
    // kernels on the CPU; the prompt encoder and mask decoder are CPU kernels of their own (a few
    // milliseconds a click). Set once at load (the model holds a const Impl).
    mutable std::shared_ptr<Scheduler> scheduler = std::make_shared<Scheduler>();
    std::shared_ptr<GraphCache> graphs = std::make_shared<GraphCache>(2);
    // The record of this model's last image-encoder run: a click's record names the device the
    // expensive part ran on, and says the decoder's part ran on the CPU when that is not the CPU.
    struct EncoderRecord
    {
        std::mutex mutex;
        std::optional<ExecutionRecord> last;
    };
    std::shared_ptr<EncoderRecord> encoderRun = std::make_shared<EncoderRecord>();
    void recordEncoder() const
    {
        std::lock_guard lock(encoderRun->mutex);
        encoderRun->last = lastExecution();
    }
    void recordDecoder() const
    {
        static const std::string cpuPart = "SAM's prompt encoder and mask decoder run on the CPU";
        std::optional<ExecutionRecord> encoder;
        {
            std::lock_guard lock(encoderRun->mutex);
            encoder = encoderRun->last;
        }
        if (!encoder || encoder->backend == "cpu") {
            scheduler->recordCpu(cpuPart);
            return;
        }
        ExecutionRecord r = *encoder;
        r.fallbackReason = (r.fallbackReason.empty() ? "" : r.fallbackReason + "; ") + cpuPart;
        setLastExecution(r);
    }

    // The embedding as the decoder reads it, [g*g, C], after checking its shape.
    Tensor image(const Tensor& embedding) const
    {
        const int64_t g = cfg.vision.grid(), C = cfg.vision.outputChannels;
        if (embedding.shape() != Shape{g, g, C})
            throw Error("sam", "image embedding must be " + shapeString({g, g, C}) + ", got " +
                                   shapeString(embedding.shape()));
        return embedding.contiguous().reshape({g * g, C});
    }

    // The shared first-layer work for prompts without a mask input, from the cache when it holds it.
    std::shared_ptr<const sam::MaskDecoder::ImageContext> context(const Tensor& image,
                                                                  const Tensor& noMask) const
    {
        const int64_t g = cfg.vision.grid();
        if (!decoderCacheEnabled())
            return std::make_shared<const sam::MaskDecoder::ImageContext>(
                decoder.prepare(image, prompt.imagePositions(), noMask, g));
        const uint64_t key = fingerprint(image);
        {
            std::lock_guard lock(cache->mutex);
            if (cache->context && cache->fingerprint == key) return cache->context;
        }
        auto made = std::make_shared<const sam::MaskDecoder::ImageContext>(
            decoder.prepare(image, prompt.imagePositions(), noMask, g));
        std::lock_guard lock(cache->mutex);
        cache->fingerprint = key;
        cache->context = made;
        return made;
    }
};

SamModel SamModel::fromTensors(const SamConfig& cfg, std::map<std::string, Tensor> weights,
                               const std::string& source)
{
    sam::WeightSource ws(std::move(weights), source);
    auto d = std::make_shared<Impl>(Impl{cfg, sam::VisionEncoder::load(cfg.vision, ws),
                                         sam::PromptEncoder::load(cfg.prompt, cfg.vision.numPosFeats, ws),
                                         sam::MaskDecoder::load(cfg.decoder, ws), 0});
    ws.checkAllUsed();
    d->params = ws.parameterCount();
    SamModel m;
    m.d_ = std::move(d);
    return m;
}

void SamModel::setScheduler(std::shared_ptr<Scheduler> scheduler)
{
    d_->scheduler = std::move(scheduler);
    d_->graphs->clear(); // compiled for the previous device
}

SamModel SamModel::fromCheckpoint(const Checkpoint& ckpt)
{
    const std::string source = (ckpt.folder() / "config.json").string();
    // The architecture first: another model's sub-configs would otherwise fail SAM's checks confusingly.
    std::string modelType;
    std::vector<std::string> architectures;
    readModelIdentity(ckpt.config(), modelType, architectures);
    const std::string first = architectures.empty() ? "" : architectures.front();
    if (first != "SamModel" && !(first.empty() && modelType == "sam"))
        throw Error(source, "architecture '" + (first.empty() ? modelType : first) +
                                "' is not a Segment Anything model (supported: SamModel)");
    const SamConfig cfg = SamConfig::fromJson(ckpt.config(), source);
    auto owner = std::make_shared<Checkpoint>(ckpt);
    std::map<std::string, Tensor> weights;
    for (const std::string& name : ckpt.names()) {
        const TensorView& v = ckpt.tensor(name);
        const bool aligned = reinterpret_cast<uintptr_t>(v.data) % alignof(float) == 0;
        if (v.dtype == DType::F32 && aligned)
            weights[name] = Tensor::wrap(const_cast<void*>(v.data), DType::F32, v.shape, owner);
        else if (isFloating(v.dtype))
            weights[name] = Tensor::fromF32(v.shape, toF32(v));
        else
            throw Error(ckpt.files().empty() ? source : ckpt.files().front().string(),
                        "tensor '" + name + "' has non-float dtype " + std::string(dtypeName(v.dtype)));
    }
    const WeightFormatScope format(ckpt.linearWeightFormat()); // read where the layers pack
    SamModel m = fromTensors(cfg, std::move(weights), ckpt.folder().string());
    m.d_->scheduler = std::make_shared<Scheduler>(
        ckpt.engineOptions().backend, ckpt.linearWeightFormat().precision, ckpt.linearWeightFormatNote());
    return m;
}

Tensor SamModel::embed(const Tensor& pixelValues) const
{
    if (&d_->scheduler->device() == &cpuDevice() && !graphOnCpu()) {
        Tensor embedding = d_->vision.forward(pixelValues);
        d_->scheduler->recordCpu({});
        d_->recordEncoder();
        return embedding;
    }
    const SamVisionConfig& v = d_->cfg.vision;
    const Shape want{1, v.numChannels, v.imageSize, v.imageSize};
    if (pixelValues.shape() != want)
        throw Error("sam", "pixel_values must be " + shapeString(want) + ", got " +
                               shapeString(pixelValues.shape()));
    GraphRun run;
    run.inputs["pixel_values"] = pixelValues.dtype() == DType::F32 ? pixelValues : pixelValues.to(DType::F32);
    d_->scheduler->run(
        *d_->graphs, "image_embeddings", [&] { return sam::buildVisionGraph(d_->vision); }, run);
    d_->recordEncoder();
    return run.kept.at("image_embeddings");
}

namespace {

bool hasMaskInput(const sam::Prompt& p)
{
    return p.maskInput.defined() && p.maskInput.numel();
}

void requireSomePrompt(const sam::Prompt& p)
{
    if (p.points.empty() && !p.box && !hasMaskInput(p))
        throw Error("sam", "a prompt needs at least one point, a box or a mask");
}

} // namespace

sam::MaskPrediction SamModel::decode(const Tensor& embedding, const sam::Prompt& prompt, bool multimask) const
{
    const Tensor image = d_->image(embedding);
    requireSomePrompt(prompt);
    d_->recordDecoder();
    const sam::PromptEmbeddings p = d_->prompt.encode(prompt);
    const int64_t g = d_->cfg.vision.grid();
    if (hasMaskInput(prompt))
        return d_->decoder.decode(image, d_->prompt.imagePositions(), p.sparse, p.dense, g, multimask);
    const Tensor one = p.sparse.contiguous().reshape({1, p.sparse.size(0), p.sparse.size(1)});
    return d_->decoder.decodeBatch(*d_->context(image, p.dense), d_->prompt.imagePositions(), one, multimask)
        .front();
}

std::vector<sam::MaskPrediction>
SamModel::decodeBatch(const Tensor& embedding, const std::vector<sam::Prompt>& prompts, bool multimask) const
{
    const Tensor image = d_->image(embedding);
    for (const sam::Prompt& p : prompts)
        requireSomePrompt(p);
    d_->recordDecoder();
    std::vector<sam::PromptEmbeddings> encoded;
    encoded.reserve(prompts.size());
    for (const sam::Prompt& p : prompts)
        encoded.push_back(d_->prompt.encode(p));
    std::vector<sam::MaskPrediction> out(prompts.size());
    const int64_t g = d_->cfg.vision.grid(), C = d_->cfg.prompt.hiddenSize;
    // Prompts without a mask input grouped by token count; each group is one decoder pass.
    std::map<int64_t, std::vector<size_t>> groups;
    for (size_t i = 0; i < prompts.size(); ++i) {
        if (hasMaskInput(prompts[i]))
            out[i] = d_->decoder.decode(image, d_->prompt.imagePositions(), encoded[i].sparse,
                                        encoded[i].dense, g, multimask);
        else
            groups[encoded[i].sparse.size(0)].push_back(i);
    }
    if (groups.empty()) return out;
    const auto context = d_->context(image, encoded[groups.begin()->second.front()].dense);
    for (const auto& [n, members] : groups) {
        Tensor sparse = Tensor::empty(DType::F32, {int64_t(members.size()), n, C});
        for (size_t m = 0; m < members.size(); ++m)
            if (n)
                std::memcpy(sparse.ptr<float>() + int64_t(m) * n * C, encoded[members[m]].sparse.ptr<float>(),
                            size_t(n * C) * sizeof(float));
        std::vector<sam::MaskPrediction> got =
            d_->decoder.decodeBatch(*context, d_->prompt.imagePositions(), sparse, multimask);
        for (size_t m = 0; m < members.size(); ++m)
            out[members[m]] = std::move(got[m]);
    }
    return out;
}

const SamConfig& SamModel::config() const
{
    return d_->cfg;
}

int64_t SamModel::parameterCount() const
{
    return d_->params;
}

Tensor SamModel::channelsFirst(const Tensor& embedding)
{
    const int64_t g0 = embedding.size(0), g1 = embedding.size(1), C = embedding.size(2);
    return embedding.permute({2, 0, 1}).contiguous().reshape({1, C, g0, g1});
}

} // namespace loupe::compute
