// SPDX-License-Identifier: MIT
#pragma once

#include "compute/text/tokenizer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loupe::cli {

// Prints the decoded sequence to stdout as it grows, special tokens skipped; holds back text ending in an
// incomplete UTF-8 character (decoded as U+FFFD) until the next token completes it.
class TextStreamer
{
public:
    TextStreamer(const compute::text::Tokenizer& tok, const std::vector<int64_t>& prompt);
    void add(int64_t id);

private:
    const compute::text::Tokenizer& tok_;
    std::vector<int64_t> ids_;
    std::string printed_;
};

} // namespace loupe::cli
