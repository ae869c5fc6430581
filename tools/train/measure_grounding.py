#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Grounding measurements of the shipped shapes-world text models, against exact object masks.

1. CLIP (resources/models/shapes-clip and its randomised twin): top-1 of the six prompts "a photo of a
   {label}" on fresh scenes of both renderers (tools/train/shapes_render.py), the label being the most
   prominent shape. Run with transformers' CLIPModel (the engine gives the same probabilities, see the
   model card).
2. The captioner (resources/models/shapes-captioner and its randomised twin), run by Loupe's engine:
   `loupe caption --trace DIR` on fresh scenes; for every generated word that names an object (a shape
   word, and a colour word right before one), where its map points:
     pointing  the map's maximum patch overlaps that object's mask
     in-mask   the share of the map's (positive) mass on the mask, patches weighted by the fraction of
               their pixels inside it; "area" is what a uniform map would get (the mask's share of the
               image), the chance level
   for every map the trace writes: cross-attention (last layer, all layers averaged) and, where present,
   gradient-weighted relevancy (.rel.npy). The randomised twin is asked for the same words: its
   trace is taken with the trained model's caption up to the word as the prompt (--prompt, one new
   token), so both models look from the same position with the same text before it.
   A word is matched to the objects of its class (and of its colour when a colour word precedes it); a
   word with no such object in the scene is counted as unmatched and not scored.

Prints markdown tables. Needs numpy, PIL (and torch + transformers for part 1):

    python3 tools/train/measure_grounding.py --loupe build/bin/loupe --count 100
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes_render as sr  # noqa: E402

PLURALS = {c + "s": c for c in sr.CLASSES} | {"crosses": "cross"}


# ---- scenes ---------------------------------------------------------------------------------------------

def fresh_scenes(loupe, source, count, seed, size, work):
    """(paths, scenes) of `count` fresh scenes from one renderer, written as PNGs under `work`."""
    folder = os.path.join(work, "%s-%d" % (source, seed))
    if source == "loupe":
        subprocess.run([loupe, "sample", "shapes", folder, "--count", str(count), "--seed", str(seed),
                        "--size", str(size), "--json"], check=True, stdout=subprocess.DEVNULL)
        scenes = sr.load_loupe(folder)
        with open(os.path.join(folder, "annotations.json")) as f:
            names = [i["file_name"] for i in sorted(json.load(f)["images"], key=lambda i: i["id"])]
        return [os.path.join(folder, n) for n in names], scenes
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    paths, scenes = [], []
    for i in range(count):
        s = sr.render_scene(rng, size)
        p = os.path.join(folder, "pil_%06d.png" % i)
        s.image.save(p)
        paths.append(p)
        scenes.append(s)
    return paths, scenes


# ---- CLIP -----------------------------------------------------------------------------------------------

def clip_top1(model_dir, scenes):
    import torch
    from transformers import CLIPModel, CLIPProcessor
    model = CLIPModel.from_pretrained(model_dir).eval()
    proc = CLIPProcessor.from_pretrained(model_dir)
    prompts = ["a photo of a %s" % c for c in sr.CLASSES]
    hits = 0
    with torch.no_grad():
        for i in range(0, len(scenes), 100):
            chunk = scenes[i:i + 100]
            inp = proc(text=prompts, images=[s.image for s in chunk], return_tensors="pt", padding=True)
            pred = model(**inp).logits_per_image.argmax(1).tolist()
            hits += sum(sr.CLASSES[p] == s.label for p, s in zip(pred, chunk))
    return hits / len(scenes)


# ---- captioner ------------------------------------------------------------------------------------------

def word_targets(words, scene):
    """[(word index, target mask)] for the words of a caption that name objects of `scene`, and the
    count of object words with no such object."""
    out, unmatched = [], 0
    for k, w in enumerate(words):
        cls = w if w in sr.CLASSES else PLURALS.get(w)
        if cls is None:
            continue
        color = words[k - 1] if k > 0 and words[k - 1] in sr.COLORS else None
        objs = [o for o in scene.objects if o.cls == cls and (color is None or o.color == color)]
        if not objs:
            unmatched += 1 + (color is not None)
            continue
        mask = np.any([o.mask for o in objs], axis=0)
        out.append((k, mask))
        if color is not None:
            out.append((k - 1, mask))
    return out, unmatched


def cell_coverage(mask, grid):
    """Fraction of each patch's pixels inside the mask (grid x grid); the processors resize the whole
    image to the model's square, so patch (r, c) covers the same fraction of the image."""
    h, w = mask.shape
    ys = np.linspace(0, h, grid + 1).round().astype(int)
    xs = np.linspace(0, w, grid + 1).round().astype(int)
    cov = np.zeros((grid, grid))
    for r in range(grid):
        for c in range(grid):
            cell = mask[ys[r]:ys[r + 1], xs[c]:xs[c + 1]]
            cov[r, c] = cell.mean() if cell.size else 0.0
    return cov


def score_map(m, cov):
    m = np.maximum(np.asarray(m, dtype=np.float64), 0)
    hit = float(cov.flat[int(np.argmax(m))] > 0)
    total = m.sum()
    share = float((m * cov).sum() / total) if total > 0 else 0.0
    return hit, share


def run_caption(loupe, model, images, trace_dir, prompt=None, max_new=None):
    cmd = [loupe, "caption", "--model", model, "--trace", trace_dir, "--json", "--threads", "1"]
    if prompt is not None:
        cmd += ["--prompt", prompt]
    if max_new is not None:
        cmd += ["--max-new-tokens", str(max_new)]
    subprocess.run(cmd + images, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(trace_dir, "trace.json")) as f:
        return json.load(f)


def token_maps(token, trace_dir):
    """{map name: grid array} for one traced token: its cross-attention maps and, when the trace wrote
    them, relevancy maps (any other entry with an .npy file, or a STEM.tK.rel.npy beside the others)."""
    maps = {}
    for key, entry in token.get("cross_attention", {}).items():
        maps["cross-attention (%s)" % key.replace("_", " ")] = np.load(os.path.join(trace_dir, entry["npy"]))
    for key, entry in token.items():
        if key != "cross_attention" and isinstance(entry, dict) and "npy" in entry:
            maps[key.replace("_", " ")] = np.load(os.path.join(trace_dir, entry["npy"]))
    if not any("relev" in k for k in maps):
        for entry in token.get("cross_attention", {}).values():
            rel = entry["npy"].rsplit(".", 2)[0] + ".rel.npy"
            if os.path.exists(os.path.join(trace_dir, rel)):
                maps["relevancy"] = np.load(os.path.join(trace_dir, rel))
                break
    return maps


def word_tokens(tokens):
    """Groups traced tokens into words: [(word, [token indices])], the word lower-cased without
    punctuation. GPT-2's byte-level BPE starts a word with a space, BLIP's WordPiece marks a
    continuation with ##."""
    gpt2 = any(t["text"].startswith(" ") for t in tokens)
    words = []
    for i, t in enumerate(tokens):
        text = t["text"]
        start = not words or (text.startswith(" ") if gpt2 else not text.startswith("##"))
        piece = text.strip().lower()
        piece = piece[2:] if piece.startswith("##") else piece
        if start:
            words.append([piece, [i]])
        else:
            words[-1][0] += piece
            words[-1][1].append(i)
    return [(w.strip(".,;:!?"), idx) for w, idx in words]


def prefix_text(tokens):
    """The caption text before a token, as a prompt (GPT-2 pieces carry their spaces, WordPiece not)."""
    if any(t["text"].startswith(" ") for t in tokens):
        return "".join(t["text"] for t in tokens).strip()
    out = ""
    for t in tokens:
        out += t["text"][2:] if t["text"].startswith("##") else " " + t["text"]
    return out.strip()


def caption_grounding(loupe, trained, random, paths, scenes, work, tag):
    """Scores of every map kind for the trained model and its twin: {model: {map: [(hit, share, area)]}}."""
    tdir = os.path.join(work, "trace-%s" % tag)
    trace = run_caption(loupe, trained, paths, tdir)
    grid = trace["grid"]
    rows = {"trained": {}, "random": {}}
    stats = {"captions": 0, "object words": 0, "unmatched": 0}
    for entry, scene, path in zip(trace["images"], scenes, paths):
        stats["captions"] += 1
        words = word_tokens(entry["tokens"])
        targets, unmatched = word_targets([w for w, _ in words], scene)
        stats["unmatched"] += unmatched
        for k, mask in targets:
            stats["object words"] += 1
            cov = cell_coverage(mask, grid)
            area = float(mask.mean())
            first = words[k][1][0]  # the word's first token: where the model chose the word
            for name, m in token_maps(entry["tokens"][first], tdir).items():
                rows["trained"].setdefault(name, []).append(score_map(m, cov) + (area,))
            if random:
                prefix = prefix_text(entry["tokens"][:first])
                rdir = os.path.join(work, "trace-%s-random-%d" % (tag, stats["object words"]))
                rtrace = run_caption(loupe, random, [path], rdir, prompt=prefix or None, max_new=1)
                rtok = rtrace["images"][0]["tokens"]
                if rtok:
                    for name, m in token_maps(rtok[0], rdir).items():
                        rows["random"].setdefault(name, []).append(score_map(m, cov) + (area,))
    return rows, stats


def table(title, rows):
    lines = ["**%s**" % title, "",
             "| map | model | words | pointing ↑ | relevance in mask ↑ | mask area (chance) |",
             "|---|---|---|---|---|---|"]
    for name in sorted(rows["trained"]):
        for model in ("trained", "random"):
            r = rows[model].get(name)
            if not r:
                continue
            a = np.asarray(r)
            lines.append("| %s | %s | %d | %.3f | %.3f | %.3f |" % (name, model, len(a), a[:, 0].mean(),
                                                                  a[:, 1].mean(), a[:, 2].mean()))
    return "\n".join(lines)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    models = os.path.join(here, "..", "..", "resources", "models")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", default=os.path.join(here, "..", "..", "build", "bin", "loupe"))
    ap.add_argument("--clip", default=os.path.join(models, "shapes-clip"))
    ap.add_argument("--clip-random", default=os.path.join(models, "shapes-clip-random"))
    ap.add_argument("--captioner", default=os.path.join(models, "shapes-captioner"))
    ap.add_argument("--captioner-random", default=os.path.join(models, "shapes-captioner-random"))
    ap.add_argument("--count", type=int, default=100, help="fresh scenes per renderer")
    ap.add_argument("--clip-count", type=int, default=500, help="fresh scenes per renderer for CLIP")
    ap.add_argument("--seed", type=int, default=9001)
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--skip-clip", action="store_true")
    ap.add_argument("--skip-captioner", action="store_true")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as work:
        if not args.skip_clip:
            if not os.path.exists(os.path.join(args.clip, "config.json")):
                sys.exit("%s: no CLIP checkpoint (config.json missing)" % args.clip)
            print("## CLIP: top-1 over \"a photo of a {label}\" (%d fresh scenes per renderer, seed %d)\n" % (
                args.clip_count, args.seed))
            print("| model | Loupe generator | PIL renderer |\n|---|---|---|")
            sets = [fresh_scenes(args.loupe, src, args.clip_count, args.seed, args.size, work)[1]
                    for src in ("loupe", "pil")]
            for name, d in (("shapes-clip", args.clip), ("shapes-clip-random", args.clip_random)):
                if os.path.exists(os.path.join(d, "config.json")):
                    print("| %s | %.3f | %.3f |" % (name, clip_top1(d, sets[0]), clip_top1(d, sets[1])),
                          flush=True)
            print()
        if not args.skip_captioner:
            if not os.path.exists(os.path.join(args.captioner, "config.json")):
                sys.exit("%s: no captioner checkpoint (config.json missing)" % args.captioner)
            random = args.captioner_random if os.path.exists(
                os.path.join(args.captioner_random, "config.json")) else None
            print("## Captioner: per-word grounding (%d fresh scenes per renderer, seed %d)\n" % (
                args.count, args.seed))
            for src in ("loupe", "pil"):
                paths, scenes = fresh_scenes(args.loupe, src, args.count, args.seed + 1, args.size, work)
                rows, stats = caption_grounding(args.loupe, args.captioner, random, paths, scenes, work, src)
                print(table("%s: %d captions, %d object words scored, %d naming no object in the "
                            "scene" % ("Loupe generator" if src == "loupe" else "PIL renderer", stats["captions"],
                                       stats["object words"], stats["unmatched"]), rows))
                print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
