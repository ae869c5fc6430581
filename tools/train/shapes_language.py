#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Words for shapes-world scenes: the captions and question/answer pairs that Loupe's shapes captioner
and VQA model are trained on and measured against, produced by fixed rules from a scene's objects
(class, colour name, box, mask area; tools/train/shapes_render.py's Scene).

Captions (one per scene, deterministic):
    objects ordered by mask area, largest first; each named "a [size] COLOUR SHAPE" ("an" before
    "orange"); the second object is placed relative to the first ("above", "below", "left of",
    "right of": the dominant axis of the centre offset), any further ones follow with "and":
        "a large red circle above a small blue square and a green star"
    Size words come from the mask area relative to the image: "small" under SMALL_FRACTION, "large"
    over LARGE_FRACTION, none in between.

Questions (four types, each asked only when its answer is unambiguous):
    count     "how many circles?", "how many objects?", "how many red objects?"   -> "0" .. "4"
    colour    "what colour is the star?"          (exactly one star)                -> "red", ...
    shape     "what shape is the red object?"     (exactly one red object)          -> "circle", ...
    position  "what is left of the star?"         (the star unique; at most one object on that side,
                                                   none near the diagonals bounding it) -> "square", ...
              or "nothing" when no object is on that side.

`python3 tools/train/shapes_language.py --count 5` prints a few PIL-rendered scenes' texts.
"""
import argparse
import sys

CLASSES = ["circle", "square", "triangle", "star", "cross", "ring"]
PLURALS = {"circle": "circles", "square": "squares", "triangle": "triangles", "star": "stars",
           "cross": "crosses", "ring": "rings"}
COLOR_NAMES = ["red", "green", "blue", "yellow", "magenta", "cyan", "orange", "white"]
NUMBERS = ["0", "1", "2", "3", "4"]
RELATIONS = ["above", "below", "left of", "right of"]
SMALL_FRACTION = 0.035  # mask area / image area
LARGE_FRACTION = 0.22
DIAGONAL_MARGIN = 1.3  # position questions: the dominant axis must exceed the other by this factor
QUESTION_TYPES = ["count", "colour", "shape", "position"]

CAPTION_WORDS = ["a", "an", "small", "large", "above", "below", "left", "right", "of", "and"] + \
    COLOR_NAMES + CLASSES
QUESTION_WORDS = ["how", "many", "objects", "object", "what", "colour", "is", "the", "shape", "left",
                  "right", "of", "above", "below", "?"] + list(PLURALS.values()) + COLOR_NAMES + CLASSES
ANSWER_WORDS = NUMBERS + COLOR_NAMES + CLASSES + ["nothing"]


def _center(obj):
    x, y, w, h = obj.bbox
    return x + w / 2.0, y + h / 2.0


def relation(a, b):
    """Where a is relative to b, by the dominant axis of the centre offset (image y grows downwards)."""
    (ax, ay), (bx, by) = _center(a), _center(b)
    dx, dy = ax - bx, ay - by
    if abs(dy) >= abs(dx):
        return "above" if dy < 0 else "below"
    return "left of" if dx < 0 else "right of"


def _possible_relations(a, b):
    """The sides a may be said to lie on relative to b: one, or both neighbours near a diagonal."""
    (ax, ay), (bx, by) = _center(a), _center(b)
    dx, dy = ax - bx, ay - by
    if max(abs(dx), abs(dy)) >= DIAGONAL_MARGIN * min(abs(dx), abs(dy)):
        return {relation(a, b)}
    return {"above" if dy < 0 else "below", "left of" if dx < 0 else "right of"}


def size_word(obj, image_area):
    f = obj.area / float(image_area)
    if f < SMALL_FRACTION:
        return "small"
    if f > LARGE_FRACTION:
        return "large"
    return None


def noun_phrase(obj, image_area):
    words = [w for w in (size_word(obj, image_area), obj.color, obj.cls) if w]
    return ("an " if words[0] == "orange" else "a ") + " ".join(words)


def by_area(scene):
    # Ties (rare) are broken by position so the order never depends on how the scene was listed.
    return sorted(scene.objects, key=lambda o: (-o.area, o.bbox[1], o.bbox[0]))


def caption(scene):
    w, h = scene.image.size
    objs = by_area(scene)
    text = noun_phrase(objs[0], w * h)
    if len(objs) > 1:
        text += " %s %s" % (relation(objs[0], objs[1]), noun_phrase(objs[1], w * h))
    for o in objs[2:]:
        text += " and " + noun_phrase(o, w * h)
    return text


def _count_questions(scene):
    qa = [("how many objects?", str(len(scene.objects)))]
    for c in CLASSES:
        qa.append(("how many %s?" % PLURALS[c], str(sum(o.cls == c for o in scene.objects))))
    present = sorted({o.color for o in scene.objects})
    for col in present:
        qa.append(("how many %s objects?" % col, str(sum(o.color == col for o in scene.objects))))
    return qa


def _unique(scene, key):
    counts = {}
    for o in scene.objects:
        counts[key(o)] = counts.get(key(o), 0) + 1
    return [o for o in scene.objects if counts[key(o)] == 1]


def _position_questions(scene):
    qa = []
    for ref in _unique(scene, lambda o: o.cls):
        sides = [(o, _possible_relations(o, ref)) for o in scene.objects if o is not ref]
        for r in RELATIONS:
            if any(r in rr and len(rr) > 1 for _, rr in sides):
                continue  # an object near the diagonal: whether it counts is unclear
            hits = [o for o, rr in sides if rr == {r}]
            if len(hits) > 1:
                continue
            qa.append(("what is %s the %s?" % (r, ref.cls), hits[0].cls if hits else "nothing"))
    return qa


def questions(scene):
    """All unambiguous (question, answer, type) triples of a scene."""
    out = [(q, a, "count") for q, a in _count_questions(scene)]
    out += [("what colour is the %s?" % o.cls, o.color, "colour") for o in _unique(scene, lambda o: o.cls)]
    out += [("what shape is the %s object?" % o.color, o.cls, "shape")
            for o in _unique(scene, lambda o: o.color)]
    out += [(q, a, "position") for q, a in _position_questions(scene)]
    return out


def main():
    import numpy as np
    from shapes_render import render_scene
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    for _ in range(args.count):
        s = render_scene(rng)
        print(caption(s))
        for q, a, t in questions(s):
            print("    [%s] %s %s" % (t, q, a))
    return 0


if __name__ == "__main__":
    sys.exit(main())
