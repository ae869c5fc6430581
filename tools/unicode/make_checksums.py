#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes tests/data/golden/tokenizers/unicode_checksums.json: for every block of 4096 code points, FNV-1a
hashes of what Python gives per code point for unicodedata.category, NFD, NFC, str.lower and
str.isspace, so a test can check the generated tables (compute/text/unicode_tables.cpp) against Python on
all 1,114,112 code points without storing them.

    python3 tools/unicode/make_checksums.py > tests/data/golden/tokenizers/unicode_checksums.json
"""
import json
import sys
import unicodedata

from make_tables import CATS

BLOCK = 4096
FNV_OFFSET, FNV_PRIME, MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


def fnv(h, values):
    for v in values:
        for shift in (0, 8, 16, 24):
            h = ((h ^ ((v >> shift) & 0xFF)) * FNV_PRIME) & MASK
    return h


def main():
    names = ("category", "nfd", "nfc", "lower", "isspace")
    blocks = []
    for start in range(0, 0x110000, BLOCK):
        h = dict.fromkeys(names, FNV_OFFSET)
        for cp in range(start, start + BLOCK):
            c = chr(cp)
            h["category"] = fnv(h["category"], [CATS.index(unicodedata.category(c))])
            h["nfd"] = fnv(h["nfd"], [ord(x) for x in unicodedata.normalize("NFD", c)] + [0xFFFFFFFF])
            h["nfc"] = fnv(h["nfc"], [ord(x) for x in unicodedata.normalize("NFC", c)] + [0xFFFFFFFF])
            h["lower"] = fnv(h["lower"], [ord(x) for x in c.lower()] + [0xFFFFFFFF])
            h["isspace"] = fnv(h["isspace"], [int(c.isspace())])
        blocks.append({"first": start, **{k: "%016x" % v for k, v in h.items()}})
    json.dump({"unicode": unicodedata.unidata_version, "block": BLOCK, "blocks": blocks}, sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
