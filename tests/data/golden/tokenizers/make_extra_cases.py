#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes extra_cases.json beside this script: more strings for the three tokenizers of this folder (hand
picked corner cases of Unicode and of added tokens, plus random mixes of scripts), each with the ids,
tokens and decodings of transformers' slow tokenizers. Run in the reference environment of ../README.md
(transformers 4.41, regex 2022.10.31, Python 3.11 / Unicode 14.0, no `tokenizers`, no `ftfy`):

    python3 make_extra_cases.py > extra_cases.json
"""
import json
import os
import random
import sys

import transformers.tokenization_utils_base as tub

# As the golden script does: AddedToken's stand-in compares and hashes by content, as the real class does.
tub.AddedToken.__eq__ = lambda a, b: str(a) == str(b)
tub.AddedToken.__hash__ = lambda self: hash(self.content)
from transformers import BertTokenizer, CLIPTokenizer, GPT2Tokenizer  # noqa: E402
from transformers.utils import logging  # noqa: E402

logging.set_verbosity_error()
HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZERS = {"gpt2": GPT2Tokenizer.from_pretrained(os.path.join(HERE, "gpt2")),
              "clip": CLIPTokenizer.from_pretrained(os.path.join(HERE, "clip")),
              "bert": BertTokenizer.from_pretrained(os.path.join(HERE, "bert"))}

HAND_PICKED = [
    "ΟΔΟΣ ΣΑΣ. ΑΣ'Α Σ ΣΣ aΣb", "İstanbul İ", "ǅemal ǈ ǋ", "e\u0301 a\u0308\u0304 \u1100\u1161\u11a8 \u212b \u0344",
    "Tiê\u0301ng Vie\u0323\u0302t ḳ́", "'ſ 'S 'RE 'Ll 'D don'T it'ſ", "<|ENDOFTEXT|> <|StartOfText|> <|endoftext|>",
    "<|endoftext|><|endoftext|>a<|endoftext|>b", "hello[MASK]world [CLS][SEP] x[UNK]y [dec] [DEC]x",
    "  \n\n  x \u3000y\u2028z\u2029w\x1cq\x1fr\x85s\xa0t\u202fu", "\x7f\x01\x0b\x0c\ufffd \ue000\U000f0000 \u0378",
    "१२३ ٤٥٦ Ⅻ ½ ² ¹⁰ ①", "ＦＵＬＬ１２３ ﬁ ﬀ ㍿ ㌀", "𠀀𠀁 丽 \U0002f800 \U00031350", "\U00011f04\U00011f05 \U0001e4d0",
    "👍🏽👨‍👩‍👧🇫🇷🏳️‍🌈 ✌︎ 1️⃣", "Ελληνικά Русский язык ΆΈΉ", "नमस्ते दुनिया ไทย العربية", "a" * 150, "é" * 101,
    "x" * 99 + " " + "ab" * 60, "'", "''s", "' s", " 's", "!'s", "s'", "a  b   c    d", "\t\ta\t\t", "\n", "\r\n",
    " \u0301", "\u0301\u0301a", "ΣΣΣ", "Σ", "aΣ", "Σa", "a'Σ", "a\u00adΣ", "ﬃ ǰ ẞ ß", "ŉ ΐ", "\u0130\u0307",
    "Ǆ ǅ ǆ", "K Å", "Hello, World! What's up? I'm fine; you're OK.", "a.b,c!d?e ' f n't 's 'm 've 're",
    "[ENC] text [DEC]", "<|startoftext|>", "tab\tsep\u000bvt\u000cff", "😀" * 40, "\u200b\u200c\u200d\u2060\ufeff",
]

RANGES = [
    (0x20, 0x7E, 30), (0x09, 0x0D, 3), (0xA0, 0xFF, 6), (0x100, 0x24F, 5), (0x300, 0x36F, 4), (0x370, 0x3FF, 4),
    (0x400, 0x4FF, 4), (0x590, 0x6FF, 2), (0x900, 0x97F, 2), (0xE00, 0xE7F, 1), (0x1100, 0x11FF, 2),
    (0x1E00, 0x1EFF, 3), (0x2000, 0x206F, 3), (0x2070, 0x218F, 2), (0x2460, 0x24FF, 1), (0x3000, 0x30FF, 3),
    (0x3400, 0x3410, 1), (0x4E00, 0x4E80, 3), (0xAC00, 0xAC80, 2), (0xF900, 0xF910, 1), (0xFB00, 0xFB4F, 1),
    (0xFE00, 0xFE0F, 1), (0xFF00, 0xFFEF, 2), (0x1F300, 0x1F6FF, 4), (0x1F900, 0x1F9FF, 1), (0x10000, 0x1007F, 1),
    (0x11F00, 0x11F5F, 1), (0x1E4D0, 0x1E4FF, 1), (0x20000, 0x20010, 1), (0xE0000, 0xE007F, 1), (0xE000, 0xE010, 1),
    (0x0378, 0x0379, 1),
]
SPECIALS = ["<|endoftext|>", "<|startoftext|>", "[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[DEC]", "[ENC]"]


def random_string(rng):
    weights = [w for _, _, w in RANGES]
    out = []
    for _ in range(rng.randint(0, 40)):
        if rng.random() < 0.04:
            out.append(rng.choice(SPECIALS))
            continue
        lo, hi, _ = rng.choices(RANGES, weights)[0]
        cp = rng.randint(lo, hi)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        out.append(chr(cp))
    return "".join(out)


# Variants of the folders above that exercise what their configs leave unused: added tokens with lstrip /
# rstrip / single_word, non-special added tokens (decoded apart from the byte-level text), add_bos_token and
# add_prefix_space. Written to variants/<name>/ by this script.
VARIANTS = {
    "bert_strip": ("bert", {"tokenizer_config.json": lambda c: c["added_tokens_decoder"].update({
        "4": dict(c["added_tokens_decoder"]["4"], lstrip=True, rstrip=True),
        "422": {"content": "shapes", "lstrip": False, "normalized": True, "rstrip": False, "single_word": True,
                "special": False},
        "423": {"content": "Zorb", "lstrip": False, "normalized": False, "rstrip": True, "single_word": False,
                "special": False}})}),
    "gpt2_bos": ("gpt2", {"tokenizer_config.json": lambda c: (c.update({"add_bos_token": True,
                                                                      "add_prefix_space": True}),
                                                            c["added_tokens_decoder"].update({
        "557": {"content": " foo", "lstrip": False, "normalized": True, "rstrip": False, "single_word": False,
                "special": False},
        "558": {"content": "<sep>", "lstrip": True, "normalized": False, "rstrip": False, "single_word": False,
                "special": True}}))}),
    "clip_added": ("clip", {"tokenizer_config.json": lambda c: c["added_tokens_decoder"].update({
        "814": {"content": "<cat>", "lstrip": False, "normalized": False, "rstrip": True, "single_word": False,
                "special": False}})}),
}
VARIANT_STRINGS = [
    "a [MASK] b", "a   [MASK]   b", "[MASK]x", "shapes", "the shapes here", "theshapes", "shapesx", "x shapes.",
    "Zorb  world", "zorb Zorb", "Hello foo bar", "foo", " foo foo", "a<sep>b", "a   <sep>  b", "<|endoftext|>x",
    "a <cat>   dog", "<cat><cat>", "<CAT> cat", "", " ", "Hello world",
]


def write_variants():
    import shutil
    out = {}
    for name, (base, patches) in VARIANTS.items():
        dst = os.path.join(HERE, "variants", name)
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(os.path.join(HERE, base), dst)
        for file, patch in patches.items():
            path = os.path.join(dst, file)
            config = json.load(open(path, encoding="utf-8"))
            patch(config)
            with open(path, "w", encoding="utf-8") as f:
                json.dump(config, f, indent=2, ensure_ascii=False)
        cls = {"bert": BertTokenizer, "gpt2": GPT2Tokenizer, "clip": CLIPTokenizer}[base]
        t = cls.from_pretrained(dst)
        rows = []
        for s in VARIANT_STRINGS + HAND_PICKED[:12]:
            ids = t(s)["input_ids"]
            rows.append({"text": s, "ids": ids, "tokens": t.convert_ids_to_tokens(ids), "decoded": t.decode(ids),
                         "decoded_skip_special_no_cleanup": t.decode(ids, skip_special_tokens=True,
                                                                     clean_up_tokenization_spaces=False)})
        out[name] = {"folder": "variants/" + name, "kind": base, "results": rows}
    return out


def main():
    rng = random.Random(20261205)
    strings = HAND_PICKED + [random_string(rng) for _ in range(400)]
    results = []
    for s in strings:
        r = {"text": s}
        for name, t in TOKENIZERS.items():
            ids = t(s)["input_ids"]
            r[name] = {"ids": ids, "tokens": t.convert_ids_to_tokens(ids), "decoded": t.decode(ids),
                       "decoded_skip_special_no_cleanup": t.decode(ids, skip_special_tokens=True,
                                                                   clean_up_tokenization_spaces=False)}
        results.append(r)
    # Truncation and padding: tokenizer(texts, padding=True), and each text with truncation at max_length
    # (with and without padding="max_length", with and without special tokens). GPT-2 has no pad token.
    texts = ["a photo of a cat", "", "The quick brown fox jumps over the lazy dog.", "日本語 [MASK] <|endoftext|>"]
    options = []
    for name, t in TOKENIZERS.items():
        if t.pad_token is not None:
            batch = t(texts, padding=True)
            options.append({"tokenizer": name, "texts": texts, "padding": "longest", "max_length": -1,
                            "add_special_tokens": True, "input_ids": batch["input_ids"],
                            "attention_mask": batch["attention_mask"]})
        for max_length in (2, 5, 9):
            for special in (True, False):
                for padding in (("none", "max_length") if t.pad_token is not None else ("none",)):
                    rows = [t(x, truncation=True, max_length=max_length, add_special_tokens=special,
                              padding=padding if padding != "none" else False) for x in texts]
                    options.append({"tokenizer": name, "texts": texts, "padding": padding, "max_length": max_length,
                                    "add_special_tokens": special, "input_ids": [r["input_ids"] for r in rows],
                                    "attention_mask": [r["attention_mask"] for r in rows]})
    json.dump({"generator": "make_extra_cases.py", "transformers": __import__("transformers").__version__,
               "results": results, "options": options, "variants": write_variants()}, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
