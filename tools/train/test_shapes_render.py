#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Checks of tools/train/shapes_render.py: `python3 -m unittest tools/train/test_shapes_render.py`
(the Loupe-loader case needs build/bin/loupe, or LOUPE=path)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes_render as sr  # noqa: E402

LOUPE = os.environ.get("LOUPE", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin", "loupe"))


class RenderTest(unittest.TestCase):
    def test_scene_invariants(self):
        rng = np.random.default_rng(11)
        for _ in range(100):
            s = sr.render_scene(rng, size=80)
            self.assertEqual(s.image.size, (80, 80))
            self.assertIn(s.label, sr.CLASSES)
            union = np.zeros((80, 80), dtype=int)
            for o in s.objects:
                self.assertIn(o.color, sr.COLORS)
                self.assertEqual(o.area, int(o.mask.sum()))
                self.assertEqual(o.bbox, sr._bbox(o.mask))
                union += o.mask
            self.assertLessEqual(union.max(), 1, "objects overlap")
            for i, o in enumerate(s.objects):
                if i != s.prominent:
                    self.assertLessEqual(o.area * sr.PROMINENCE_MARGIN, s.objects[s.prominent].area)

    def test_fixed_classes_and_determinism(self):
        a = sr.render_scene(np.random.default_rng(5), classes=["star"])
        b = sr.render_scene(np.random.default_rng(5), classes=["star"])
        self.assertEqual([o.cls for o in a.objects], ["star"])
        self.assertTrue(np.array_equal(np.asarray(a.image), np.asarray(b.image)))

    def test_edges_are_antialiased(self):
        s = sr.render_scene(np.random.default_rng(3), classes=["circle"], jitter=0)
        # An antialiased disc has pixels strictly between the background and the fill colour.
        self.assertGreater(len(np.unique(np.asarray(s.image).reshape(-1, 3), axis=0)), 3)

    def test_rasterize_square(self):
        m = sr.rasterize_polygon([2, 2, 6, 2, 6, 5, 2, 5], 8, 8)
        self.assertEqual(int(m.sum()), 12)
        self.assertTrue(m[2:5, 2:6].all())

    def test_bad_folder_names_the_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "annotations.json"), "w") as f:
                json.dump({"images": []}, f)
            with self.assertRaisesRegex(ValueError, "annotations.json.*'annotations' is missing"):
                sr.load_loupe(tmp)

    @unittest.skipUnless(os.path.exists(LOUPE), "needs the loupe binary")
    def test_loupe_loader_matches_generator(self):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([LOUPE, "sample", "shapes", tmp, "--count", "30", "--seed", "9", "--json"],
                           check=True, stdout=subprocess.DEVNULL)
            scenes = sr.load_loupe(tmp)
            with open(os.path.join(tmp, "labels.csv")) as f:
                labels = [line.strip().split(",")[1] for line in f.readlines()[1:]]
        self.assertEqual([s.label for s in scenes], labels)
        for s in scenes:
            for o in s.objects:
                # COCO polygons carry two decimals, so a boundary pixel may flip.
                self.assertLessEqual(abs(int(o.mask.sum()) - o.area), 3)


if __name__ == "__main__":
    unittest.main()
