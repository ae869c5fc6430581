// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"
#include "compute/models/gpt2.h"
#include "compute/models/sam.h"

#include <cstdint>

namespace loupe::compute::bench {

// GPT-2 small with random weights (randomGpt2Tensors), its linear weights packed at
// engine's precision and run where engine says, as a checkpoint opened with those options would be.
Gpt2Model randomGpt2Small(const EngineOptions& engine);

// SAM ViT-B (facebook/sam-vit-base's shapes: the whole SamModel, encoder, prompt encoder and mask
// decoder) with random weights of roughly trained spread, made in memory. imageSize and layers shrink
// the encoder for smoke tests (imageSize a multiple of 16; the global-attention layers kept are those
// of ViT-B below `layers`). Runs where `engine` asks, with the precision's packed weights.
SamModel randomSamB(const EngineOptions& engine, int64_t imageSize = 1024, int64_t layers = 12);
// The configuration randomSamB builds (throws Error for sizes SAM cannot run).
SamConfig randomSamConfig(int64_t imageSize, int64_t layers);

} // namespace loupe::compute::bench
