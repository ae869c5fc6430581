// SPDX-License-Identifier: MIT
#pragma once

#include "plugins/api/explanation_method.h"

#include <QString>
#include <cstdint>
#include <vector>

namespace loupe::smoothgrad {

struct Options
{
    int samples = 16;    // noisy copies averaged
    double noise = 0.15; // σ of the Gaussian noise as a fraction of the image's value range (max − min)
    uint64_t seed = 0;
    int batchSize = 16;   // copies per gradient pass
    bool absolute = true; // per pixel |Σ_c ḡ_c| (the paper's pictures) instead of the signed Σ_c ḡ_c
};

// SmoothGrad (Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"): ḡ = mean over
// samples of d logit[target] / d x at x + N(0, σ²). The map cell is the mean over its pixels of the
// per-pixel value. Signed, a cell is the derivative of the smoothed logit for brightening the whole
// cell by one unit per pixel (divided by its pixel count): finite differences of the model check it.
// False with *error when progress() says stop or the session's answers have the wrong size.
bool smoothGradMap(plugin::ModelSession& session, const plugin::ExplainImage& image, int target,
                   const Options& options, std::vector<float>* map, QString* error);

// Standard normal numbers from a seed, the same on every platform (std::normal_distribution is not).
class Gaussian
{
public:
    explicit Gaussian(uint64_t seed) : m_state(seed ^ 0x9E3779B97F4A7C15ull) {}
    double next();

private:
    double uniform(); // in (0, 1)
    uint64_t m_state;
    bool m_hasSpare = false;
    double m_spare = 0;
};

} // namespace loupe::smoothgrad
