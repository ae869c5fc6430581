// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/vision_encoder_decoder_trace.h"

#include <QString>
#include <QVector>
#include <cstdint>
#include <vector>

namespace loupe::compute::text {
class Tokenizer;
}

namespace loupe::views {

// One alternative the decoder weighed at a step, decoded so the panels need no tokenizer.
struct TokenAlternative
{
    int64_t id = -1;
    QString text;
    float probability = 0;
};

// One generated token as the reader sees it: the text it adds to the decoded sequence (leading space
// included; empty for special tokens), its probability and what else the decoder weighed there.
struct TokenPiece
{
    int64_t id = -1;
    QString text;
    float probability = 0;
    std::vector<TokenAlternative> alternatives; // best first, the chosen token among them when in the top
};

// A word of the text: consecutive pieces, a new one starting at a piece that begins with white space.
struct TokenWord
{
    int first = 0; // index of the first piece
    int count = 0;
    QString text; // trimmed
};

// A caption or an answer as every panel shows it: the new tokens decoded piece by piece, with the
// per-token traces (cross-attention over the image patches) when the decoder recorded them.
struct GeneratedText
{
    std::vector<int64_t> promptIds;          // the start token and any prompt, which the text view leaves out
    std::vector<int64_t> tokens;             // the new tokens
    std::vector<TokenPiece> pieces;          // one per new token
    QString text;                            // the whole sequence decoded, special tokens skipped
    std::vector<compute::TokenTrace> traces; // per new token; may be shorter (none past EOS) or empty
    // Per new token, a ready grid x grid map over the image patches where the traces' cross-attention
    // covers something else (a VQA answer attends the question, carried through to the image here).
    std::vector<std::vector<float>> imageMaps;
    // Per new token, gradient-weighted relevancy over the image patches, where the model provides it.
    std::vector<std::vector<float>> relevancy;
    int grid = 0; // side of the patch grid the maps cover
    bool cancelled = false;
};

// Splits `sequence` (prompt included) after `promptLength` into pieces: each piece's text is what
// decoding one more token adds, so BPE's leading spaces and WordPiece's ## joins come out as the
// tokenizer's own decode writes them.
GeneratedText describeGeneration(const compute::text::Tokenizer& tok, const std::vector<int64_t>& sequence,
                                 size_t promptLength, std::vector<compute::TokenTrace> traces, int grid);

QVector<TokenWord> groupWords(const std::vector<TokenPiece>& pieces);

} // namespace loupe::views
