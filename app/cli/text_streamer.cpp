// SPDX-License-Identifier: MIT
#include "app/cli/text_streamer.h"

#include <cstdio>

namespace loupe::cli {

TextStreamer::TextStreamer(const compute::text::Tokenizer& tok, const std::vector<int64_t>& prompt)
    : tok_(tok), ids_(prompt)
{
    printed_ = tok_.decode(ids_);
    std::fputs(printed_.c_str(), stdout);
    std::fflush(stdout);
}

void TextStreamer::add(int64_t id)
{
    ids_.push_back(id);
    const std::string text = tok_.decode(ids_);
    if (text.size() >= 3 && text.compare(text.size() - 3, 3, "\xEF\xBF\xBD") == 0) return;
    if (text.compare(0, printed_.size(), printed_) == 0) {
        std::fputs(text.c_str() + printed_.size(), stdout);
        std::fflush(stdout);
    }
    printed_ = text;
}

} // namespace loupe::cli
