// SPDX-License-Identifier: MIT
#include "annotation/commands/changekeypoints.h"

namespace loupe::annotation {

ChangeKeypoints::ChangeKeypoints(AnnotationDocument& doc, qint64 labelId, const QStringList& names,
                                 const std::vector<std::pair<int, int>>& skeleton)
    : EditCommand(doc, QObject::tr("Change Keypoints"))
{
    changeLabel(labelId, [&](LabelDef& l) {
        l.keypointNames = names;
        l.skeleton.clear();
        for (const auto& [a, b] : skeleton) // edges to keypoints that are gone are dropped
            if (a >= 0 && b >= 0 && a < names.size() && b < names.size() && a != b)
                l.skeleton.emplace_back(a, b);
    });
}

} // namespace loupe::annotation
