// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/sam_automask.h"
#include "core/inference/detector.h"

#include <QImage>
#include <QRect>
#include <memory>

namespace loupe::core {

// How each proposed mask is shown to CLIP.
enum class CropStyle {
    // The mask's box with a margin, squared, with every pixel outside the mask grey (CLIP's mean
    // colour). Neighbouring objects inside the box are hidden, so CLIP names the masked object and not
    // a more prominent neighbour; the default.
    MaskedSquare,
    // The same square with the image as it is.
    PlainSquare,
};

struct SamClipOptions
{
    // SAM's generator with its defaults; pointsPerSide 0 takes AutomaskOptions::forModel's grid.
    compute::sam::AutomaskOptions automask = [] {
        compute::sam::AutomaskOptions o;
        o.pointsPerSide = 0;
        return o;
    }();
    CropStyle crop = CropStyle::MaskedSquare;
    double margin = 0.15; // of the box's longer side, added on every side before squaring
    int clipBatch = 32;   // crops per CLIP vision pass
    // Each label is shown to CLIP as this template with {label} replaced (CLIP's zero-shot prompt).
    QString labelTemplate = QStringLiteral("a photo of a {label}");
};

// A proposal's score from SAM's predicted IoU and CLIP's probability for its label: their geometric
// mean, each clamped to [0, 1]. Both must be confident: a crop CLIP cannot name sinks a sharp mask, and a
// vague mask sinks a sure label; unlike the product, the score stays comparable with one threshold
// whether CLIP chooses among two labels or twenty. Without a labeller the score is the predicted IoU.
double proposalScore(double predictedIou, double labelProbability);

// SAM's generator settings by SamAutomaticMaskGenerator's argument names (points_per_side, points_per_batch,
// pred_iou_thresh, stability_score_thresh, stability_score_offset, box_nms_thresh, min_mask_region_area):
// first those a checkpoint folder ships in automask_config.json (a small model's masks are less sure of
// themselves than SAM ViT-B's, so the authors' 0.88 / 0.95 filters can keep nothing), then `settings`
// over them. Throws compute::Error naming the file or the setting for unknown names and bad values.
void applyAutomaskSettings(const QString& modelFolder, const QVariantMap& settings,
                           compute::sam::AutomaskOptions& automask);

// The square region CLIP sees for a mask with box `box` (pixels, inclusive extents as QRect keeps them):
// the box grown by margin * its longer side on every side, then to a square around its centre; it may
// reach outside the image (those pixels are grey).
QRect labellerRegion(const QRect& box, double margin);
// That region's pixels (Format_RGB888); with CropStyle::MaskedSquare the pixels outside `mask`
// (Format_Grayscale8 at the image's size, non-zero inside) are grey.
QImage labellerCrop(const QImage& image, const QImage& mask, const QRect& box, double margin,
                    CropStyle style);

// Instance proposals with no detector: SAM's automatic masks, each labelled by CLIP over the project's
// labels (DetectorOptions::labellerFolder; without one every mask is "object"), scored by proposalScore
// and kept from DetectorOptions::threshold up, best first.
class SamClipDetector : public Detector
{
public:
    // Throws compute::Error naming the folder or file for a SAM or CLIP folder that cannot be used.
    SamClipDetector(const DetectorOptions& options, const SamClipOptions& tuning);
    explicit SamClipDetector(const DetectorOptions& options);
    ~SamClipDetector() override;

    QString name() const override;
    QString parameters() const override;
    std::vector<Detection> detect(const QImage& image) override;

    struct Impl;

private:
    std::unique_ptr<Impl> d_;
};

} // namespace loupe::core
