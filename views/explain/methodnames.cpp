// SPDX-License-Identifier: MIT
#include "views/explain/methodnames.h"

#include "core/explain/explain_method_registry.h"
#include "core/explain/explain_record.h"
#include "core/explain/explainer.h"

#include <QCoreApplication>
#include <QHash>

namespace loupe::views {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("MethodNames", text);
}

} // namespace

QString methodDisplayName(const QString& id)
{
    static const QHash<QString, const char*> names{
        {QStringLiteral("input-x-grad"), QT_TRANSLATE_NOOP("MethodNames", "Input × gradient")},
        {QStringLiteral("chefer"), QT_TRANSLATE_NOOP("MethodNames", "Chefer relevancy")},
        {QStringLiteral("rollout"), QT_TRANSLATE_NOOP("MethodNames", "Attention rollout")},
        {QStringLiteral("attention"), QT_TRANSLATE_NOOP("MethodNames", "Raw attention")},
        {QStringLiteral("gradcam"), QT_TRANSLATE_NOOP("MethodNames", "Grad-CAM (LayerNorm output)")},
        {QStringLiteral("gradcam-attn"), QT_TRANSLATE_NOOP("MethodNames", "Grad-CAM (attention, Chefer)")},
        {QStringLiteral("integrated-gradients"), QT_TRANSLATE_NOOP("MethodNames", "Integrated gradients")},
        {QStringLiteral("occlusion"), QT_TRANSLATE_NOOP("MethodNames", "Occlusion")},
        {QStringLiteral("rise"), QT_TRANSLATE_NOOP("MethodNames", "RISE")},
        {QStringLiteral("head-importance"), QT_TRANSLATE_NOOP("MethodNames", "Head importance")},
    };
    const auto it = names.find(id);
    if (it != names.end()) return tr(it.value());
    // A plugin's method goes by the title its plugin gives it.
    if (const auto added = core::registeredExplainMethod(id); added && !added->title.isEmpty())
        return added->title;
    return id;
}

QString methodSummary(const core::ExplainParams& p)
{
    QStringList parts{methodDisplayName(p.method)};
    const QString& m = p.method;
    const auto layer = [&](const QString& word) {
        return p.layer < 0 ? tr("last %1").arg(word) : QStringLiteral("%1 %2").arg(word).arg(p.layer);
    };
    if (m == QLatin1String("gradcam") || m == QLatin1String("gradcam-attn")) {
        parts << layer(tr("block"));
    } else if (m == QLatin1String("attention")) {
        parts << layer(tr("layer"));
        parts << (p.head < 0 ? tr("mean of heads") : tr("head %1").arg(p.head));
    } else if (m == QLatin1String("rollout")) {
        parts << tr("%1 of heads").arg(core::fusionName(p.fusion));
        if (p.startLayer > 0) parts << tr("from layer %1").arg(p.startLayer);
        if (p.discardRatio > 0) parts << tr("discard %1 %").arg(qRound(p.discardRatio * 100.0f));
    } else if (m == QLatin1String("integrated-gradients")) {
        parts << tr("%1 steps").arg(p.igSteps);
    } else if (m == QLatin1String("occlusion")) {
        parts << (p.occlusionWindow > 0 ? tr("window %1 px").arg(p.occlusionWindow) : tr("one-patch window"));
    } else if (m == QLatin1String("rise")) {
        parts << tr("%1 masks, s %2, p %3").arg(p.riseMasks).arg(p.riseCells).arg(double(p.riseP));
    }
    // A plugin method's own settings, each named, so maps made with other settings are told apart.
    parts << core::describeExplainMethodSettings(m, p.methodSettings);
    if ((m == QLatin1String("attention") || m == QLatin1String("rollout")) && p.token != 0)
        parts << tr("token %1").arg(p.token);
    return parts.join(QStringLiteral(" · "));
}

} // namespace loupe::views
