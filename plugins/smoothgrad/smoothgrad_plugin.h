// SPDX-License-Identifier: MIT
#pragma once

#include "plugins/api/explanation_method.h"

#include <QObject>

namespace loupe::smoothgrad {

// "smoothgrad" (absolute values, as the paper shows them) and "smoothgrad-signed".
// Settings: samples (else Loupe's igSteps, its gradient-sampling count), noise, seed, batchSize; the
// first two are the method's own (`loupe explain --set samples=32 --set noise=0.1`).
class SmoothGradPlugin : public QObject,
                         public plugin::ExplanationMethodInterface,
                         public plugin::ExplanationSettingsInterface
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID LOUPE_PLUGIN_IID FILE "smoothgrad.json")
    Q_INTERFACES(loupe::plugin::ExplanationMethodInterface loupe::plugin::ExplanationSettingsInterface)

public:
    QStringList methods() const override;
    QString title(const QString& method) const override;
    bool map(const QString& method, plugin::ModelSession& session, const plugin::ExplainImage& image,
             int target, const QVariantMap& settings, std::vector<float>* map, QString* error) override;
    QList<plugin::MethodSetting> settings(const QString& method) const override;
};

} // namespace loupe::smoothgrad
