// SPDX-License-Identifier: MIT
#pragma once

#include "compute/preprocess/image_processor.h"
#include "compute/text/tokenizer.h"

#include <cstdint>
#include <memory>
#include <string>

namespace loupe::compute {
class Checkpoint;
}

namespace loupe::core {

// The checks a text model's folder passes before any image is read (captioner, asker, matcher), each
// throwing compute::Error naming the file and the problem.

// The folder's tokenizer, required to be of `kind` ("bert", "gpt2", "clip"); `needed` ends the error
// "the tokenizer is X, not <needed>".
std::unique_ptr<compute::text::Tokenizer>
loadTokenizerOfKind(const compute::Checkpoint& ckpt, const std::string& kind, const std::string& needed);

// preprocessor_config.json's path, required to exist; `folderKind` names the folder in the error
// ("captioning", "BLIP", "CLIP").
std::string processorPath(const compute::Checkpoint& ckpt, const std::string& folderKind);

// Requires the processor to turn every image into `side` x `side`, what a vision model with a fixed
// position table (config.json vision_config.image_size) takes.
void requireProcessorOutputSide(const compute::ImageProcessorConfig& proc, int64_t side,
                                const std::string& procPath);

} // namespace loupe::core
