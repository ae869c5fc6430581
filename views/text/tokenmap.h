// SPDX-License-Identifier: MIT
#pragma once

#include "views/text/generatedtext.h"

#include <QString>
#include <vector>

namespace loupe::views {

enum class MapLayers { Last, Mean };                // the last decoder layer, or every layer averaged
enum class MapSource { CrossAttention, Relevancy }; // relevancy: gradient-weighted, when the trace has it

// The patch map (grid x grid, rows first) of `count` tokens from `first`, averaged over the tokens (a
// word of several tokens looked at all of those places): each token's head-averaged cross-attention
// (its image map where the text carries those instead: layers do not apply then), or its relevancy.
// Empty when none of the tokens has the map asked for.
std::vector<float> tokenRangeMap(const GeneratedText& text, int first, int count, MapLayers layers,
                                 MapSource source);
// Whether the text carries maps of this source at all.
bool hasMaps(const GeneratedText& text, MapSource source);

// What the overlay's caption says about the map: "cross-attention, last layer".
QString mapDescription(MapLayers layers, MapSource source);

} // namespace loupe::views
