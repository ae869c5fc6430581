// SPDX-License-Identifier: MIT
#include "annotation/dataset/labelfilter.h"

namespace loupe::annotation {

bool keepLabels(Dataset& data, const QStringList& names, FormatReport& report)
{
    std::vector<int> newIndex(data.labels.size(), -1);
    std::vector<LabelDef> kept;
    for (const QString& n : names) {
        const int i = data.findLabel(n);
        if (i < 0) {
            report.error(QStringLiteral("--labels"), n, QStringLiteral("no label named \"%1\"").arg(n));
            continue;
        }
        if (newIndex[size_t(i)] >= 0) continue;
        newIndex[size_t(i)] = int(kept.size());
        kept.push_back(data.labels[size_t(i)]);
    }
    if (report.hasErrors()) return false;
    for (DatasetImage& im : data.images) {
        std::vector<Shape> shapes;
        shapes.reserve(im.shapes.size());
        for (Shape& s : im.shapes) {
            if (s.labelId < 0) {
                shapes.push_back(std::move(s));
                continue;
            }
            const int ni = newIndex[size_t(s.labelId)];
            if (ni < 0) {
                report.dropped(shapeKindName(s.kind()), QStringLiteral("label not selected with --labels"));
                continue;
            }
            s.labelId = ni;
            shapes.push_back(std::move(s));
        }
        im.shapes = std::move(shapes);
    }
    data.labels = std::move(kept);
    return true;
}

} // namespace loupe::annotation
