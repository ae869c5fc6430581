#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Measure the shapes-world captioner and VQA model as Loupe's engine runs them (`loupe caption --json`,
`loupe ask --json`) on freshly drawn images of both renderers (Loupe's generator and the PIL renderer of
tools/train/shapes_render.py), against the rules of tools/train/shapes_language.py:

    caption exact match     the caption equals the rule's caption word for word
    per-object recall       share of the scene's objects whose "COLOUR SHAPE" the caption names
                            (matched as a multiset, so two red squares need two mentions)
    VQA accuracy per type   one question of each type the scene has (count, colour, shape, position)

    python3 tools/train/measure_text_models.py --loupe build/bin/loupe --count 200 \
        --captioner resources/models/shapes-captioner --vqa resources/models/shapes-vqa --json out.json

The default seeds (9101 for Loupe's generator, 9103 for the PIL renderer) are not used by the trainers.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter

import shapes_language
import shapes_text_data


def run_loupe(cmd):
    """stdout of a loupe command; retried while the binary is being relinked (a shared build tree)."""
    for attempt in range(20):
        try:
            return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        except OSError:
            if attempt == 19:
                raise
            time.sleep(3)


def mentioned_objects(text):
    """(colour, shape) pairs a caption names: each shape word with the colour word just before it."""
    words = text.split()
    out = Counter()
    for i, w in enumerate(words):
        if w in shapes_language.CLASSES:
            colour = words[i - 1] if i > 0 and words[i - 1] in shapes_language.COLOR_NAMES else None
            out[(colour, w)] += 1
    return out


def caption_scores(loupe, model, paths, scenes, threads):
    out = run_loupe([loupe, "caption", "--model", model, "--json", "--threads", str(threads)] + paths)
    texts = {json.loads(l)["image"]: json.loads(l)["text"].strip() for l in out.splitlines() if l.strip()}
    exact, found, total, examples = 0, 0, 0, []
    for p, s in zip(paths, scenes):
        want = shapes_language.caption(s)
        got = texts.get(p, texts.get(os.path.basename(p), ""))
        exact += got == want
        truth = Counter((o.color, o.cls) for o in s.objects)
        said = mentioned_objects(got)
        found += sum(min(n, said[k]) for k, n in truth.items())
        total += len(s.objects)
        if len(examples) < 5:
            examples.append({"truth": want, "caption": got})
    return {"images": len(paths), "exact_match": exact / len(paths), "object_recall": found / total,
            "examples": examples}


def vqa_scores(loupe, model, paths, scenes, threads):
    per_type = {t: [0, 0] for t in shapes_language.QUESTION_TYPES}
    examples = []
    for i, (p, s) in enumerate(zip(paths, scenes)):
        qa = shapes_language.questions(s)
        for t in shapes_language.QUESTION_TYPES:
            asked = [(q, a) for q, a, tt in qa if tt == t]
            if not asked:
                continue
            q, a = asked[i % len(asked)]  # a different question of the type from image to image
            out = run_loupe([loupe, "ask", "--model", model, "--json", "--threads", str(threads), p, q])
            got = json.loads(out)["text"].strip()
            per_type[t][0] += got == a
            per_type[t][1] += 1
            if len(examples) < 8:
                examples.append({"question": q, "truth": a, "answer": got})
    acc = {t: (r / n if n else None) for t, (r, n) in per_type.items()}
    asked = {t: n for t, (_, n) in per_type.items()}
    right = sum(r for r, _ in per_type.values())
    return {"images": len(paths), "accuracy": acc, "questions": asked,
            "overall": right / max(1, sum(asked.values())), "examples": examples}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", required=True)
    ap.add_argument("--captioner", action="append", default=[], help="captioner folder (repeatable)")
    ap.add_argument("--vqa", action="append", default=[], help="VQA folder (repeatable)")
    ap.add_argument("--count", type=int, default=200, help="images per renderer")
    ap.add_argument("--vqa-count", type=int, default=0, help="images per renderer for VQA (default --count)")
    ap.add_argument("--loupe-seed", type=int, default=9101)
    ap.add_argument("--pil-seed", type=int, default=9103)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", default=None, help="write the results here")
    args = ap.parse_args()
    results = {"count": args.count, "seeds": {"loupe": args.loupe_seed, "pil": args.pil_seed}, "models": {}}
    with tempfile.TemporaryDirectory() as tmp:
        sets = {}
        for source, seed in (("loupe", args.loupe_seed), ("pil", args.pil_seed)):
            scenes = shapes_text_data.scenes(source, args.count, seed, args.loupe)
            paths = shapes_text_data.save_images(os.path.join(tmp, source), [s.image for s in scenes], source)
            sets[source] = (paths, scenes)
        for model in args.captioner:
            r = {src: caption_scores(args.loupe, model, p, s, args.threads) for src, (p, s) in sets.items()}
            results["models"][model] = {"kind": "captioner", **r}
            for src, v in r.items():
                print("%s [%s]: exact match %.3f, object recall %.3f (%d images)" % (
                    model, src, v["exact_match"], v["object_recall"], v["images"]), flush=True)
        n = args.vqa_count or args.count
        for model in args.vqa:
            r = {src: vqa_scores(args.loupe, model, p[:n], s[:n], args.threads) for src, (p, s) in sets.items()}
            results["models"][model] = {"kind": "vqa", **r}
            for src, v in r.items():
                print("%s [%s]: %s, overall %.3f (%d images)" % (
                    model, src, ", ".join("%s %.3f (%d)" % (t, a, v["questions"][t])
                                          for t, a in v["accuracy"].items() if a is not None),
                    v["overall"], v["images"]), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
