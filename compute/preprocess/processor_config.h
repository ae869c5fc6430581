// SPDX-License-Identifier: MIT
#pragma once

#include "compute/preprocess/resample.h"

#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace loupe::compute {

// Limits on what preprocessor_config.json may ask for. Published processors resize to at most ~1024 per
// side (SAM); 4096 leaves room and keeps a hostile file (65536 x 65536: 48 GB of floats) from running
// for minutes before the model refuses the size.
inline constexpr int kMaxProcessorSide = 4096;
// rescale_factor is 1/255 or 1/127.5 in practice; 1 keeps raw 0..255 values.
inline constexpr double kMaxRescaleFactor = 1.0;
// |(pixel - mean) / std| for any pixel; ImageNet statistics give about 2.6.
inline constexpr double kMaxNormalizedValue = 1e4;

// What preprocessor_config.json asks of a Hugging Face image processor (ViTImageProcessor,
// CLIPImageProcessor, BlipImageProcessor, SamImageProcessor and look-alikes such as DeiT's).
struct ImageProcessorConfig
{
    enum class ResizeMode {
        Exact,        // size = {height, width}
        ShortestEdge, // size = {shortest_edge}: short side -> s, long side truncated (CLIP)
        LongestEdge,  // size = {longest_edge}: long side -> s, rounded (SAM)
    };

    std::string processorType; // image_processor_type (informational)
    bool doResize = true;
    ResizeMode resizeMode = ResizeMode::Exact;
    int sizeHeight = 224, sizeWidth = 224; // Exact
    int sizeEdge = 224;                    // ShortestEdge / LongestEdge
    Resample resample = Resample::Bilinear;
    bool doCenterCrop = false;
    int cropHeight = 224, cropWidth = 224;
    bool doRescale = true;
    double rescaleFactor = 1.0 / 255.0;
    bool doNormalize = true;
    std::array<float, 3> mean{0.5f, 0.5f, 0.5f};
    std::array<float, 3> std{0.5f, 0.5f, 0.5f};
    bool doPad = false; // SAM: zero-pad bottom/right after normalisation
    int padHeight = 1024, padWidth = 1024;

    // Throws Error naming `source` and the field for values that make no sense: sizes <= 0 or above
    // kMaxProcessorSide, rescale_factor not in (0, kMaxRescaleFactor], mean/std not finite, std == 0 or
    // so small that normalised pixels pass kMaxNormalizedValue, unknown resample, a size dict of no
    // known form.
    static ImageProcessorConfig fromJson(const nlohmann::json& j, const std::string& source);
    static ImageProcessorConfig fromFile(const std::filesystem::path& path);
};

} // namespace loupe::compute
