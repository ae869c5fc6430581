// SPDX-License-Identifier: MIT
#include "smoothgrad_plugin.h"

#include "smoothgrad.h"

namespace loupe::smoothgrad {

QStringList SmoothGradPlugin::methods() const
{
    return {QStringLiteral("smoothgrad"), QStringLiteral("smoothgrad-signed")};
}

QString SmoothGradPlugin::title(const QString& method) const
{
    return method == QLatin1String("smoothgrad") ? QStringLiteral("SmoothGrad (|gradient|, noise-averaged)")
                                                 : QStringLiteral("SmoothGrad, signed");
}

bool SmoothGradPlugin::map(const QString& method, plugin::ModelSession& session,
                           const plugin::ExplainImage& image, int target, const QVariantMap& s,
                           std::vector<float>* map, QString* error)
{
    if (!methods().contains(method)) {
        *error = QStringLiteral("unknown method '%1'").arg(method);
        return false;
    }
    Options o;
    o.absolute = method == QLatin1String("smoothgrad");
    o.samples = s.value(QStringLiteral("samples"), s.value(QStringLiteral("igSteps"), o.samples)).toInt();
    o.noise = s.value(QStringLiteral("noise"), o.noise).toDouble();
    o.seed = s.value(QStringLiteral("seed"), qulonglong(0)).toULongLong();
    o.batchSize = s.value(QStringLiteral("batchSize"), o.batchSize).toInt();
    return smoothGradMap(session, image, target, o, map, error);
}

QList<plugin::MethodSetting> SmoothGradPlugin::settings(const QString& method) const
{
    if (!methods().contains(method)) return {};
    const Options defaults;
    return {{QStringLiteral("samples"), defaults.samples,
             QStringLiteral("noisy copies averaged (at least 1; more is smoother and slower)")},
            {QStringLiteral("noise"), defaults.noise,
             QStringLiteral("noise sigma as a fraction of the image's value range (not negative)")}};
}

} // namespace loupe::smoothgrad
