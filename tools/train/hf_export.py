#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writers for the Hugging Face checkpoint files the shapes-world trainers ship: word-level tokenizers
(GPT-2 byte-level BPE, BERT WordPiece), JSON files, image processor configs and the folder size check.

The tokenizers are word-level on purpose: the shapes world has a few dozen words, so every word is one
token. A GPT-2 vocabulary still needs the 256 byte symbols and a merge chain per word (BPE applies merges,
it never looks words up), so the merges are learnt by BPE itself from the word list, which guarantees
that encoding reproduces the whole words; `check_word_tokens` proves it with transformers' tokenizer.
"""
import json
import os

SPECIAL_GPT2 = "<|endoftext|>"
BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BERT_ADDED = ["[DEC]", "[ENC]"]  # BLIP's decoder start token and its (unused here) encoder token


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def gpt2_word_vocab(words):
    """(vocab dict, merges list) of a byte-level BPE whose merges build every word, alone or after a
    space, as a single token; <|endoftext|> is the last id."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    corpus = sorted(set(words)) + [" " + w for w in sorted(set(words))]
    trainer = trainers.BpeTrainer(vocab_size=100000, min_frequency=1, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=[])
    tok.train_from_iterator(corpus, trainer)
    state = json.loads(tok.to_str())["model"]
    vocab = dict(state["vocab"])
    merges = [m if isinstance(m, str) else " ".join(m) for m in state["merges"]]
    vocab[SPECIAL_GPT2] = len(vocab)
    return vocab, merges


def write_gpt2_tokenizer(folder, words, max_length):
    vocab, merges = gpt2_word_vocab(words)
    with open(os.path.join(folder, "vocab.json"), "w") as f:
        json.dump(vocab, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    with open(os.path.join(folder, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n")
        for m in merges:
            f.write(m + "\n")
    eot = vocab[SPECIAL_GPT2]
    special = {"content": SPECIAL_GPT2, "lstrip": False, "normalized": True, "rstrip": False,
               "single_word": False}
    write_json(os.path.join(folder, "special_tokens_map.json"),
               {"bos_token": special, "eos_token": special, "unk_token": special})
    write_json(os.path.join(folder, "tokenizer_config.json"), {
        "add_bos_token": False, "add_prefix_space": False,
        "added_tokens_decoder": {str(eot): dict(special, special=True)},
        "bos_token": SPECIAL_GPT2, "eos_token": SPECIAL_GPT2, "unk_token": SPECIAL_GPT2, "pad_token": None,
        "clean_up_tokenization_spaces": False, "errors": "replace", "model_max_length": max_length,
        "tokenizer_class": "GPT2Tokenizer"})
    return vocab


def write_bert_tokenizer(folder, words, max_length):
    """vocab.txt: the BERT specials, the words, then BLIP's [DEC] and [ENC] as added tokens."""
    vocab = BERT_SPECIALS + sorted(set(words))
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        for w in vocab:
            f.write(w + "\n")
    added = {t: len(vocab) + i for i, t in enumerate(BERT_ADDED)}
    write_json(os.path.join(folder, "added_tokens.json"), added)

    def entry(t):
        return {"content": t, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False}

    write_json(os.path.join(folder, "special_tokens_map.json"), {
        "additional_special_tokens": [entry("[ENC]")], "bos_token": entry("[DEC]"), "cls_token": "[CLS]",
        "mask_token": "[MASK]", "pad_token": "[PAD]", "sep_token": "[SEP]", "unk_token": "[UNK]"})
    decoder = {str(i): dict(entry(t), special=True) for i, t in enumerate(BERT_SPECIALS)}
    decoder.update({str(i): dict(entry(t), special=True) for t, i in added.items()})
    write_json(os.path.join(folder, "tokenizer_config.json"), {
        "added_tokens_decoder": decoder, "additional_special_tokens": ["[ENC]"], "bos_token": "[DEC]",
        "clean_up_tokenization_spaces": True, "cls_token": "[CLS]", "do_basic_tokenize": True,
        "do_lower_case": True, "mask_token": "[MASK]", "model_max_length": max_length, "never_split": None,
        "pad_token": "[PAD]", "processor_class": "BlipProcessor", "sep_token": "[SEP]",
        "strip_accents": None, "tokenize_chinese_chars": True, "tokenizer_class": "BertTokenizer",
        "unk_token": "[UNK]"})
    ids = {w: i for i, w in enumerate(vocab)}
    ids.update(added)
    return ids


def write_preprocessor(folder, processor_type, size, resample, mean, std):
    cfg = {"do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": mean, "image_std": std,
           "image_processor_type": processor_type, "resample": resample, "rescale_factor": 1 / 255,
           "size": {"height": size, "width": size}}
    if processor_type == "BlipImageProcessor":
        cfg.update(do_convert_rgb=True, processor_class="BlipProcessor")
    write_json(os.path.join(folder, "preprocessor_config.json"), cfg)


def check_word_tokens(tokenizer, words, strip_ids=()):
    """Raises unless every word encodes to exactly one id, alone and after another word."""
    words = sorted(set(words))
    for w in words:
        for text in (w, words[-1] + " " + w):
            ids = [i for i in tokenizer(text)["input_ids"] if i not in strip_ids]
            expected = 1 if text == w else 2
            if len(ids) != expected or tokenizer.unk_token_id in ids and w != tokenizer.unk_token:
                raise RuntimeError("tokenizer splits %r into %r" % (text, tokenizer.convert_ids_to_tokens(ids)))


def folder_bytes(folder):
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
