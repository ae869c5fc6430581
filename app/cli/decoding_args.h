// SPDX-License-Identifier: MIT
#pragma once

#include "compute/generate/generation_config.h"

#include <string>

class QCommandLineParser;

namespace loupe::cli {

// The decoding options every generating command shares (--beams, --max-new-tokens, --min-new-tokens,
// --length-penalty, --repetition-penalty, --sample, --temperature, --top-k, --top-p, --seed), each
// defaulting to the checkpoint's generation_config.json as transformers' generate() does.
// withReturnSequences adds --num-return-sequences and --early-stopping (commands that print several
// sequences per input).
void addDecodingOptions(QCommandLineParser& p, bool withReturnSequences = false);

// The checkpoint folder's generation settings, then what the command line sets. Throws
// std::invalid_argument naming the option for a malformed value, compute::Error for a bad
// generation_config.json.
compute::generate::GenerationConfig decodingSettings(const QCommandLineParser& p, const std::string& folder,
                                                     bool withReturnSequences = false);

} // namespace loupe::cli
