// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/occlusion.h"
#include "core/explain/explain_method_registry.h"
#include "core/explain/explainer.h"
#include "plugins/api/explanation_method.h"

namespace loupe::plugins {

// A ViT session as a plugin sees it: logits, input gradients, the patch grid and progress (which turns
// the user's cancel into a false the plugin returns).
class VitModelSession : public plugin::ModelSession
{
public:
    VitModelSession(const core::VitSession& session, const core::ExplainControl* control)
        : m_s(session), m_control(control)
    {
    }
    int classCount() const override;
    plugin::MapGrid grid(int height, int width) const override;
    std::vector<float> logits(const std::vector<const plugin::ExplainImage*>& batch) override;
    std::vector<float> inputGradients(const std::vector<const plugin::ExplainImage*>& batch,
                                      int target) override;
    bool progress(int done, int total) override;
    bool cancelled() const { return m_cancelled; }

private:
    const core::VitSession& m_s;
    const core::ExplainControl* m_control;
    bool m_cancelled = false;
};

// Loupe's explain parameters by name, as a plugin method receives them.
QVariantMap explainSettings(const core::ExplainParams& params);
plugin::ExplainImage toExplainImage(const compute::attribution::PlanarImage& image);

// The registry's map function for one method of a plugin: checks the map's size, turns a plugin's
// failure into compute::Error and a cancel into core::ExplainCancelled.
core::ExplainMapFn explainMapOf(plugin::ExplanationMethodInterface* plugin, const QString& method);
// The same taking the method's own settings (`loupe explain --set`), passed over Loupe's parameters.
core::ExplainSettingsMapFn explainSettingsMapOf(plugin::ExplanationMethodInterface* plugin,
                                                const QString& method);

} // namespace loupe::plugins
