#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Mean IoU of a SAM checkpoint folder on fresh shapes-world scenes, through transformers' `SamModel`
and the folder's `SamImageProcessor`, for three prompts per object:

- 1 click: the object's most interior pixel (farthest from its boundary, the image border counting as
  boundary);
- 1 box: the tight box of the object's mask (x0, y0, x_max, y_max in pixels);
- 3 clicks: the first click, then two corrective clicks of the standard protocol (the most interior
  pixel of the largest 4-connected error region, positive on a miss, negative on a false region), the
  previous low-resolution logits going back in as mask input; the IoU after the third click.

Each answer is the multimask output SAM rates best, thresholded at 0 after post-processing to the image's
size: what Loupe's SAM tool and `loupe_bench_sam_benefit` do. Scenes come from the PIL renderer of
tools/train/shapes_render.py and, with --loupe, from Loupe's generator; every object of a scene counts.

    python3 tools/train/measure_sam.py resources/models/shapes-sam resources/models/shapes-sam-random \\
        --loupe build/bin/loupe --count 100 --seed 9001
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image
from scipy import ndimage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes_render as sr  # noqa: E402


def most_interior(region):
    """(x, y) of the pixel of `region` farthest from its boundary; the first in raster order on ties."""
    dist = ndimage.distance_transform_edt(np.pad(region, 1))[1:-1, 1:-1]
    at = int(np.argmax(dist))
    return at % region.shape[1], at // region.shape[1]


def next_click(truth, predicted):
    """The protocol's next click (x, y, positive) or None when the masks agree."""
    def largest(err):
        labels, n = ndimage.label(err)  # default structure: 4-connectivity
        if n == 0:
            return None, 0
        sizes = np.bincount(labels.ravel())[1:]
        best = int(np.argmax(sizes)) + 1
        return labels == best, int(sizes[best - 1])

    fn, fn_area = largest(truth & ~predicted)
    fp, fp_area = largest(predicted & ~truth)
    if fn_area == 0 and fp_area == 0:
        return None
    positive = fn_area >= fp_area
    x, y = most_interior(fn if positive else fp)
    return x, y, positive


def iou(a, b):
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else 1.0


class Sam:
    """One checkpoint folder: embed an image once, then answer prompts in source pixels."""

    def __init__(self, folder):
        from transformers import SamImageProcessor, SamModel
        self.model = SamModel.from_pretrained(folder).eval()
        self.processor = SamImageProcessor.from_pretrained(folder)

    def embed(self, image):
        inputs = self.processor(images=image, return_tensors="pt")
        self.original = inputs["original_sizes"]
        self.reshaped = inputs["reshaped_input_sizes"]
        with torch.no_grad():
            self.embedding = self.model.get_image_embeddings(inputs["pixel_values"])

    def _scale(self, xy):
        (h, w), (nh, nw) = self.original[0].tolist(), self.reshaped[0].tolist()
        return [xy[0] * nw / w, xy[1] * nh / h]

    def predict(self, points=None, labels=None, box=None, mask_input=None):
        """Best mask (bool, source size), its low-res logits [1, 1, m, m] and the three IoU scores."""
        kw = {}
        if points:
            kw["input_points"] = torch.tensor([[[self._scale(p) for p in points]]], dtype=torch.float64).float()
            kw["input_labels"] = torch.tensor([[labels]], dtype=torch.long)
        if box is not None:
            a, b = self._scale(box[:2]), self._scale(box[2:])
            kw["input_boxes"] = torch.tensor([[a + b]], dtype=torch.float64).float()
        if mask_input is not None:
            kw["input_masks"] = mask_input
        with torch.no_grad():
            out = self.model(image_embeddings=self.embedding, multimask_output=True, **kw)
        scores = out.iou_scores[0, 0]
        best = int(torch.argmax(scores))
        masks = self.processor.post_process_masks(out.pred_masks, self.original, self.reshaped,
                                                  binarize=False)[0][0]
        return (masks[best] > 0).numpy(), out.pred_masks[0, 0, best][None, None], scores.tolist()


def measure_object(sam, truth, clicks=3):
    """(IoU after 1 click, after the box, after `clicks` clicks)."""
    ys, xs = np.nonzero(truth)
    box = [int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())]
    box_iou = iou(sam.predict(box=box)[0], truth)
    predicted = np.zeros_like(truth)
    points, labels, logits, ious = [], [], None, []
    for _ in range(clicks):
        c = next_click(truth, predicted)
        if c is None:
            ious.append(1.0)
            continue
        points.append(c[:2])
        labels.append(1 if c[2] else 0)
        predicted, logits, _ = sam.predict(points, labels, mask_input=logits)
        ious.append(iou(predicted, truth))
    return ious[0], box_iou, ious[-1]


def scenes(loupe, count, seed):
    rng = np.random.default_rng(seed)
    out = [("pil", s.image, [o.mask for o in s.objects]) for s in
           (sr.render_scene(rng, size=96) for _ in range(count))]
    if loupe:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([loupe, "sample", "shapes", tmp, "--count", str(count), "--seed", str(seed),
                            "--size", "96", "--json"], check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(tmp, "annotations.json")) as f:
                coco = json.load(f)
            per_image = {}
            for a in coco["annotations"]:
                per_image.setdefault(a["image_id"], []).append(a)
            for im in coco["images"]:
                masks = []
                for a in per_image.get(im["id"], []):
                    m = np.zeros((im["height"], im["width"]), bool)
                    for poly in a["segmentation"]:
                        m ^= sr.rasterize_polygon(poly, im["width"], im["height"])
                    masks.append(m)
                image = Image.open(os.path.join(tmp, im["file_name"])).convert("RGB")
                out.append(("loupe", image, masks))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+", help="SAM checkpoint folders")
    ap.add_argument("--loupe", help="the loupe binary, for scenes of Loupe's generator beside the PIL ones")
    ap.add_argument("--count", type=int, default=100, help="scenes per source")
    ap.add_argument("--seed", type=int, default=9001)
    args = ap.parse_args()
    torch.set_num_threads(1)
    data = scenes(args.loupe, args.count, args.seed)
    report = {"count_per_source": args.count, "seed": args.seed, "models": {}}
    for folder in args.models:
        sam = Sam(folder)
        per_source = {}
        for source, image, masks in data:
            sam.embed(image)
            for m in masks:
                per_source.setdefault(source, []).append(measure_object(sam, m))
        report["models"][folder] = {
            source: {"objects": len(r), "miou_1_click": round(float(np.mean([x[0] for x in r])), 4),
                     "miou_1_box": round(float(np.mean([x[1] for x in r])), 4),
                     "miou_3_clicks": round(float(np.mean([x[2] for x in r])), 4)}
            for source, r in per_source.items()}
        print(json.dumps({folder: report["models"][folder]}), flush=True)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
