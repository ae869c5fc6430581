#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The shipped shapes-sam answers the same in Loupe's engine and in transformers:
`python3 -m unittest tools/train/test_shapes_sam.py` (needs build/bin/loupe, or LOUPE=path, and torch +
transformers; skips with a message without them; SAM_MODEL=DIR checks another checkpoint folder).

`loupe segment --multimask --json` on fresh PIL scenes, with one click, two clicks (one negative) and a
box, against `SamModel` + `SamImageProcessor.post_process_masks`: IoU scores within the golden SAM
case's tolerance (atol 1e-4, rtol 1e-4), each mask differing in at most 0.1 % of its pixels."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes_render as sr  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
LOUPE = os.environ.get("LOUPE", os.path.join(ROOT, "build", "bin", "loupe"))
MODEL = os.environ.get('SAM_MODEL', os.path.join(ROOT, 'resources', 'models', 'shapes-sam'))

try:
    import torch  # noqa: F401
    import transformers  # noqa: F401
    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False


@unittest.skipUnless(HAVE_TORCH, "torch and transformers are not installed: engine/library parity not checked")
@unittest.skipUnless(os.path.exists(LOUPE), "no loupe binary at %s (build it or set LOUPE)" % LOUPE)
class ShapesSamParityTest(unittest.TestCase):
    def test_engine_matches_transformers(self):
        import measure_sam
        sam = measure_sam.Sam(MODEL)
        rng = np.random.default_rng(31)
        checked = 0
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(3):
                scene = sr.render_scene(rng, size=int(rng.choice([96, 120])))
                path = os.path.join(tmp, "scene%d.png" % i)
                scene.image.save(path)
                sam.embed(scene.image)
                truth = scene.objects[0].mask
                x, y = measure_sam.most_interior(truth)
                ys, xs = np.nonzero(truth)
                box = [int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())]
                far = (int((x + truth.shape[1] // 2) % truth.shape[1]), int((y + 7) % truth.shape[0]))
                prompts = [
                    ([(x, y)], [1], None),
                    ([(x, y), far], [1, 0], None),
                    (None, None, box),
                ]
                for k, (points, labels, bx) in enumerate(prompts):
                    args = [LOUPE, "segment", "--model", MODEL, path, "--multimask", "--json", "--threads", "1",
                            "-o", os.path.join(tmp, "m%d_%d.png" % (i, k))]
                    for p, lab in zip(points or [], labels or []):
                        args += ["--point", "%d,%d,%d" % (p[0], p[1], lab)]
                    if bx is not None:
                        args += ["--box", "%d,%d,%d,%d" % tuple(bx)]
                    out = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
                    masks, scores = self._reference(sam, points, labels, bx)
                    np.testing.assert_allclose(out["iou_scores"], scores, atol=1e-4, rtol=1e-4)
                    self.assertEqual(len(out["masks"]), len(masks))
                    for file, ref in zip(out["masks"], masks):
                        got = np.asarray(Image.open(file).convert("L")) > 127
                        self.assertEqual(got.shape, ref.shape)
                        self.assertLessEqual((got != ref).mean(), 0.001, "%s differs from transformers" % file)
                    checked += 1
        self.assertEqual(checked, 9)

    @staticmethod
    def _reference(sam, points, labels, box):
        import torch
        kw = {}
        if points:
            kw["input_points"] = torch.tensor([[[sam._scale(p) for p in points]]], dtype=torch.float32)
            kw["input_labels"] = torch.tensor([[labels]], dtype=torch.long)
        if box is not None:
            kw["input_boxes"] = torch.tensor([[sam._scale(box[:2]) + sam._scale(box[2:])]], dtype=torch.float32)
        with torch.no_grad():
            out = sam.model(image_embeddings=sam.embedding, multimask_output=True, **kw)
        masks = sam.processor.post_process_masks(out.pred_masks, sam.original, sam.reshaped, binarize=False)[0][0]
        return [(m > 0).numpy() for m in masks], out.iou_scores[0, 0].tolist()


if __name__ == "__main__":
    unittest.main()
