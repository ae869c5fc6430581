// SPDX-License-Identifier: MIT
#include "smoothgrad.h"

#include <algorithm>
#include <cmath>

namespace loupe::smoothgrad {

double Gaussian::uniform()
{
    // splitmix64: a tiny generator with a fixed definition, so a seed gives the same map everywhere.
    uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double(z >> 11) + 0.5) / 9007199254740992.0; // 2^53
}

double Gaussian::next()
{
    if (m_hasSpare) {
        m_hasSpare = false;
        return m_spare;
    }
    // Box–Muller: two uniforms give two independent normals.
    const double r = std::sqrt(-2.0 * std::log(uniform())), t = 2.0 * M_PI * uniform();
    m_spare = r * std::sin(t);
    m_hasSpare = true;
    return r * std::cos(t);
}

bool smoothGradMap(plugin::ModelSession& session, const plugin::ExplainImage& image, int target,
                   const Options& o, std::vector<float>* map, QString* error)
{
    if (o.samples < 1 || o.noise < 0 || o.batchSize < 1) {
        *error = QStringLiteral("samples and batchSize must be at least 1 and noise not negative");
        return false;
    }
    const size_t n = image.data.size(), plane = size_t(image.height) * size_t(image.width);
    if (n == 0 || n != plane * size_t(image.channels)) {
        *error = QStringLiteral("the image has %1 values for %2 x %3 x %4")
                     .arg(n)
                     .arg(image.channels)
                     .arg(image.height)
                     .arg(image.width);
        return false;
    }
    const auto [lo, hi] = std::minmax_element(image.data.begin(), image.data.end());
    const double sigma = o.noise * double(*hi - *lo);
    Gaussian gauss(o.seed);
    std::vector<double> mean(n, 0.0);
    for (int done = 0; done < o.samples;) {
        if (!session.progress(done, o.samples)) {
            *error = QStringLiteral("cancelled");
            return false;
        }
        const int m = std::min(o.batchSize, o.samples - done);
        std::vector<plugin::ExplainImage> noisy(size_t(m), image);
        std::vector<const plugin::ExplainImage*> batch;
        for (plugin::ExplainImage& x : noisy) {
            if (sigma > 0)
                for (float& v : x.data)
                    v += float(sigma * gauss.next());
            batch.push_back(&x);
        }
        const std::vector<float> grads = session.inputGradients(batch, target);
        if (grads.size() != n * size_t(m)) {
            *error = QStringLiteral("the model gave %1 gradient values for %2 images of %3")
                         .arg(grads.size())
                         .arg(m)
                         .arg(n);
            return false;
        }
        for (int k = 0; k < m; ++k)
            for (size_t i = 0; i < n; ++i)
                mean[i] += grads[size_t(k) * n + i] / o.samples;
        done += m;
    }
    session.progress(o.samples, o.samples);

    std::vector<double> pixel(plane, 0.0);
    for (size_t i = 0; i < n; ++i)
        pixel[i % plane] += mean[i];
    if (o.absolute)
        for (double& v : pixel)
            v = std::abs(v);

    const plugin::MapGrid g = session.grid(image.height, image.width);
    if (g.rows < 1 || g.cols < 1 || g.patchHeight < 1 || g.patchWidth < 1) {
        *error = QStringLiteral("the model gave no map grid for a %1 x %2 image")
                     .arg(image.width)
                     .arg(image.height);
        return false;
    }
    // Cells are patchHeight × patchWidth pixels from the top-left; pixels past the last cell (an image not
    // a multiple of the patch) are not part of any patch the model saw as one.
    map->assign(size_t(g.rows) * size_t(g.cols), 0.0f);
    for (int r = 0; r < g.rows; ++r)
        for (int c = 0; c < g.cols; ++c) {
            double sum = 0;
            int count = 0;
            for (int y = r * g.patchHeight; y < std::min(image.height, (r + 1) * g.patchHeight); ++y)
                for (int x = c * g.patchWidth; x < std::min(image.width, (c + 1) * g.patchWidth);
                     ++x, ++count)
                    sum += pixel[size_t(y) * size_t(image.width) + size_t(x)];
            (*map)[size_t(r) * size_t(g.cols) + size_t(c)] = count ? float(sum / count) : 0.0f;
        }
    return true;
}

} // namespace loupe::smoothgrad
