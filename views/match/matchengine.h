// SPDX-License-Identifier: MIT
#pragma once

#include <QRect>
#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

namespace loupe::views {

// One image against some texts with a CLIP checkpoint.
struct MatchRequest
{
    QString modelFolder;
    QString imagePath;
    QStringList texts;
    // Texts (indices into `texts`) whose heat maps to compute; none for probabilities alone.
    std::vector<int> heatmapIndices;
    std::function<bool()> cancelled; // polled between stages; may be empty
};

// What `loupe match --json` prints, plus per text the patch-grid relevance of the image (Chefer et al.)
// over `region`, the part of the image the model sees (CLIP crops the center).
struct MatchResult
{
    QStringList texts;
    std::vector<float> probs, logits;
    std::vector<std::vector<float>> heatmaps; // per text, grid × grid, rows first; empty when not asked
    int grid = 0;
    QRect region;
    QString error; // set when the run failed: names the file and the problem
    bool cancelled = false;
};

// Runs a request; called on a worker thread, never on the GUI thread.
using MatchFunction = std::function<MatchResult(const MatchRequest&)>;

// CLIPModel through core::Matcher, as `loupe match` runs it. One Matcher per returned function, reopened
// only when the folder changes, so new texts re-encode no image and heat maps asked for later reuse
// the encoding. Calls are serialised.
MatchFunction clipMatchFunction();

} // namespace loupe::views
