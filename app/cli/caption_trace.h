// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/token_relevancy.h"
#include "compute/models/vision_encoder_decoder_trace.h"
#include "compute/text/tokenizer.h"

#include <QString>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

namespace loupe::cli {

// The relevancy map of generated token `step` (Captioner::relevancy of the caption being written, or
// Asker::relevancy of the answer).
using TokenRelevancyOf = std::function<compute::attribution::TokenRelevancy(int64_t step)>;

// Writes, for every generated token of one image, its cross-attention over the patch grid (heads averaged;
// the last layer, and every layer averaged) as DIR/STEM.tK.last.npy / .mean.npy (float32 g x g, rows first)
// and, when `relevancy` is given, its gradient-weighted relevancy as DIR/STEM.tK.rel.npy (raw values), each
// with a PNG overlay on the image; returns the image's entry of trace.json (tokens, their text, model
// probabilities, top alternatives and the file names, relative to DIR). Throws compute::Error naming the
// file that cannot be read or written.
nlohmann::json writeCaptionTrace(const std::vector<compute::TokenTrace>& traces,
                                 const compute::text::Tokenizer& tok, int grid, const QString& imagePath,
                                 const QString& dir, const QString& stem,
                                 const TokenRelevancyOf& relevancy = {});

// Creates the trace folder. Throws compute::Error naming it when it cannot be created.
void makeTraceFolder(const QString& dir);

// Writes DIR/trace.json: `trace` with the "distribution" note every text trace shares. Throws
// compute::Error naming the file when it cannot be written.
void writeTraceJson(const QString& dir, nlohmann::json trace);

} // namespace loupe::cli
