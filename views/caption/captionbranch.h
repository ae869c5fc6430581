// SPDX-License-Identifier: MIT
#pragma once

#include "core/inference/captioner.h"
#include "views/text/generatedtext.h"

#include <QString>

namespace loupe::views {

// "What if": `parent` regenerated from new token `step` on, with `token` there instead. The words before
// it and the alternative become the captioner's prompt, so the rest is decoded as the model would have
// continued; the traces of the shared steps are the parent's (the same positions saw the same inputs).
// The captioner's prompt is back to `prompt` afterwards. Throws std::runtime_error when the prefix does
// not read back as the same tokens (a byte-level or ## piece the tokenizer would split otherwise).
GeneratedText branchCaption(core::Captioner& captioner, const QString& image, const std::string& prompt,
                            const GeneratedText& parent, int step, int64_t token,
                            const core::CaptionRequest& request);

} // namespace loupe::views
