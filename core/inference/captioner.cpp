// SPDX-License-Identifier: MIT
#include "core/inference/captioner.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"

#include <stdexcept>

namespace loupe::core {

void Captioner::requireRoomAfterPrompt(int64_t words, int64_t promptTokens) const
{
    if (settings().newTokenBudget(promptTokens) <= 0)
        throw std::invalid_argument("--prompt: the prompt has " + std::to_string(words) +
                                    " tokens, which leaves no new token within max_length " +
                                    std::to_string(settings().maxLength) + " (set --max-new-tokens)");
}

std::unique_ptr<Captioner> openCaptioner(const QString& folder,
                                         const compute::generate::GenerationConfig& settings,
                                         const compute::EngineOptions& options)
{
    const compute::Checkpoint ckpt = compute::Checkpoint::open(folder.toStdString(), options);
    const nlohmann::json& j = ckpt.config();
    std::string architecture;
    if (const auto a = j.find("architectures");
        a != j.end() && a->is_array() && !a->empty() && a->front().is_string())
        architecture = a->front().get<std::string>();
    else if (const auto t = j.find("model_type"); t != j.end() && t->is_string())
        architecture = t->get<std::string>();
    if (architecture == "VisionEncoderDecoderModel" || architecture == "vision-encoder-decoder")
        return openVitGpt2Captioner(ckpt, settings);
    if (architecture == "BlipForConditionalGeneration") return openBlipCaptioner(ckpt, settings);
    std::string why = "architecture '" + architecture +
                      "' is not supported for captioning (supported: VisionEncoderDecoderModel with a ViT "
                      "encoder and a GPT-2 decoder, BlipForConditionalGeneration)";
    if (architecture == "BlipForQuestionAnswering") why += "; this checkpoint answers questions: loupe ask";
    throw compute::Error((ckpt.folder() / "config.json").string(), why);
}

} // namespace loupe::core
