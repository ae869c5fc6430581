// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loupe::compute::text {

// One tokenised text: the ids a model reads and the vocabulary strings they stand for (byte-level BPE
// tokens are in the vocabulary's own alphabet, e.g. "Ġworld"). attentionMask is 1 per real token and 0 per
// padding token; encode() fills it with ones.
struct Encoding
{
    std::vector<int64_t> ids;
    std::vector<std::string> tokens;
    std::vector<int64_t> attentionMask;
};

enum class Padding {
    None,
    Longest,   // encodeBatch: pad every row to the longest row
    MaxLength, // pad to EncodeOptions::maxLength
};

enum class Side { Left, Right };

struct EncodeOptions
{
    bool addSpecialTokens = true;
    // Truncate to at most this many ids, special tokens included (-1: no truncation). The text's tokens are
    // cut, never the special tokens, as the library's truncation=True does; like the library, a max length
    // that leaves no room for any text token after the special tokens cuts nothing.
    int64_t maxLength = -1;
    Padding padding = Padding::None;
};

// A text tokenizer read from a checkpoint's own files, reproducing the Hugging Face "slow" (Python)
// tokenizer of the same kind id for id. Encoding takes UTF-8; invalid bytes read as U+FFFD.
class Tokenizer
{
public:
    virtual ~Tokenizer();

    // The library's tokenizer(text)["input_ids"] and the matching token strings, no truncation.
    virtual Encoding encode(std::string_view text, bool addSpecialTokens = true) const = 0;
    // The library's decode(ids, skip_special_tokens=...), cleaning spaces before punctuation when
    // cleanUpTokenizationSpaces is set. Throws Error for an id the vocabulary does not hold (byte-level BPE;
    // BERT reads it as [UNK]). A byte-level token can end inside a UTF-8 character: to stream text, decode
    // the sequence so far and print what is new.
    virtual std::string decode(const std::vector<int64_t>& ids, bool skipSpecialTokens = true) const = 0;
    virtual int64_t tokenId(std::string_view token) const = 0; // -1 if absent
    virtual std::string idToToken(int64_t id) const = 0;       // "" if absent
    // Vocabulary plus added tokens not in it: the library's len(tokenizer).
    virtual int64_t vocabSize() const = 0;

    // "gpt2", "clip" or "bert".
    virtual std::string kind() const = 0;

    // encode() with truncation and padding (tokenizer_config.json's padding_side / truncation_side). As the
    // library's tokenizer(text, ...), an empty result is not padded.
    Encoding encodeWith(std::string_view text, const EncodeOptions& options) const;
    // Several texts at once, as tokenizer(texts, ...): Padding::Longest pads them to the same length (CLIP's
    // padding=True); every row is padded, empty ones included.
    std::vector<Encoding> encodeBatch(const std::vector<std::string>& texts,
                                      const EncodeOptions& options) const;

    bool isSpecial(int64_t id) const;

    int64_t bosId = -1, eosId = -1, padId = -1, unkId = -1;
    int64_t clsId = -1, sepId = -1, maskId = -1;
    // Ids of every named special token and additional_special_tokens (what skip_special_tokens drops).
    std::vector<int64_t> specialIds;
    int64_t modelMaxLength = -1; // tokenizer_config.json model_max_length; -1 when absent or unbounded
    bool cleanUpTokenizationSpaces = true;
    Side paddingSide = Side::Right;
    Side truncationSide = Side::Right;

protected:
    // The ids/tokens the tokenizer wraps around a text's tokens (BERT: [CLS] ... [SEP]).
    virtual void addSpecialTokens(Encoding& encoding) const = 0;
    virtual int64_t numSpecialTokens() const = 0;
    // Puts `first` before the tokens and, when `last` >= 0, `last` after them (ids and token strings).
    void wrapTokens(Encoding& encoding, int64_t first, int64_t last) const;
    Encoding pad(Encoding encoding, int64_t length) const;
    int64_t paddedLength(const EncodeOptions& options) const;
};

// Reads the tokenizer in dir: GPT-2 byte-level BPE (vocab.json + merges.txt, or tokenizer.json), CLIP BPE
// (the same files, "</w>" word ends) or BERT WordPiece (vocab.txt [+ added_tokens.json]); the kind comes
// from tokenizer_config.json's tokenizer_class, else from the files present. Throws compute::Error naming
// the folder or the file and what is missing or broken.
std::unique_ptr<Tokenizer> loadTokenizer(const std::filesystem::path& dir);

} // namespace loupe::compute::text
