// SPDX-License-Identifier: MIT
#include "compute/models/gpt2_language_model.h"

#include "compute/error.h"

#include <algorithm>
#include <cstring>

namespace loupe::compute {

Gpt2LanguageModel::Gpt2LanguageModel(Gpt2Model model, Tensor encoderHiddenStates)
    : model_(std::move(model)), encoder_(std::move(encoderHiddenStates))
{
}

int64_t Gpt2LanguageModel::vocabSize() const
{
    return model_.config().vocabSize;
}

int64_t Gpt2LanguageModel::maxPositions() const
{
    return model_.config().nPositions;
}

std::vector<std::vector<float>> Gpt2LanguageModel::lastLogits()
{
    const Tensor& l = last_.logits; // [B, 1, V]
    const int64_t B = l.size(0), V = l.size(-1);
    std::vector<std::vector<float>> out(static_cast<size_t>(B), std::vector<float>(static_cast<size_t>(V)));
    const Tensor c = l.contiguous();
    for (int64_t b = 0; b < B; ++b)
        std::memcpy(out[size_t(b)].data(), c.ptr<float>() + b * V, size_t(V) * sizeof(float));
    return out;
}

std::vector<std::vector<float>> Gpt2LanguageModel::start(const std::vector<int64_t>& prompt, int64_t rows,
                                                         int64_t maxLength)
{
    const int64_t capacity =
        std::min(std::max<int64_t>(maxLength, int64_t(prompt.size())), model_.config().nPositions);
    cache_ = model_.newCache(rows, capacity);
    if (model_.config().addCrossAttention) {
        if (!encoder_.defined() || encoder_.numel() == 0)
            throw Error("gpt2", "this decoder has cross-attention and needs encoder states");
        Tensor enc = encoder_;
        if (enc.size(0) == 1 && rows > 1) { // one image, several beams or samples
            Tensor rep = Tensor::empty(DType::F32, {rows, enc.size(1), enc.size(2)});
            const Tensor src = enc.contiguous();
            for (int64_t r = 0; r < rows; ++r)
                std::memcpy(rep.ptr<float>() + r * src.numel(), src.ptr<float>(), src.nbytes());
            enc = rep;
        }
        model_.setEncoderStates(cache_, enc);
    }
    Gpt2RunOptions o = stepOptions;
    o.allLogits = false;
    last_ = model_.step(cache_, std::vector<std::vector<int64_t>>(size_t(rows), prompt), o);
    return lastLogits();
}

std::vector<std::vector<float>> Gpt2LanguageModel::next(const std::vector<int64_t>& parents,
                                                        const std::vector<int64_t>& tokens)
{
    cache_.reorder(parents);
    std::vector<std::vector<int64_t>> ids;
    for (int64_t t : tokens)
        ids.push_back({t});
    Gpt2RunOptions o = stepOptions;
    o.allLogits = false;
    last_ = model_.step(cache_, ids, o);
    return lastLogits();
}

} // namespace loupe::compute
