// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/sam.h"

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

// Segment Anything's automatic mask generator (SamAutomaticMaskGenerator of the SAM authors' code, one
// crop layer: the whole image): a grid of single-point prompts decoded in batches with multimask outputs,
// masks kept when their predicted IoU and stability score pass, box NMS between them, optionally small
// islands and holes removed. Multi-crop layers (crop_n_layers > 0) are not implemented.
namespace loupe::compute::sam {

struct AutomaskOptions
{
    int pointsPerSide = 32;             // the grid is pointsPerSide x pointsPerSide points over the image
    int pointsPerBatch = 16;            // prompts per decoder pass (memory: about 40 MB each at ViT-B)
    double predIouThresh = 0.88;        // keep masks whose predicted IoU is above this (<= 0: off)
    double stabilityScoreThresh = 0.95; // keep masks at least this stable (<= 0: off)
    double stabilityScoreOffset = 1.0;  // logits offset of the two thresholds the score compares
    double maskThreshold = 0.0;         // logit above which a pixel is inside
    double boxNmsThresh = 0.7;          // boxes overlapping a better mask's box by more are dropped
    int64_t minMaskRegionArea = 0;      // islands and holes smaller than this are removed (0: off)

    // SAM's defaults with the grid no finer than twice the model's embedding grid: a tiny model's
    // low-resolution masks cannot tell more points apart, and each point costs a decoder pass.
    static AutomaskOptions forModel(const SamConfig& config);
};

struct AutoMask
{
    std::vector<uint8_t> mask;    // height * width bytes at the source size, 1 inside
    int64_t area = 0;             // pixels inside
    std::array<int64_t, 4> box{}; // x0, y0, x1, y1 of the mask's pixels, inclusive (SAM's mask->box)
    double predictedIou = 0, stabilityScore = 0;
    std::array<double, 2> point{}; // the prompt that found it, in source pixels
};

// The fraction of pixels above threshold + offset among those above threshold - offset: how little the
// mask changes when the logit threshold moves (SAM's calculate_stability_score). 0 for an empty union.
double stabilityScore(const float* logits, int64_t count, double threshold, double offset);

// x0, y0, x1, y1 (inclusive) of the set pixels of a height x width mask; all 0 for an empty mask.
std::array<int64_t, 4> maskBox(const uint8_t* mask, int64_t width, int64_t height);

// IoU of two inclusive-coordinate boxes as torchvision's box_iou computes it on SAM's boxes (area
// (x1 - x0) * (y1 - y0)); 0 when the union is empty.
double boxIou(const std::array<int64_t, 4>& a, const std::array<int64_t, 4>& b);

// Greedy non-maximum suppression: indices of the kept boxes, best score first; a box overlapping a kept
// one by IoU > iouThreshold is dropped. Equal scores keep the earlier box.
std::vector<size_t> boxNms(const std::vector<std::array<int64_t, 4>>& boxes,
                           const std::vector<double>& scores, double iouThreshold);

// SAM's remove_small_regions: holes (background components, 8-connected) or islands (mask components)
// smaller than minArea removed in place; an island pass that would remove every island keeps the
// largest. Returns whether the mask changed.
enum class RegionKind { Holes, Islands };
bool removeSmallRegions(std::vector<uint8_t>& mask, int64_t width, int64_t height, int64_t minArea,
                        RegionKind kind);

// The grid's points in [0, 1]: (i + 0.5) / n along each axis, x fastest (SAM's build_point_grid).
std::vector<std::array<double, 2>> pointGrid(int pointsPerSide);

class AutomaskGenerator
{
public:
    explicit AutomaskGenerator(SamModel model, AutomaskOptions options = {});

    // Every mask found on an image, from its embedding (SamModel::embed of the processed image) and its
    // original and resized sizes (height, width) from the processor; best predicted IoU first.
    // `canceled`, polled between batches, stops the work and returns no masks.
    std::vector<AutoMask> generate(const Tensor& embedding, std::array<int64_t, 2> original,
                                   std::array<int64_t, 2> resized,
                                   const std::function<bool()>& canceled = {}) const;

    const AutomaskOptions& options() const { return options_; }

private:
    SamModel model_;
    AutomaskOptions options_;
};

} // namespace loupe::compute::sam
