#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Shapes-world scenes from two independent sources, in one structure.

1. `render_scene(rng, ...)`: a PIL renderer written apart from Loupe's generator (core/samples/
   shapesworld.cpp). Same world (six classes, eight colour names, 1-4 non-overlapping objects, the first
   object the most prominent), drawn the way other programs draw: antialiased edges (supersampled, then
   box-filtered down), jittered colours, shape proportions that vary around Loupe's (star depth, cross
   arm width, ring hole), a wider range of sizes, flat or gradient backgrounds. It is the "out of the
   box" check for models trained on Loupe's own images, and a second training source.
2. `load_loupe(folder)`: reads what `loupe sample shapes FOLDER --json` writes (annotations.json in
   COCO layout plus images/) into the same structure, masks rasterised from the COCO polygons with the
   generator's rule (even-odd, pixel centres).

The structure (plain Python, numpy and PIL):

    Scene
      image      PIL.Image, mode "RGB", size x size
      objects    list of SceneObject, objects[prominent] is the image's label
      prominent  index of the most prominent object (largest mask area; every other area is at most
                 2/3 of it in both sources)
      source     "pil" or "loupe"
      label      property: objects[prominent].cls
    SceneObject
      cls        one of CLASSES ("circle", ..., "ring")
      color      one of COLORS' names ("red", ..., "white"): the name a caption would use, even when
                 the drawn RGB is jittered
      bbox       (x, y, w, h) in pixels, COCO convention: the tight box of the mask pixels
      mask       numpy bool array (size, size), True where the object covers at least half a pixel
      area       mask pixels (int)

Only numpy and PIL are needed. `python3 tools/train/shapes_render.py OUT --count N` writes N PIL scenes
as PNGs plus a labels.csv in the layout of `loupe sample shapes` (for eyeballing and for `loupe
classify`).
"""
import argparse
import csv
import json
import math
import os
import sys
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ["circle", "square", "triangle", "star", "cross", "ring"]
# The eight colour names of core/samples/shapesworld.cpp with their nominal RGB; the PIL renderer jitters
# each channel around these.
COLORS = {
    "red": (220, 40, 40), "green": (40, 180, 60), "blue": (50, 90, 230), "yellow": (235, 210, 40),
    "magenta": (200, 60, 200), "cyan": (40, 200, 210), "orange": (245, 140, 30), "white": (245, 245, 245),
}
COLOR_NAMES = list(COLORS)
PROMINENCE_MARGIN = 1.5  # the prominent area is at least this times any other object's


@dataclass
class SceneObject:
    cls: str
    color: str
    bbox: tuple
    mask: np.ndarray
    area: int


@dataclass
class Scene:
    image: Image.Image
    objects: list = field(default_factory=list)
    prominent: int = 0
    source: str = "pil"

    @property
    def label(self):
        return self.objects[self.prominent].cls


def _bbox(mask):
    ys, xs = np.nonzero(mask)
    return (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))


def _unit_polygon(cls, rng):
    """Outline(s) of a class around the origin at circumscribed radius 1, with proportions drawn near
    Loupe's so the classes mean the same but the exact geometry differs. Returns (kind, data)."""
    if cls == "circle":
        return "ellipse", None
    if cls == "ring":
        return "ring", rng.uniform(0.45, 0.65)  # hole radius relative to the outer
    if cls == "square":
        return "poly", [(math.cos(a), math.sin(a)) for a in np.pi / 4 + np.arange(4) * np.pi / 2]
    if cls == "triangle":
        return "poly", [(math.cos(a), math.sin(a)) for a in -np.pi / 2 + np.arange(3) * 2 * np.pi / 3]
    if cls == "star":
        inner = rng.uniform(0.38, 0.52)
        return "poly", [((inner if i % 2 else 1.0) * math.cos(-np.pi / 2 + np.pi * i / 5),
                         (inner if i % 2 else 1.0) * math.sin(-np.pi / 2 + np.pi * i / 5)) for i in range(10)]
    if cls == "cross":
        w = rng.uniform(0.22, 0.36)
        l = math.sqrt(1 - w * w)
        return "poly", [(w, -l), (w, -w), (l, -w), (l, w), (w, w), (w, l),
                        (-w, l), (-w, w), (-l, w), (-l, -w), (-w, -w), (-w, -l)]
    raise ValueError("unknown shape class %r" % cls)


def _coverage(cls, cx, cy, r, rot, size, ss, rng):
    """Supersampled coverage (float32, size x size, 0..1) of one shape."""
    big = Image.new("L", (size * ss, size * ss), 0)
    d = ImageDraw.Draw(big)
    kind, data = _unit_polygon(cls, rng)
    X, Y, R = cx * ss, cy * ss, r * ss
    if kind == "ellipse":
        d.ellipse([X - R, Y - R, X + R, Y + R], fill=255)
    elif kind == "ring":
        d.ellipse([X - R, Y - R, X + R, Y + R], fill=255)
        d.ellipse([X - R * data, Y - R * data, X + R * data, Y + R * data], fill=0)
    else:
        c, s = math.cos(rot), math.sin(rot)
        d.polygon([(X + R * (x * c - y * s), Y + R * (x * s + y * c)) for x, y in data], fill=255)
    small = big.resize((size, size), Image.BOX)
    return np.asarray(small, dtype=np.float32) / 255.0


def _background(rng, size):
    """Flat tinted grey, or a linear gradient between two such greys (float32 HxWx3)."""
    def grey():
        g = rng.uniform(0, 255)
        return np.clip(g + rng.uniform(-25, 25, 3), 0, 255)

    a = grey()
    if rng.random() < 0.5:
        return np.broadcast_to(a, (size, size, 3)).astype(np.float32).copy(), a
    b = np.clip(a + rng.uniform(-60, 60, 3), 0, 255)
    ang = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:size, 0:size] / max(1, size - 1)
    t = (np.cos(ang) * xx + np.sin(ang) * yy)
    t = (t - t.min()) / max(1e-6, t.max() - t.min())
    return (a[None, None] * (1 - t[..., None]) + b[None, None] * t[..., None]).astype(np.float32), (a + b) / 2


def _jitter(rgb, rng, amount):
    return np.clip(np.asarray(rgb, np.float32) + rng.uniform(-amount, amount, 3), 0, 255)


def render_scene(rng, size=96, min_objects=1, max_objects=4, classes=None, supersample=4, jitter=25):
    """One PIL-drawn scene. `rng` is a numpy Generator; `classes` (optional) fixes the classes of the
    objects in order (its length then sets the object count, the first is the prominent one)."""
    img, bg_mean = _background(rng, size)
    count = len(classes) if classes else int(rng.integers(min_objects, max_objects + 1))
    placed, objects = [], []  # placed: (cx, cy, r)
    prominent_area = 0
    for i in range(count):
        cls = classes[i] if classes else CLASSES[int(rng.integers(len(CLASSES)))]
        for _ in range(20):
            color = COLOR_NAMES[int(rng.integers(len(COLOR_NAMES)))]
            if np.abs(np.asarray(COLORS[color]) - bg_mean).sum() >= 150:
                break
        else:
            continue
        if i == 0:
            r = rng.uniform(0.16, 0.44) * size  # wider than Loupe's 0.2..0.4
        else:
            r = rng.uniform(0.06, 0.17) * size
        ok = False
        for _ in range(30):
            m = r + 1
            cx, cy = rng.uniform(m, size - m, 2)
            if all(math.hypot(cx - px, cy - py) >= r + pr + 2 for px, py, pr in placed):
                ok = True
                break
        if not ok:
            continue
        cov = _coverage(cls, cx, cy, r, rng.uniform(0, 2 * np.pi), size, supersample, rng)
        mask = cov >= 0.5
        area = int(mask.sum())
        if area == 0:
            continue
        if i == 0:
            prominent_area = area
        elif area * PROMINENCE_MARGIN > prominent_area:
            continue
        rgb = _jitter(COLORS[color], rng, jitter)
        img = img * (1 - cov[..., None]) + rgb[None, None] * cov[..., None]
        placed.append((cx, cy, r))
        objects.append(SceneObject(cls, color, _bbox(mask), mask, area))
    if not objects:  # the first object is always placeable on an empty canvas; guard anyway
        return render_scene(rng, size, min_objects, max_objects, classes, supersample, jitter)
    image = Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8), "RGB")
    return Scene(image, objects, 0, "pil")


def rasterize_polygon(points, width, height):
    """Even-odd fill at pixel centres, the rule of Loupe's generator (core/samples/shapesworld.cpp)."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    a, b = pts, np.roll(pts, -1, axis=0)
    swap = a[:, 1] > b[:, 1]
    lo, hi = np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)
    yc = np.arange(height)[:, None] + 0.5  # (H, 1)
    xc = np.arange(width)[None, :] + 0.5  # (1, W)
    mask = np.zeros((height, width), dtype=bool)
    for (x0, y0), (x1, y1) in zip(lo, hi):
        if y1 == y0:
            continue
        rows = (y0 <= yc[:, 0]) & (yc[:, 0] < y1)
        if not rows.any():
            continue
        xs = x0 + (yc[rows] - y0) * (x1 - x0) / (y1 - y0)  # (n, 1)
        mask[rows] ^= xc >= xs  # pixel centre right of the crossing toggles
    return mask


def load_loupe(folder, masks=True):
    """Scenes from `loupe sample shapes FOLDER --json` output (annotations.json + images/). With
    masks=False the masks are left empty (all False), which is much faster when only labels are needed."""
    path = os.path.join(folder, "annotations.json")
    try:
        with open(path) as f:
            coco = json.load(f)
    except (OSError, ValueError) as e:
        raise ValueError("%s: cannot read COCO annotations (%s)" % (path, e)) from e
    for key in ("images", "annotations", "categories"):
        if key not in coco:
            raise ValueError("%s: not a COCO file, '%s' is missing" % (path, key))
    names = {c["id"]: c["name"] for c in coco["categories"]}
    per_image = {}
    for a in coco["annotations"]:
        per_image.setdefault(a["image_id"], []).append(a)
    scenes = []
    for im in sorted(coco["images"], key=lambda i: i["id"]):
        image = Image.open(os.path.join(folder, im["file_name"])).convert("RGB")
        w, h = image.size
        objects = []
        for a in sorted(per_image.get(im["id"], []), key=lambda a: a["id"]):
            mask = np.zeros((h, w), dtype=bool)
            for poly in (a["segmentation"] if masks else []):
                mask |= rasterize_polygon(poly, w, h)
            color = a.get("attributes", {}).get("color")
            if names.get(a["category_id"]) not in CLASSES or color not in COLORS:
                raise ValueError("%s: annotation %s has an unknown class or colour" % (path, a["id"]))
            objects.append(SceneObject(names[a["category_id"]], color, tuple(int(v) for v in a["bbox"]),
                                       mask, int(a["area"])))
        if not objects:
            raise ValueError("%s: image %s has no objects" % (path, im["file_name"]))
        prominent = max(range(len(objects)), key=lambda i: objects[i].area)
        scenes.append(Scene(image, objects, prominent, "loupe"))
    return scenes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--single", action="store_true", help="one object per image")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(os.path.join(args.out, "images"), exist_ok=True)
    with open(os.path.join(args.out, "labels.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file_name", "label"])
        for i in range(args.count):
            s = render_scene(rng, args.size, 1, 1 if args.single else 4)
            name = "images/pil_%06d.png" % i
            s.image.save(os.path.join(args.out, name))
            w.writerow([name, s.label])
    return 0


if __name__ == "__main__":
    sys.exit(main())
