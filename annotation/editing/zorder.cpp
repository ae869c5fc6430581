// SPDX-License-Identifier: MIT
#include "annotation/editing/zorder.h"

#include <algorithm>

namespace loupe::annotation {

double zOrderOf(const Shape& s)
{
    return s.attributes.value(kZOrderAttribute).toDouble(0.0);
}

bool drawnBelow(const Shape& a, const Shape& b)
{
    const double za = zOrderOf(a), zb = zOrderOf(b);
    return za != zb ? za < zb : a.id < b.id;
}

double zAbove(const std::vector<const Shape*>& others)
{
    double top = 0;
    for (const Shape* s : others)
        top = std::max(top, zOrderOf(*s));
    return top + 1;
}

double zBelow(const std::vector<const Shape*>& others)
{
    double bottom = 0;
    for (const Shape* s : others)
        bottom = std::min(bottom, zOrderOf(*s));
    return bottom - 1;
}

} // namespace loupe::annotation
