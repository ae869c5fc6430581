// SPDX-License-Identifier: MIT
#include "plugins/host/explain_session.h"

#include "compute/error.h"

namespace loupe::plugins {

namespace {

compute::Tensor stack(const std::vector<const plugin::ExplainImage*>& batch)
{
    if (batch.empty()) throw compute::Error("explain", "a plugin asked for an empty batch");
    const plugin::ExplainImage& f = *batch.front();
    const size_t n = f.data.size();
    std::vector<float> all;
    all.reserve(n * batch.size());
    for (const plugin::ExplainImage* img : batch) {
        if (img->data.size() != n || img->channels != f.channels || img->height != f.height ||
            img->width != f.width || n != size_t(f.channels) * size_t(f.height) * size_t(f.width))
            throw compute::Error("explain",
                                 "a plugin's batch mixes image sizes or has the wrong pixel count");
        all.insert(all.end(), img->data.begin(), img->data.end());
    }
    return compute::Tensor::fromF32({int64_t(batch.size()), f.channels, f.height, f.width}, all);
}

} // namespace

int VitModelSession::classCount() const
{
    return int(m_s.model.config().numLabels());
}

plugin::MapGrid VitModelSession::grid(int height, int width) const
{
    const compute::attribution::PatchGrid g = core::patchGrid(m_s, height, width);
    const int p = int(m_s.model.config().patchSize);
    return {g.rows, g.cols, p, p};
}

std::vector<float> VitModelSession::logits(const std::vector<const plugin::ExplainImage*>& batch)
{
    return m_s.forward(stack(batch)).logits.toF32Vector();
}

std::vector<float> VitModelSession::inputGradients(const std::vector<const plugin::ExplainImage*>& batch,
                                                   int target)
{
    if (target < 0 || target >= classCount())
        throw compute::Error("explain", "class " + std::to_string(target) + " is out of range");
    return m_s.gradients(stack(batch), target).inputGrad.toF32Vector();
}

bool VitModelSession::progress(int done, int total)
{
    if (m_control && m_control->progress && !m_control->progress(done, total)) m_cancelled = true;
    return !m_cancelled;
}

QVariantMap explainSettings(const core::ExplainParams& p)
{
    return {{QStringLiteral("layer"), p.layer},
            {QStringLiteral("head"), p.head},
            {QStringLiteral("token"), p.token},
            {QStringLiteral("seed"), qulonglong(p.seed)},
            {QStringLiteral("batchSize"), p.batchSize},
            {QStringLiteral("igSteps"), p.igSteps},
            {QStringLiteral("riseMasks"), p.riseMasks},
            {QStringLiteral("occlusionWindow"), p.occlusionWindow},
            {QStringLiteral("occlusionStride"), p.occlusionStride}};
}

plugin::ExplainImage toExplainImage(const compute::attribution::PlanarImage& image)
{
    return {image.channels, image.height, image.width, image.data};
}

core::ExplainSettingsMapFn explainSettingsMapOf(plugin::ExplanationMethodInterface* plugin,
                                                const QString& method)
{
    return [plugin, method](const core::VitSession& s, const compute::attribution::PlanarImage& image,
                            int target, const core::ExplainParams& params, const QVariantMap& own,
                            const core::ExplainControl* control) {
        VitModelSession session(s, control);
        std::vector<float> map;
        QString error;
        // The method's own settings win over Loupe's parameters of the same name.
        QVariantMap settings = explainSettings(params);
        settings.insert(own);
        const bool ok = plugin->map(method, session, toExplainImage(image), target, settings, &map, &error);
        if (session.cancelled()) throw core::ExplainCancelled();
        if (!ok) throw compute::Error("explain " + method.toStdString(), error.toStdString());
        const plugin::MapGrid g = session.grid(image.height, image.width);
        if (map.size() != size_t(g.rows) * size_t(g.cols))
            throw compute::Error("explain " + method.toStdString(),
                                 "the plugin's map has " + std::to_string(map.size()) + " values for a " +
                                     std::to_string(g.rows) + " x " + std::to_string(g.cols) + " grid");
        return map;
    };
}

core::ExplainMapFn explainMapOf(plugin::ExplanationMethodInterface* plugin, const QString& method)
{
    return [withSettings = explainSettingsMapOf(plugin, method)](
               const core::VitSession& s, const compute::attribution::PlanarImage& image, int target,
               const core::ExplainParams& params, const core::ExplainControl* control) {
        return withSettings(s, image, target, params, {}, control);
    };
}

} // namespace loupe::plugins
