// SPDX-License-Identifier: MIT
#include "views/text/tokenmap.h"

#include <QCoreApplication>

namespace loupe::views {

namespace {
const std::vector<float>* at(const std::vector<std::vector<float>>& maps, int i)
{
    return i < int(maps.size()) && !maps[size_t(i)].empty() ? &maps[size_t(i)] : nullptr;
}
} // namespace

std::vector<float> tokenRangeMap(const GeneratedText& text, int first, int count, MapLayers layers,
                                 MapSource source)
{
    const size_t cells = size_t(text.grid) * size_t(text.grid);
    std::vector<float> sum;
    int used = 0;
    for (int i = std::max(first, 0); i < first + count; ++i) {
        std::vector<float> m;
        if (source == MapSource::Relevancy) {
            if (const auto* r = at(text.relevancy, i)) m = *r;
        } else if (!text.imageMaps.empty()) {
            if (const auto* r = at(text.imageMaps, i)) m = *r;
        } else if (i < int(text.traces.size()) && !text.traces[size_t(i)].crossAttention.empty()) {
            const compute::TokenTrace& t = text.traces[size_t(i)];
            m = t.patchMap(layers == MapLayers::Last ? int(t.crossAttention.size()) - 1 : -1);
        }
        if (m.size() != cells || cells == 0) continue;
        if (sum.empty()) sum.assign(cells, 0.f);
        for (size_t k = 0; k < cells; ++k)
            sum[k] += m[k];
        ++used;
    }
    for (float& v : sum)
        v /= float(used);
    return sum;
}

bool hasMaps(const GeneratedText& text, MapSource source)
{
    if (source == MapSource::Relevancy) return !text.relevancy.empty();
    return !text.imageMaps.empty() || !text.traces.empty();
}

QString mapDescription(MapLayers layers, MapSource source)
{
    const QString what = source == MapSource::CrossAttention
                             ? QCoreApplication::translate("TokenMap", "cross-attention")
                             : QCoreApplication::translate("TokenMap", "relevancy");
    const QString where = layers == MapLayers::Last
                              ? QCoreApplication::translate("TokenMap", "last layer")
                              : QCoreApplication::translate("TokenMap", "all layers mean");
    return what + QStringLiteral(", ") + where;
}

} // namespace loupe::views
