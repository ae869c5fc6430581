// SPDX-License-Identifier: MIT
#include "core/inference/model_folder_checks.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/preprocess/processor_fit.h"

#include <QFileInfo>
#include <QString>

namespace loupe::core {

std::unique_ptr<compute::text::Tokenizer>
loadTokenizerOfKind(const compute::Checkpoint& ckpt, const std::string& kind, const std::string& needed)
{
    const std::string folder = ckpt.folder().string();
    auto tok = compute::text::loadTokenizer(folder);
    if (tok->kind() != kind)
        throw compute::Error(folder, "the tokenizer is " + tok->kind() + ", not " + needed);
    return tok;
}

std::string processorPath(const compute::Checkpoint& ckpt, const std::string& folderKind)
{
    const std::string path = (ckpt.folder() / "preprocessor_config.json").string();
    if (!QFileInfo::exists(QString::fromStdString(path)))
        throw compute::Error(path, "missing: a " + folderKind + " folder needs its image processor settings");
    return path;
}

void requireProcessorOutputSide(const compute::ImageProcessorConfig& proc, int64_t side,
                                const std::string& procPath)
{
    const auto fixed = compute::fixedOutputSize(proc);
    if (!fixed || fixed->height != side || fixed->width != side)
        throw compute::Error(procPath,
                             std::string("images leave the processor at ") +
                                 (fixed ? std::to_string(fixed->height) + "x" + std::to_string(fixed->width) +
                                              " (" + fixed->field + ")"
                                        : std::string("the image's own size")) +
                                 " but the model takes " + std::to_string(side) + "x" + std::to_string(side) +
                                 " (config.json vision_config.image_size)");
}

} // namespace loupe::core
