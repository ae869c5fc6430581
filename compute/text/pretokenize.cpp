// SPDX-License-Identifier: MIT
#include "compute/text/pretokenize.h"

#include "compute/text/unicode.h"

namespace loupe::compute::text {

namespace {

using unicode::isWhiteSpace;

bool isLetter(char32_t c)
{
    return unicode::isRegexLetter(c);
}
bool isNumber(char32_t c)
{
    return unicode::isRegexNumber(c);
}

bool isOther(char32_t c)
{
    return !isWhiteSpace(c) && !isLetter(c) && !isNumber(c);
}

// Length of a contraction ('s 't 're 've 'm 'll 'd) at i, 0 if none. With ignoreCase the regex module's
// simple case folding applies (ſ folds to s).
size_t contraction(std::u32string_view t, size_t i, bool ignoreCase)
{
    if (t[i] != U'\'' || i + 1 >= t.size()) return 0;
    auto is = [&](size_t k, char32_t ascii) {
        if (k >= t.size()) return false;
        const char32_t c = t[k];
        if (c == ascii) return true;
        if (!ignoreCase) return false;
        return c == ascii - 32 || (ascii == U's' && c == 0x17F);
    };
    if (is(i + 1, U's') || is(i + 1, U't') || is(i + 1, U'm') || is(i + 1, U'd')) return 2;
    if ((is(i + 1, U'r') && is(i + 2, U'e')) || (is(i + 1, U'v') && is(i + 2, U'e')) ||
        (is(i + 1, U'l') && is(i + 2, U'l')))
        return 3;
    return 0;
}

template <typename Pred> size_t runEnd(std::u32string_view t, size_t i, Pred pred)
{
    while (i < t.size() && pred(t[i]))
        ++i;
    return i;
}

} // namespace

std::vector<std::u32string_view> gpt2Pieces(std::u32string_view t)
{
    std::vector<std::u32string_view> out;
    size_t i = 0;
    while (i < t.size()) {
        size_t end = 0;
        if (size_t n = contraction(t, i, false)) {
            end = i + n;
        } else {
            // ` ?X+` for X = letters, numbers, others: an optional leading space then a run.
            const size_t s = (t[i] == U' ' && i + 1 < t.size()) ? i + 1 : i;
            const char32_t c = t[s];
            if (s < t.size() && isLetter(c)) {
                end = runEnd(t, s, isLetter);
            } else if (s < t.size() && isNumber(c)) {
                end = runEnd(t, s, isNumber);
            } else if (s < t.size() && isOther(c)) {
                end = runEnd(t, s, isOther);
            } else {
                // Whitespace: \s+(?!\S) leaves the last space of a run before a non-space to the next
                // token (" ?\p{L}+" then takes it); a single space before a non-space is \s+ alone.
                const size_t runStop = runEnd(t, i, isWhiteSpace);
                if (runStop == t.size() || runStop - i == 1)
                    end = runStop;
                else
                    end = runStop - 1;
            }
        }
        out.push_back(t.substr(i, end - i));
        i = end;
    }
    return out;
}

std::vector<std::u32string_view> clipPieces(std::u32string_view t)
{
    static const std::u32string_view kStart = U"<|startoftext|>", kEnd = U"<|endoftext|>";
    auto specialAt = [&](size_t i, std::u32string_view s) {
        if (t.size() - i < s.size()) return false;
        for (size_t k = 0; k < s.size(); ++k) {
            const char32_t c = t[i + k], want = s[k];
            const bool letter = want >= U'a' && want <= U'z';
            if (c != want && !(letter && (c == want - 32 || (want == U's' && c == 0x17F) ||
                                          (want == U'k' && c == 0x212A))))
                return false;
        }
        return true;
    };
    std::vector<std::u32string_view> out;
    size_t i = 0;
    while (i < t.size()) {
        size_t end = i;
        if (specialAt(i, kStart)) {
            end = i + kStart.size();
        } else if (specialAt(i, kEnd)) {
            end = i + kEnd.size();
        } else if (size_t n = contraction(t, i, true)) {
            end = i + n;
        } else if (isLetter(t[i])) {
            end = runEnd(t, i, isLetter);
        } else if (isNumber(t[i])) {
            end = i + 1;
        } else if (isOther(t[i])) {
            end = runEnd(t, i, isOther);
        } else {
            ++i; // whitespace matches nothing: findall skips it
            continue;
        }
        out.push_back(t.substr(i, end - i));
        i = end;
    }
    return out;
}

} // namespace loupe::compute::text
