// SPDX-License-Identifier: MIT
#include "compute/models/blip_language_model.h"

#include "compute/error.h"

#include <algorithm>
#include <cstring>

namespace loupe::compute {

BlipTextLanguageModel::BlipTextLanguageModel(BlipTextModel decoder, Tensor encoderStates)
    : decoder_(std::move(decoder)), encoder_(std::move(encoderStates))
{
    if (!decoder_.hasLmHead())
        throw Error("blip", "a language model needs the text decoder (with its LM head)");
    if (!encoder_.defined() || encoder_.dim() != 3 || encoder_.size(0) != 1)
        throw Error("blip", "the text decoder needs the encoder states of one input, [1, tokens, width]");
}

int64_t BlipTextLanguageModel::vocabSize() const
{
    return decoder_.config().vocabSize;
}

int64_t BlipTextLanguageModel::maxPositions() const
{
    return decoder_.config().maxPositionEmbeddings;
}

std::vector<std::vector<float>> BlipTextLanguageModel::lastLogits() const
{
    const Tensor l = last_.logits.contiguous(); // [B, 1, V]
    const int64_t B = l.size(0), V = l.size(-1);
    std::vector<std::vector<float>> out(static_cast<size_t>(B), std::vector<float>(static_cast<size_t>(V)));
    for (int64_t b = 0; b < B; ++b)
        std::memcpy(out[size_t(b)].data(), l.ptr<float>() + b * V, size_t(V) * sizeof(float));
    return out;
}

std::vector<std::vector<float>> BlipTextLanguageModel::start(const std::vector<int64_t>& prompt, int64_t rows,
                                                             int64_t maxLength)
{
    const int64_t capacity = std::min(std::max<int64_t>(maxLength, int64_t(prompt.size())),
                                      decoder_.config().maxPositionEmbeddings);
    cache_ = decoder_.newCache(rows, capacity);
    Tensor enc = encoder_.contiguous();
    if (rows > 1) { // one input, several beams or samples
        Tensor rep = Tensor::empty(DType::F32, {rows, enc.size(1), enc.size(2)});
        for (int64_t r = 0; r < rows; ++r)
            std::memcpy(rep.ptr<float>() + r * enc.numel(), enc.ptr<float>(), enc.nbytes());
        enc = rep;
    }
    decoder_.setEncoderStates(cache_, enc);
    last_ = decoder_.step(cache_, std::vector<std::vector<int64_t>>(size_t(rows), prompt), stepOptions);
    return lastLogits();
}

std::vector<std::vector<float>> BlipTextLanguageModel::next(const std::vector<int64_t>& parents,
                                                            const std::vector<int64_t>& tokens)
{
    cache_.reorder(parents);
    std::vector<std::vector<int64_t>> ids;
    for (int64_t t : tokens)
        ids.push_back({t});
    last_ = decoder_.step(cache_, ids, stepOptions);
    return lastLogits();
}

} // namespace loupe::compute
