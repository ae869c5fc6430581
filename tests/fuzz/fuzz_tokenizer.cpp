// SPDX-License-Identifier: MIT
// The three golden tokenizers (tests/data/golden/tokenizers, or $LOUPE_TOKENIZER_DIR) on arbitrary bytes.
// The first byte picks what runs: encode the rest with GPT-2, CLIP or BERT (ids known to the vocabulary,
// one token per id, truncation and padding within their lengths, and GPT-2's byte-level round trip:
// decode(encode(text)) gives the text back, invalid UTF-8 read as U+FFFD), or decode the rest read as
// little-endian 32-bit ids, some outside the vocabulary (only compute::Error may come out).
#include "compute/error.h"
#include "compute/text/tokenizer.h"
#include "compute/text/unicode.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

using namespace loupe::compute;
using namespace loupe::compute::text;

namespace {

std::filesystem::path goldenDir()
{
    if (const char* env = std::getenv("LOUPE_TOKENIZER_DIR")) return env;
    // From CMake, absolute: __FILE__ is relative under ccache's base_dir, and CTest runs from another folder.
    return std::filesystem::path(LOUPE_TEST_DATA) / "golden" / "tokenizers";
}

struct Tokenizers
{
    std::unique_ptr<Tokenizer> all[3];
    Tokenizers()
    {
        const char* kinds[] = {"gpt2", "clip", "bert"};
        for (int i = 0; i < 3; ++i)
            all[i] = loadTokenizer(goldenDir() / kinds[i]);
    }
};

Tokenizers& tokenizers()
{
    static Tokenizers t;
    return t;
}

void checkEncoding(const Tokenizer& t, const Encoding& e)
{
    if (e.ids.size() != e.tokens.size() || e.ids.size() != e.attentionMask.size()) __builtin_trap();
    for (size_t i = 0; i < e.ids.size(); ++i) {
        if (e.ids[i] < 0 || e.ids[i] >= t.vocabSize()) __builtin_trap();
        if (e.attentionMask[i] == 1 && t.idToToken(e.ids[i]) != e.tokens[i] && e.ids[i] != t.unkId)
            __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0) return 0;
    Tokenizers& all = tokenizers();
    const uint8_t mode = data[0];
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    if (mode % 4 < 3) {
        Tokenizer& t = *all.all[mode % 4];
        const Encoding e = t.encode(text);
        checkEncoding(t, e);
        // Decoding what was encoded never meets an unknown id.
        t.decode(e.ids, false);
        t.decode(e.ids, true);
        if (mode % 4 == 0) {
            // Byte-level BPE loses nothing: the text comes back, invalid bytes as U+FFFD.
            t.cleanUpTokenizationSpaces = false;
            const std::string back = t.decode(e.ids, false);
            t.cleanUpTokenizationSpaces = true;
            if (back != unicode::encodeUtf8(unicode::decodeUtf8(text))) __builtin_trap();
        }
        EncodeOptions o;
        o.maxLength = mode >> 2; // 0..63
        const Encoding cut = t.encodeWith(text, o);
        checkEncoding(t, cut);
        const int64_t special = int64_t(t.encode("", true).ids.size());
        if (o.maxLength > special && int64_t(cut.ids.size()) > o.maxLength) __builtin_trap();
        if (t.padId >= 0) {
            o.padding = Padding::MaxLength;
            const Encoding padded = t.encodeWith(text, o);
            checkEncoding(t, padded);
            if (!padded.ids.empty() && int64_t(padded.ids.size()) < o.maxLength) __builtin_trap();
        }
        return 0;
    }
    std::vector<int64_t> ids;
    for (size_t i = 1; i + 4 <= size; i += 4) {
        int32_t v;
        std::memcpy(&v, data + i, 4);
        ids.push_back(v % 1000);
    }
    for (auto& t : all.all) {
        try {
            t->decode(ids, (mode & 4) != 0);
        } catch (const Error&) {
        }
    }
    return 0;
}
