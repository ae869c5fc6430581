// SPDX-License-Identifier: MIT
#include "compute/text/unicode.h"

#include "compute/text/unicode_tables.h"

#include <algorithm>
#include <array>
#include <vector>

namespace loupe::compute::text::unicode {

namespace {

using namespace tables;

Category lookupCategory(char32_t c)
{
    const CategoryRun* end = kCategoryRuns + kCategoryRunCount;
    const CategoryRun* it = std::upper_bound(kCategoryRuns, end, uint32_t(c),
                                             [](uint32_t v, const CategoryRun& r) { return v < r.first; });
    return Category((it - 1)->category);
}

// Most text stays in the BMP: one byte per code point there, filled once.
const std::array<uint8_t, 0x10000>& bmpCategories()
{
    static const std::array<uint8_t, 0x10000> table = [] {
        std::array<uint8_t, 0x10000> t{};
        for (char32_t c = 0; c < 0x10000; ++c)
            t[c] = uint8_t(lookupCategory(c));
        return t;
    }();
    return table;
}

bool inRanges(const CodeRange* ranges, size_t count, char32_t c)
{
    const CodeRange* end = ranges + count;
    const CodeRange* it = std::upper_bound(ranges, end, uint32_t(c),
                                           [](uint32_t v, const CodeRange& r) { return v < r.first; });
    return it != ranges && c <= (it - 1)->last;
}

// Bit 0: regex \p{L}, bit 1: regex \p{N}, for the BMP.
const std::array<uint8_t, 0x10000>& bmpRegexClasses()
{
    static const std::array<uint8_t, 0x10000> table = [] {
        std::array<uint8_t, 0x10000> t{};
        for (char32_t c = 0; c < 0x10000; ++c)
            t[c] = uint8_t((inRanges(kRegexLetter, kRegexLetterCount, c) ? 1 : 0) |
                           (inRanges(kRegexNumber, kRegexNumberCount, c) ? 2 : 0));
        return t;
    }();
    return table;
}

char32_t lowerSimple(char32_t c)
{
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    const CodePair* end = kLower + kLowerCount;
    const CodePair* it =
        std::lower_bound(kLower, end, uint32_t(c), [](const CodePair& p, uint32_t v) { return p.from < v; });
    return (it != end && it->from == c) ? it->to : c;
}

bool isCased(char32_t c)
{
    return inRanges(kCased, kCasedCount, c);
}
bool isCaseIgnorable(char32_t c)
{
    return inRanges(kCaseIgnorable, kCaseIgnorableCount, c);
}

// Python's handle_capital_sigma: \p{cased}\p{case-ignorable}* U+03A3 !(\p{case-ignorable}* \p{cased}).
bool finalSigma(std::u32string_view s, size_t i)
{
    size_t j = i;
    char32_t c = 0;
    bool found = false;
    while (j > 0) {
        c = s[--j];
        if (!isCaseIgnorable(c)) {
            found = true;
            break;
        }
    }
    if (!found || !isCased(c)) return false;
    for (j = i + 1; j < s.size(); ++j) {
        if (!isCaseIgnorable(s[j])) return !isCased(s[j]);
    }
    return true;
}

const Decomposition* findDecomposition(char32_t c)
{
    const Decomposition* end = kDecompositions + kDecompositionCount;
    const Decomposition* it = std::lower_bound(kDecompositions, end, uint32_t(c),
                                               [](const Decomposition& d, uint32_t v) { return d.cp < v; });
    return (it != end && it->cp == c) ? it : nullptr;
}

constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr int kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
              kSCount = kLCount * kNCount;

char32_t compose(char32_t a, char32_t b)
{
    if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
        return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
    if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
        b < kTBase + kTCount)
        return a + (b - kTBase);
    const Composition* end = kCompositions + kCompositionCount;
    const Composition* it =
        std::lower_bound(kCompositions, end, std::pair<uint32_t, uint32_t>(a, b),
                         [](const Composition& x, const std::pair<uint32_t, uint32_t>& v) {
                             return x.first != v.first ? x.first < v.first : x.second < v.second;
                         });
    return (it != end && it->first == a && it->second == b) ? it->composite : 0;
}

} // namespace

Category category(char32_t c)
{
    if (c < 0x10000) return Category(bmpCategories()[c]);
    if (c > 0x10FFFF) return Category::Cn;
    return lookupCategory(c);
}

bool isRegexLetter(char32_t c)
{
    if (c < 0x10000) return bmpRegexClasses()[c] & 1;
    return inRanges(kRegexLetter, kRegexLetterCount, c);
}

bool isRegexNumber(char32_t c)
{
    if (c < 0x10000) return bmpRegexClasses()[c] & 2;
    return inRanges(kRegexNumber, kRegexNumberCount, c);
}

bool isWhiteSpace(char32_t c)
{
    switch (c) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

bool isPythonSpace(char32_t c)
{
    return isWhiteSpace(c) || (c >= 0x1C && c <= 0x1F);
}

int combiningClass(char32_t c)
{
    if (c < 0x300) return 0;
    const CombiningRange* end = kCombining + kCombiningCount;
    const CombiningRange* it = std::upper_bound(
        kCombining, end, uint32_t(c), [](uint32_t v, const CombiningRange& r) { return v < r.first; });
    return (it != kCombining && c <= (it - 1)->last) ? (it - 1)->ccc : 0;
}

std::u32string decodeUtf8(std::string_view bytes)
{
    std::u32string out;
    out.reserve(bytes.size());
    const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t n = bytes.size();
    size_t i = 0;
    while (i < n) {
        const unsigned char b = s[i];
        if (b < 0x80) {
            out.push_back(b);
            ++i;
            continue;
        }
        int need;
        char32_t cp;
        unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte (Unicode Table 3-7)
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1, cp = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2, cp = b & 0x0F;
            if (b == 0xE0) lo = 0xA0;
            if (b == 0xED) hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3, cp = b & 0x07;
            if (b == 0xF0) lo = 0x90;
            if (b == 0xF4) hi = 0x8F;
        } else {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        size_t j = i + 1;
        bool ok = true;
        for (int k = 0; k < need; ++k, ++j) {
            const unsigned char lower = k == 0 ? lo : 0x80, upper = k == 0 ? hi : 0xBF;
            if (j >= n || s[j] < lower || s[j] > upper) {
                ok = false;
                break;
            }
            cp = (cp << 6) | (s[j] & 0x3F);
        }
        out.push_back(ok ? cp : char32_t(0xFFFD));
        i = j; // on failure j stops at the first byte that does not continue the sequence
    }
    return out;
}

void appendUtf8(std::string& out, char32_t c)
{
    if (c < 0x80) {
        out.push_back(char(c));
    } else if (c < 0x800) {
        out.push_back(char(0xC0 | (c >> 6)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(char(0xE0 | (c >> 12)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (c >> 18)));
        out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    }
}

std::string encodeUtf8(std::u32string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text)
        appendUtf8(out, c);
    return out;
}

std::string stripPythonSpace(std::string_view text)
{
    const std::u32string u = decodeUtf8(text);
    size_t b = 0, e = u.size();
    while (b < e && isPythonSpace(u[b]))
        ++b;
    while (e > b && isPythonSpace(u[e - 1]))
        --e;
    return encodeUtf8(std::u32string_view(u).substr(b, e - b));
}

std::u32string lowerChar(char32_t c)
{
    if (c == 0x130) return U"i\u0307"; // the one multi-character lower-case mapping
    return std::u32string(1, lowerSimple(c));
}

std::u32string lower(std::u32string_view text)
{
    std::u32string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        if (c == 0x3A3)
            out.push_back(finalSigma(text, i) ? 0x3C2 : 0x3C3);
        else if (c == 0x130)
            out += U"i\u0307";
        else
            out.push_back(lowerSimple(c));
    }
    return out;
}

std::u32string nfd(std::u32string_view text)
{
    std::u32string out;
    out.reserve(text.size());
    for (char32_t c : text) {
        if (c < 0xC0) {
            out.push_back(c);
        } else if (c >= kSBase && c < kSBase + kSCount) {
            const int s = int(c - kSBase);
            out.push_back(kLBase + s / kNCount);
            out.push_back(kVBase + (s % kNCount) / kTCount);
            if (s % kTCount) out.push_back(kTBase + s % kTCount);
        } else if (const Decomposition* d = findDecomposition(c)) {
            out.append(reinterpret_cast<const char32_t*>(kDecompositionPool + d->offset), d->length);
        } else {
            out.push_back(c);
        }
    }
    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    for (size_t i = 0; i < out.size();) {
        if (combiningClass(out[i]) == 0) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < out.size() && combiningClass(out[j]) != 0)
            ++j;
        std::stable_sort(out.begin() + i, out.begin() + j,
                         [](char32_t a, char32_t b) { return combiningClass(a) < combiningClass(b); });
        i = j;
    }
    return out;
}

std::u32string nfc(std::u32string_view text)
{
    // Below U+0300 every character is its own NFC form and no composition can start.
    if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x300; }))
        return std::u32string(text);
    std::u32string d = nfd(text);
    std::u32string out;
    out.reserve(d.size());
    size_t starter = std::u32string::npos; // index in out of the last starter
    int lastClass = -1;
    for (char32_t c : d) {
        const int cc = combiningClass(c);
        if (starter != std::u32string::npos) {
            // Blocked when a character in between has a class >= c's (or is a starter, class 0).
            const bool adjacent = starter + 1 == out.size();
            if (adjacent || (lastClass != 0 && lastClass < cc)) {
                if (char32_t comp = compose(out[starter], c)) {
                    out[starter] = comp;
                    continue;
                }
            }
        }
        if (cc == 0) {
            starter = out.size();
            lastClass = -1;
        } else {
            lastClass = cc;
        }
        out.push_back(c);
    }
    return out;
}

} // namespace loupe::compute::text::unicode
