#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Image/text sets for the shapes-world text models, from both renderers of tools/train/shapes_render.py:
Loupe's generator (`loupe sample shapes`, default world or --varied) and the independent PIL renderer
(antialiased, jittered colours, image sizes other than the model's). Images are resized to the model
input with Pillow as the checkpoint's image processor does, so training sees what inference sees.
"""
import os
import subprocess
import tempfile

import numpy as np
from PIL import Image

import shapes_language
from shapes_render import load_loupe, render_scene

PIL_SIZES = [64, 80, 96, 112, 128]


def loupe_scenes(loupe, count, seed, varied=False):
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [loupe, "sample", "shapes", tmp, "--count", str(count), "--seed", str(seed), "--json"]
        subprocess.run(cmd + (["--varied"] if varied else []), check=True, stdout=subprocess.DEVNULL)
        scenes = load_loupe(tmp)
        for s in scenes:
            s.image.load()  # read the pixels before the folder goes
        return scenes


def pil_scenes(count, seed):
    rng = np.random.default_rng(seed)
    return [render_scene(rng, size=int(rng.choice(PIL_SIZES))) for _ in range(count)]


def scenes(source, count, seed, loupe=None):
    """source: "loupe", "loupe-varied" or "pil"."""
    if source == "pil":
        return pil_scenes(count, seed)
    if not loupe:
        raise ValueError("the loupe binary is needed for %s scenes" % source)
    return loupe_scenes(loupe, count, seed, varied=source == "loupe-varied")


def model_pixels(image, size, resample):
    """uint8 HxWx3 as the image processor sees it before rescaling (Pillow resize, as transformers)."""
    image = image.convert("RGB")
    if image.size != (size, size):
        image = image.resize((size, size), resample)
    return np.asarray(image, dtype=np.uint8)


def build_set(parts, size, resample, loupe=None):
    """parts: [(source, count, seed)]. Returns images (N,S,S,3 uint8), captions, question lists, sources."""
    xs, caps, qas, srcs = [], [], [], []
    for source, count, seed in parts:
        for s in scenes(source, count, seed, loupe):
            xs.append(model_pixels(s.image, size, resample))
            caps.append(shapes_language.caption(s))
            qas.append(shapes_language.questions(s))
            srcs.append(source)
    return np.stack(xs), caps, qas, srcs


def save_images(folder, images, prefix):
    """PNG files for `loupe caption|ask`; returns their paths."""
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i, im in enumerate(images):
        p = os.path.join(folder, "%s_%05d.png" % (prefix, i))
        im.save(p)
        paths.append(p)
    return paths


def cached_set(path, parts, size, resample, loupe=None):
    """build_set, kept in an .npz (both text trainers read the same images when given the same path)."""
    import json
    if path and os.path.exists(path):
        d = np.load(path)
        meta = json.loads(str(d["meta"]))
        if meta["parts"] == [list(p) for p in parts] and meta["size"] == size and meta["resample"] == resample:
            return d["x"], meta["captions"], [[tuple(q) for q in qa] for qa in meta["questions"]], meta["sources"]
        print("%s: made for other settings; generating afresh" % path, flush=True)
    x, caps, qas, srcs = build_set(parts, size, resample, loupe)
    if path:
        meta = {"parts": [list(p) for p in parts], "size": size, "resample": resample, "captions": caps,
                "questions": qas, "sources": srcs}
        np.savez(path, x=x, meta=np.array(json.dumps(meta)))
    return x, caps, qas, srcs
