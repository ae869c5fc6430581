// SPDX-License-Identifier: MIT
#include "core/explain/explainer.h"

#include "compute/attribution/gradcam_vit.h"
#include "compute/attribution/occlusion.h"
#include "compute/attribution/rise.h"
#include "compute/error.h"
#include "core/explain/explain_method_registry.h"
#include "core/explain/forward_cache.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace loupe::core {

using namespace compute::attribution;

QStringList forwardMethods()
{
    return QStringList{QStringLiteral("attention"),       QStringLiteral("rollout"),
                       QStringLiteral("occlusion"),       QStringLiteral("rise"),
                       QStringLiteral("head-importance"), QStringLiteral("chefer"),
                       QStringLiteral("input-x-grad"),    QStringLiteral("integrated-gradients"),
                       QStringLiteral("gradcam"),         QStringLiteral("gradcam-attn")} +
           registeredExplainMethodNames(); // methods plugins added (explain_method_registry.h)
}

QStringList mapMethods()
{
    return forwardMethods();
}

bool isKnownMethod(const QString& m)
{
    return forwardMethods().contains(m);
}

PlanarImage toPlanar(const compute::Tensor& px)
{
    const compute::Shape& sh = px.shape();
    return PlanarImage{int(sh[1]), int(sh[2]), int(sh[3]), px.toF32Vector()};
}

PatchGrid patchGrid(const VitSession& s, int height, int width)
{
    const int p = int(s.model.config().patchSize);
    const bool twoSpecial = s.model.arch() == compute::VitModel::Arch::DeiTForImageClassification ||
                            s.model.arch() == compute::VitModel::Arch::DeiTWithTeacher;
    return PatchGrid{height / p, width / p, twoSpecial ? 2 : 1};
}

namespace {

compute::Tensor stack(const std::vector<const PlanarImage*>& batch)
{
    const PlanarImage& f = *batch.front();
    const size_t n = f.data.size();
    std::vector<float> all(n * batch.size());
    for (size_t i = 0; i < batch.size(); ++i)
        std::copy(batch[i]->data.begin(), batch[i]->data.end(), all.begin() + long(i * n));
    return compute::Tensor::fromF32({int64_t(batch.size()), f.channels, f.height, f.width}, all);
}

std::vector<float> softmaxColumn(const std::vector<float>& logits, int64_t classes, int target)
{
    std::vector<float> out;
    for (size_t b = 0; b * size_t(classes) < logits.size(); ++b) {
        const float* l = logits.data() + b * size_t(classes);
        const float mx = *std::max_element(l, l + classes);
        double sum = 0;
        for (int64_t c = 0; c < classes; ++c)
            sum += std::exp(double(l[c] - mx));
        out.push_back(float(std::exp(double(l[target] - mx)) / sum));
    }
    return out;
}

// Viridis sampled at nine points (matplotlib's table), interpolated linearly between them.
QRgb viridis(float t)
{
    static const std::array<std::array<float, 3>, 9> k{{{0.267f, 0.005f, 0.329f},
                                                        {0.283f, 0.141f, 0.458f},
                                                        {0.254f, 0.265f, 0.530f},
                                                        {0.207f, 0.372f, 0.553f},
                                                        {0.164f, 0.471f, 0.558f},
                                                        {0.128f, 0.567f, 0.551f},
                                                        {0.135f, 0.659f, 0.518f},
                                                        {0.478f, 0.821f, 0.318f},
                                                        {0.993f, 0.906f, 0.144f}}};
    t = std::clamp(t, 0.0f, 1.0f) * 8.0f;
    const int i = std::min(7, int(t));
    const float f = t - float(i);
    auto ch = [&](int c) {
        return int(
            std::lround(255.0f * (k[size_t(i)][size_t(c)] * (1 - f) + k[size_t(i + 1)][size_t(c)] * f)));
    };
    return qRgb(ch(0), ch(1), ch(2));
}

// Reports each batch to the control and throws ExplainCancelled when it says stop; `total` is the
// number of images the method will score.
class Progress
{
public:
    Progress(const ExplainControl* control, int total) : m_control(control), m_total(std::max(1, total)) {}
    void check() const
    {
        if (m_control && m_control->progress && !m_control->progress(std::min(m_done, m_total), m_total))
            throw ExplainCancelled();
    }
    void advance(int n)
    {
        m_done += n;
        check();
    }
    ScoreFn wrap(ScoreFn score)
    {
        if (!m_control) return score;
        return [this, score = std::move(score)](const std::vector<const PlanarImage*>& batch) {
            check();
            std::vector<float> out = score(batch);
            advance(int(batch.size()));
            return out;
        };
    }

private:
    const ExplainControl* m_control;
    int m_total;
    int m_done = 0;
};

int windowCount(int size, int window, int stride)
{
    int n = 0, last = -1;
    for (int p = 0; p + window <= size; p += stride, ++n)
        last = p;
    return (n == 0 || last + window < size) ? n + 1 : n;
}

} // namespace

std::vector<float> logitsOf(const VitSession& s, const PlanarImage& image)
{
    return s.forward(stack({&image})).logits.toF32Vector();
}

ScoreFn probabilityScore(const VitSession& s, int target)
{
    const int64_t classes = s.model.config().numLabels();
    return [&s, target, classes](const std::vector<const PlanarImage*>& batch) {
        return softmaxColumn(s.forward(stack(batch)).logits.toF32Vector(), classes, target);
    };
}

std::vector<float> explainMap(const VitSession& s, const PlanarImage& image, int target,
                              const ExplainParams& p, const ExplainControl* control)
{
    if (!p.methodSettings.isEmpty())
        if (const ExplainSettingsMapFn added = registeredExplainSettingsMap(p.method))
            return added(s, image, target, p, p.methodSettings, control);
    if (const ExplainMapFn added = registeredExplainMap(p.method)) return added(s, image, target, p, control);
    const PatchGrid grid = patchGrid(s, image.height, image.width);
    const int P = int(s.model.config().patchSize);
    if (isAttentionMethod(p.method)) {
        Progress progress(control, 1);
        progress.check();
        return attentionMap(forwardWithAttentions(s, image), p);
    }
    if (p.method == QLatin1String("occlusion")) {
        OcclusionOptions o;
        o.window = p.occlusionWindow > 0 ? p.occlusionWindow : P;
        o.stride = p.occlusionStride > 0 ? p.occlusionStride : std::max(1, P / 2);
        o.batchSize = p.batchSize;
        const int win = std::min({o.window, image.height, image.width});
        Progress progress(control, 1 + windowCount(image.height, win, o.stride) *
                                           windowCount(image.width, win, o.stride));
        return poolToGrid(occlusionMap(image, progress.wrap(probabilityScore(s, target)), o), image.height,
                          image.width, grid.rows, grid.cols);
    }
    if (p.method == QLatin1String("rise")) {
        RiseOptions o;
        o.masks = p.riseMasks;
        o.cells = p.riseCells;
        o.p = p.riseP;
        o.seed = p.seed;
        o.batchSize = p.batchSize;
        Progress progress(control, o.masks);
        if (control && control->partial)
            o.progress = [&](int, int, const std::vector<float>& map) {
                control->partial(poolToGrid(map, image.height, image.width, grid.rows, grid.cols));
                return true; // cancelling is the score wrapper's job
            };
        return poolToGrid(riseMap(image, progress.wrap(probabilityScore(s, target)), o), image.height,
                          image.width, grid.rows, grid.cols);
    }
    if (p.method == QLatin1String("chefer")) {
        Progress progress(control, 1);
        progress.check();
        const compute::VitGradients g = s.gradients(stack({&image}), target);
        progress.advance(1);
        AttentionSet a, d;
        std::vector<compute::Tensor> keep;
        for (size_t l = 0; l < g.attentions.size(); ++l) {
            keep.push_back(g.attentions[l].contiguous());
            a.layer.push_back(keep.back().ptr<float>());
            keep.push_back(g.attnGrads[l].contiguous());
            d.layer.push_back(keep.back().ptr<float>());
        }
        a.layers = d.layers = int(g.attentions.size());
        a.heads = d.heads = int(g.attentions.front().shape()[1]);
        a.tokens = d.tokens = int(g.attentions.front().shape()[2]);
        return patchMap(cheferRow(a, d, 0), grid);
    }
    if (p.method == QLatin1String("gradcam") || p.method == QLatin1String("gradcam-attn")) {
        Progress progress(control, 1);
        progress.check();
        VitGradCamOptions o;
        o.convention = p.method == QLatin1String("gradcam") ? GradCamConvention::LayerNormOutput
                                                            : GradCamConvention::AttentionChefer;
        o.block = p.layer;
        const compute::VitGradients g =
            s.gradients(stack({&image}), {int64_t(target)}, vitGradCamRequest(s.model, o));
        progress.advance(1);
        return vitGradCamMap(s.model, g, grid, o);
    }
    if (p.method == QLatin1String("input-x-grad") || p.method == QLatin1String("integrated-gradients")) {
        // Input × gradient is integrated gradients with one step at the input itself. IG uses the midpoint
        // rule from a zero baseline (zero in the model's normalised input space), batchSize steps per pass.
        const bool ig = p.method == QLatin1String("integrated-gradients");
        const int steps = ig ? std::max(1, p.igSteps) : 1;
        const int chunk = std::max(1, p.batchSize);
        const size_t n = image.data.size(), plane = size_t(image.height) * image.width;
        std::vector<float> pixel(plane, 0.0f);
        Progress progress(control, steps);
        for (int k0 = 0; k0 < steps; k0 += chunk) {
            progress.check();
            const int m = std::min(chunk, steps - k0);
            std::vector<PlanarImage> path(size_t(m), image);
            std::vector<const PlanarImage*> batch;
            for (int k = 0; k < m; ++k) {
                const float alpha = ig ? (float(k0 + k) + 0.5f) / float(steps) : 1.0f;
                for (float& v : path[size_t(k)].data)
                    v *= alpha;
                batch.push_back(&path[size_t(k)]);
            }
            const std::vector<float> grads = s.gradients(stack(batch), target).inputGrad.toF32Vector();
            for (int k = 0; k < m; ++k)
                for (size_t i = 0; i < n; ++i)
                    pixel[i % plane] += image.data[i] * grads[size_t(k) * n + i] / float(steps);
            progress.advance(m);
        }
        return poolToGrid(pixel, image.height, image.width, grid.rows, grid.cols);
    }
    throw compute::Error("explain", "method '" + p.method.toStdString() + "' gives no patch map");
}

HeadImportance explainHeads(const VitSession& s, const PlanarImage& image, int target, int batchSize,
                            const ExplainControl* control)
{
    const int L = int(s.model.config().numHiddenLayers), H = int(s.model.config().numAttentionHeads);
    const int64_t classes = s.model.config().numLabels();
    Progress progress(control, 1 + L * H + L);
    return headImportance(
        L, H,
        [&](const std::vector<float>& masks, int batch) {
            progress.check();
            std::vector<const PlanarImage*> imgs(size_t(batch), &image);
            compute::VitRunOptions o;
            o.headMask = masks;
            const std::vector<float> logits = s.forward(stack(imgs), o).logits.toF32Vector();
            std::vector<float> out;
            for (int b = 0; b < batch; ++b)
                out.push_back(logits[size_t(b * classes + target)]);
            progress.advance(batch);
            return out;
        },
        batchSize);
}

QImage overlay(const QImage& image, const std::vector<float>& grid, int rows, int cols)
{
    QImage base = image.convertToFormat(QImage::Format_RGB888);
    const std::vector<float> v =
        normalizeMinMax(upsampleBilinear(grid, rows, cols, base.height(), base.width()));
    QImage out(base.size(), QImage::Format_RGB888);
    for (int y = 0; y < base.height(); ++y) {
        const uchar* src = base.constScanLine(y);
        uchar* dst = out.scanLine(y);
        for (int x = 0; x < base.width(); ++x) {
            const QRgb c = viridis(v[size_t(y) * base.width() + x]);
            dst[3 * x] = uchar((src[3 * x] + qRed(c) + 1) / 2);
            dst[3 * x + 1] = uchar((src[3 * x + 1] + qGreen(c) + 1) / 2);
            dst[3 * x + 2] = uchar((src[3 * x + 2] + qBlue(c) + 1) / 2);
        }
    }
    return out;
}

Faithfulness faithfulness(const VitSession& s, const PlanarImage& image, int target,
                          const std::vector<float>& grid, int rows, int cols, int steps)
{
    const FaithfulnessCurves c = faithfulnessCurves(s, image, target, grid, rows, cols, steps);
    return Faithfulness{c.deletion.auc, c.insertion.auc};
}

FaithfulnessCurves faithfulnessCurves(const VitSession& s, const PlanarImage& image, int target,
                                      const std::vector<float>& grid, int rows, int cols, int steps,
                                      const ExplainControl* control)
{
    const std::vector<float> rel = upsampleBilinear(grid, rows, cols, image.height, image.width);
    PlanarImage zero = image;
    std::fill(zero.data.begin(), zero.data.end(), 0.0f);
    CurveOptions co;
    co.steps = steps;
    co.batchSize = 16;
    Progress progress(control, 2 * (steps + 1));
    const ScoreFn score = progress.wrap(probabilityScore(s, target));
    FaithfulnessCurves c;
    c.deletion = deletionCurve(image, rel, zero, score, co);
    c.insertion = insertionCurve(image, rel, gaussianBlur(image, 11, 5.0f), score, co);
    return c;
}

} // namespace loupe::core
