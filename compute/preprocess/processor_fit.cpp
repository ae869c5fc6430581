// SPDX-License-Identifier: MIT
#include "compute/preprocess/processor_fit.h"

#include "compute/error.h"

namespace loupe::compute {

std::optional<ProcessorOutputSize> fixedOutputSize(const ImageProcessorConfig& p)
{
    if (p.doPad) return ProcessorOutputSize{p.padHeight, p.padWidth, "pad_size"};
    if (p.doCenterCrop) return ProcessorOutputSize{p.cropHeight, p.cropWidth, "crop_size"};
    if (p.doResize && p.resizeMode == ImageProcessorConfig::ResizeMode::Exact)
        return ProcessorOutputSize{p.sizeHeight, p.sizeWidth, "size"};
    return std::nullopt;
}

void checkProcessorFitsModel(const ImageProcessorConfig& p, const ViTConfig& model,
                             const std::string& processorSource, bool interpolatePosEncoding)
{
    if (model.numChannels != 3)
        throw Error(processorSource, "the image processor prepares 3-channel (RGB) images but config.json "
                                     "asks for num_channels " +
                                         std::to_string(model.numChannels));
    const std::optional<ProcessorOutputSize> out = fixedOutputSize(p);
    if (!out) return; // follows the image: the model checks each input's size itself
    const std::string got = std::to_string(out->height) + "x" + std::to_string(out->width);
    const std::string want = std::to_string(model.imageSize) + "x" + std::to_string(model.imageSize);
    const std::string field = std::string("field \"") + out->field + "\" ";
    if (!interpolatePosEncoding) {
        if (out->height != model.imageSize || out->width != model.imageSize)
            throw Error(processorSource, field + "gives " + got + " images but the model's config.json " +
                                             "image_size is " + want +
                                             "; pass --interpolate-pos-encoding to run the model at " + got);
        return;
    }
    const int64_t most = model.imageSize * kMaxInterpolationScale;
    if (out->height < model.patchSize || out->width < model.patchSize)
        throw Error(processorSource, field + "gives " + got + " images, smaller than one " +
                                         std::to_string(model.patchSize) + "-pixel patch");
    if (out->height > most || out->width > most)
        throw Error(processorSource, field + "gives " + got + " images, above " +
                                         std::to_string(kMaxInterpolationScale) +
                                         "x the model's image_size " + want + " (limit " +
                                         std::to_string(most) + " per side)");
}

} // namespace loupe::compute
