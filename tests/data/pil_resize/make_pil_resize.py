#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Pillow 9.4 (Debian python3-pil, the golden set's version) resize references for every filter.

    /usr/bin/python3 tests/data/pil_resize/make_pil_resize.py

Source: a 37x23 crop of tests/data/golden/preprocess/image_0.png (odd sizes exercise the edges).  Each
case FILTER_WxH.png is Image.resize((W, H), FILTER) of it, stored as PNG (lossless); cases.json lists them.
A developer tool only: the C++ test reads the PNGs with QImage.
"""
import json
import os

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "golden", "preprocess", "image_0.png")

FILTERS = {"nearest": 0, "lanczos": 1, "bilinear": 2, "bicubic": 3, "box": 4, "hamming": 5}
SIZES = [(11, 7), (37, 9), (50, 23), (80, 61), (5, 40), (1, 1), (37, 1), (300, 2), (2, 200)]


def main():
    src = Image.open(SRC).convert("RGB").crop((100, 50, 137, 73))
    src.save(os.path.join(HERE, "source.png"))
    cases = []
    for name, code in FILTERS.items():
        for w, h in SIZES:
            out = src.resize((w, h), code)
            fname = f"{name}_{w}x{h}.png"
            out.save(os.path.join(HERE, fname))
            cases.append({"file": fname, "resample": code, "width": w, "height": h})
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"source": "source.png", "pillow": Image.__version__, "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
