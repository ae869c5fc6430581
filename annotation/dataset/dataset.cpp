// SPDX-License-Identifier: MIT
#include "annotation/dataset/dataset.h"

namespace loupe::annotation {

int Dataset::findLabel(const QString& name) const
{
    for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i].name == name) return int(i);
    return -1;
}

int Dataset::ensureLabel(const QString& name)
{
    const int i = findLabel(name);
    if (i >= 0) return i;
    LabelDef l;
    l.name = name;
    labels.push_back(l);
    return int(labels.size()) - 1;
}

qsizetype Dataset::shapeCount() const
{
    qsizetype n = 0;
    for (const DatasetImage& im : images)
        n += qsizetype(im.shapes.size());
    return n;
}

} // namespace loupe::annotation
