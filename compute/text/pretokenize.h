// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <vector>

// Hand-written equivalents of the pre-tokenisation regexes of GPT-2 and CLIP (Python's regex module with
// Unicode classes); each returns the findall() matches in order.
namespace loupe::compute::text {

// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
std::vector<std::u32string_view> gpt2Pieces(std::u32string_view text);

// <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+ (IGNORECASE)
std::vector<std::u32string_view> clipPieces(std::u32string_view text);

} // namespace loupe::compute::text
