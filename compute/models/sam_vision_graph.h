// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph.h"

namespace loupe::compute::sam {

class VisionEncoder;

// SAM's image encoder as a graph of the engine's ops, so every backend runs it: the token grid padded
// to a multiple of the window (Graph::pad) and cut into windows by views, attention as MatMul, Add of
// the decomposed relative-position bias, Softmax, MatMul (attention maps stay observable, and a pass may
// fuse the chain), the neck's 3x3 convolution as nine shifted views concatenated into one Linear.
// Input "pixel_values" [1, C, S, S]; kept output "image_embeddings" [g, g, output_channels], channels
// last, as VisionEncoder::forward. Nodes are named "blk.<i>.attn_probs", "blk.<i>.out", "neck.out".
Graph buildVisionGraph(const VisionEncoder& encoder);

} // namespace loupe::compute::sam
