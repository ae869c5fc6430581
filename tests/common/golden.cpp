// SPDX-License-Identifier: MIT
#include "common/golden.h"

#include "compute/tensor.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

namespace loupe::test {

Tolerance goldenTolerance(const QString& caseDir, const QString& tensor)
{
    QFile f(caseDir + QStringLiteral("/case.json"));
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(f.fileName()));
    const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    const QString group = root[QStringLiteral("tensors")][tensor][QStringLiteral("group")].toString();
    if (group.isEmpty()) qFatal("%s: no tensor %s in case.json", qPrintable(caseDir), qPrintable(tensor));
    const QJsonObject t = root[QStringLiteral("tolerances")][group].toObject();
    return {t[QStringLiteral("atol")].toDouble(), t[QStringLiteral("rtol")].toDouble()};
}

QString compareClose(const QString& name, const std::vector<float>& actual,
                     const compute::TensorView& expected, Tolerance tol)
{
    const std::vector<float> want = compute::toF32(expected);
    if (want.size() != actual.size())
        return QStringLiteral("%1: %2 values, expected %3").arg(name).arg(actual.size()).arg(want.size());
    double worstExcess = 0.0;
    qsizetype worst = -1;
    for (size_t i = 0; i < want.size(); ++i) {
        const double diff = std::fabs(double(actual[i]) - double(want[i]));
        const double allowed = tol.atol + tol.rtol * std::fabs(double(want[i]));
        if (!(diff <= allowed) && (worst < 0 || diff - allowed > worstExcess)) {
            worstExcess = diff - allowed;
            worst = qsizetype(i);
        }
    }
    if (worst < 0) return {};
    return QStringLiteral("%1[%2]: got %3, expected %4 (atol %5, rtol %6)")
        .arg(name)
        .arg(worst)
        .arg(double(actual[size_t(worst)]), 0, 'g', 9)
        .arg(double(want[size_t(worst)]), 0, 'g', 9)
        .arg(tol.atol)
        .arg(tol.rtol);
}

std::vector<int64_t> goldenIds(const compute::SafetensorsFile& f, const std::string& name)
{
    const compute::TensorView& v = f.tensor(name);
    const auto* p = static_cast<const int64_t*>(v.data);
    return std::vector<int64_t>(p, p + compute::shapeNumel(v.shape));
}

} // namespace loupe::test
