#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train Loupe's demo CLIP: a tiny Hugging Face `CLIPModel` that matches shapes-world images with
captions ("a photo of a star", "a red circle and a small blue ring", ...).

Images come from both renderers of tools/train/shapes_render.py (Loupe's generator through `loupe
sample shapes`, and the independent PIL drawing), drawn at 96x96 and resized to the model's input as
CLIPImageProcessor does. Captions are drawn
afresh every time an image is used, from templates over the scene's objects. The loss is CLIP's
symmetric contrastive loss with soft targets: a caption counts as a positive for every image in the batch
it is true of ("a photo of a star" is true of every image whose most prominent shape is a star), so
repeated classes in a batch are not pushed apart.

The tokenizer is CLIP's byte-level BPE (vocab.json + merges.txt, `</w>` word ends) with merges learned
on the world's words only, so each of them is one token; other words fall back to bytes, as in CLIP.

Needs torch, transformers, numpy, PIL (and build/bin/loupe for the Loupe-rendered half):

    nice -n 10 python3 tools/train/train_shapes_clip.py --loupe build/bin/loupe --train-count 8000 \\
        --out resources/models/shapes-clip --random-out resources/models/shapes-clip-random

(the defaults are the shipped recipe; see resources/models/shapes-clip/README.md)
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes_render as sr  # noqa: E402

# Every word a template uses, plus words people type about such scenes; each becomes one token.
WORDS = sorted(set(sr.CLASSES + sr.COLOR_NAMES + """a an the photo picture image of and small big large
on with shape shapes one two three four left right top bottom above below next to near dark light
background circles squares triangles stars crosses rings""".split()))
MEAN = [0.48145466, 0.4578275, 0.40821073]  # CLIP's normalisation
STD = [0.26862954, 0.26130258, 0.27577711]
SPECIALS = ["<|startoftext|>", "<|endoftext|>"]


def bytes_to_unicode():
    """GPT-2/CLIP's reversible byte -> printable character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def learn_bpe(words):
    """Byte-pair merges over `words` (each counted once) until every word is a single token. Applying
    the merges by rank, as CLIPTokenizer does, rebuilds exactly these words."""
    table = bytes_to_unicode()
    seqs = []
    for w in words:
        sym = [table[b] for b in w.encode()]
        sym[-1] += "</w>"
        seqs.append(sym)
    merges = []
    while True:
        counts = {}
        for s in seqs:
            for a, b in zip(s, s[1:]):
                counts[(a, b)] = counts.get((a, b), 0) + 1
        if not counts:
            return merges
        best = min(counts, key=lambda p: (-counts[p], p))  # most frequent, ties by name: deterministic
        merges.append(best)
        for k, s in enumerate(seqs):
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1])
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[k] = out


def write_tokenizer(folder, max_len):
    table = bytes_to_unicode()
    base = list(table.values())
    vocab = base + [c + "</w>" for c in base]
    merges = learn_bpe(WORDS)
    vocab += ["".join(m) for m in merges]
    vocab += SPECIALS
    ids = {t: i for i, t in enumerate(vocab)}
    assert len(ids) == len(vocab), "duplicate vocabulary entries"
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(ids, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write("%s %s\n" % (a, b))
    special = {"content": None, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}
    tok_cfg = {
        "added_tokens_decoder": {str(ids[s]): dict(special, content=s, special=True) for s in SPECIALS},
        "bos_token": SPECIALS[0], "eos_token": SPECIALS[1], "pad_token": SPECIALS[1],
        "unk_token": SPECIALS[1], "clean_up_tokenization_spaces": True, "errors": "replace",
        "model_max_length": max_len, "tokenizer_class": "CLIPTokenizer",
    }
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump(tok_cfg, f, indent=2)
    smap = {k: dict(special, content=tok_cfg[k]) for k in ("bos_token", "eos_token", "pad_token", "unk_token")}
    with open(os.path.join(folder, "special_tokens_map.json"), "w") as f:
        json.dump(smap, f, indent=2)
    return len(vocab), ids[SPECIALS[0]], ids[SPECIALS[1]]


def write_preprocessor(folder, size):
    pre = {
        "crop_size": {"height": size, "width": size}, "do_center_crop": True, "do_convert_rgb": True,
        "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": MEAN, "image_std": STD,
        "image_processor_type": "CLIPImageProcessor", "processor_class": "CLIPProcessor", "resample": 3,
        "rescale_factor": 1 / 255, "size": {"shortest_edge": size},
    }
    with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
        json.dump(pre, f, indent=2, sort_keys=True)
        f.write("\n")


def make_config(args, vocab_size, bos, eos):
    from transformers import CLIPConfig
    text = {"vocab_size": vocab_size, "hidden_size": args.text_hidden, "intermediate_size": args.text_hidden * 4,
            "num_hidden_layers": args.text_layers, "num_attention_heads": 4,
            "max_position_embeddings": args.max_len, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
            "bos_token_id": bos, "eos_token_id": eos, "pad_token_id": eos, "projection_dim": args.proj}
    vision = {"hidden_size": args.vision_hidden, "intermediate_size": args.vision_hidden * 4,
              "num_hidden_layers": args.vision_layers, "num_attention_heads": 4, "image_size": args.size,
              "patch_size": args.patch, "num_channels": 3, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
              "projection_dim": args.proj}
    return CLIPConfig(text_config=text, vision_config=vision, projection_dim=args.proj)


# ---- captions -------------------------------------------------------------------------------------------

def caption(scene, rng):
    """(text, spec): a caption true of `scene`, and what it claims (for the soft targets)."""
    p = scene.objects[scene.prominent]
    others = [o for i, o in enumerate(scene.objects) if i != scene.prominent]
    k = rng.random()
    if k < 0.4:
        return "a photo of a %s" % p.cls, ("label", p.cls)
    if k < 0.7:
        t = "a photo of a %s %s" if rng.random() < 0.5 else "a %s %s"
        return t % (p.color, p.cls), ("color", p.color, p.cls)
    parts = ["a %s %s" % (p.color, p.cls)] + ["a small %s %s" % (o.color, o.cls) for o in others]
    return " and ".join(parts), ("full", (p.color, p.cls), tuple(sorted((o.color, o.cls) for o in others)))


def true_of(spec, scene):
    p = scene.objects[scene.prominent]
    if spec[0] == "label":
        return p.cls == spec[1]
    if spec[0] == "color":
        return (p.color, p.cls) == spec[1:]
    others = tuple(sorted((o.color, o.cls) for i, o in enumerate(scene.objects) if i != scene.prominent))
    return (p.color, p.cls) == spec[1] and others == spec[2]


# ---- data -----------------------------------------------------------------------------------------------

def loupe_scenes(loupe, count, seed, size, work):
    folder = os.path.join(work, "loupe-%d" % seed)
    subprocess.run([loupe, "sample", "shapes", folder, "--count", str(count), "--seed", str(seed),
                    "--size", str(size), "--json"], check=True, stdout=subprocess.DEVNULL)
    return sr.load_loupe(folder, masks=False)


def pil_scenes(count, seed, size, max_objects=4):
    rng = np.random.default_rng(seed)
    return [sr.render_scene(rng, size, 1, max_objects) for _ in range(count)]


def to_pixels(images, size):
    """CLIPImageProcessor's work on square images: bicubic resize to the model's size (PIL), rescale,
    normalise."""
    from PIL import Image
    images = [i if i.size == (size, size) else i.resize((size, size), Image.BICUBIC) for i in images]
    x = torch.from_numpy(np.stack([np.asarray(i, dtype=np.uint8) for i in images])).permute(0, 3, 1, 2)
    x = x.float().div(255.0)
    return (x - torch.tensor(MEAN)[None, :, None, None]) / torch.tensor(STD)[None, :, None, None]


def label_top1(model, tok, scenes, size, batch=200):
    """Share of scenes whose prominent class wins over the six "a photo of a {label}" prompts."""
    model.eval()
    with torch.no_grad():
        t = tok(["a photo of a %s" % c for c in sr.CLASSES], padding=True, return_tensors="pt")
        te = F.normalize(features(model.get_text_features(**t)), dim=-1)
        hits = 0
        for i in range(0, len(scenes), batch):
            chunk = scenes[i:i + batch]
            ie = F.normalize(features(model.get_image_features(pixel_values=to_pixels([s.image for s in chunk], size))),
                             dim=-1)
            pred = (ie @ te.T).argmax(1).numpy()
            hits += sum(sr.CLASSES[p] == s.label for p, s in zip(pred, chunk))
    model.train()
    return hits / len(scenes)


def features(out):
    """get_*_features return a tensor in transformers 4, an output object in 5."""
    return out if torch.is_tensor(out) else out.pooler_output


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", required=True, help="the loupe binary (for `loupe sample shapes`)")
    ap.add_argument("--out", default="resources/models/shapes-clip")
    ap.add_argument("--random-out", default="resources/models/shapes-clip-random")
    ap.add_argument("--train-count", type=int, default=8000, help="images, half from each renderer")
    ap.add_argument("--test-count", type=int, default=500, help="test images per renderer")
    ap.add_argument("--train-seed", type=int, default=3001)
    ap.add_argument("--test-seed", type=int, default=4002)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--size", type=int, default=32, help="model input size")
    ap.add_argument("--render-size", type=int, default=96,
                    help="scenes are drawn at this size (the world's default) and resized as the processor does")
    ap.add_argument("--patch", type=int, default=8)
    ap.add_argument("--vision-hidden", type=int, default=64)
    ap.add_argument("--vision-layers", type=int, default=3)
    ap.add_argument("--text-hidden", type=int, default=64)
    ap.add_argument("--text-layers", type=int, default=2)
    ap.add_argument("--proj", type=int, default=64)
    ap.add_argument("--max-len", type=int, default=32)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--minutes", type=float, default=9.0,
                    help="training budget in CPU minutes of this process (all its threads); the "
                         "learning-rate schedule ends with it, so a busy machine gives fewer steps, not a "
                         "cut-off schedule")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--log", default=None)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    from transformers import CLIPModel, CLIPTokenizer
    t0 = time.time()
    vocab_size, bos, eos = write_tokenizer(args.out, args.max_len)
    tok = CLIPTokenizer.from_pretrained(args.out)
    for w in WORDS:  # the learned merges must make each world word a single token
        ids = tok(w)["input_ids"]
        if len(ids) != 3:
            raise SystemExit("tokenizer splits %r into %s" % (w, tok.convert_ids_to_tokens(ids)))
    cfg = make_config(args, vocab_size, bos, eos)

    with tempfile.TemporaryDirectory() as work:
        half = args.train_count // 2
        train = loupe_scenes(args.loupe, half, args.train_seed, args.render_size, work) + \
            pil_scenes(args.train_count - half, args.train_seed, args.render_size)
        test_loupe = loupe_scenes(args.loupe, args.test_count, args.test_seed, args.render_size, work)
    test_pil = pil_scenes(args.test_count, args.test_seed, args.render_size)
    print("data: %d train, 2 x %d test scenes in %.0f s" % (len(train), args.test_count, time.time() - t0),
          flush=True)
    pixels = to_pixels([s.image for s in train], args.size)

    model = CLIPModel(cfg)
    params = sum(p.numel() for p in model.parameters())
    print("model: %d parameters (%.2f MB f32)" % (params, params * 4 / 1e6), flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embedding" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embedding" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": rest, "weight_decay": 0.0}],
                            lr=args.lr)
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    log = {"config": vars(args), "torch": torch.__version__, "parameters": params, "steps": []}
    t_train, cpu0 = time.time(), time.process_time()
    step = 0
    for step in range(args.steps):
        cpu = time.process_time() - cpu0
        if cpu > args.minutes * 60:
            print("time budget reached at step %d" % step, flush=True)
            break
        # Cosine over whichever runs out first, the steps or the time budget.
        progress = min(1.0, max(step / args.steps, cpu / (args.minutes * 60)))
        lr = args.lr * min(1.0, (step + 1) / args.warmup) * 0.5 * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g["lr"] = lr
        idx = torch.randint(0, len(train), (args.batch,), generator=gen).numpy()
        scenes = [train[i] for i in idx]
        caps = [caption(s, rng) for s in scenes]
        x = pixels[idx]
        if rng.random() < 0.5:  # every class is symmetric under flips; captions do not mention sides
            x = x.flip(3)
        t = tok([c[0] for c in caps], padding=True, return_tensors="pt")
        ie = F.normalize(features(model.get_image_features(pixel_values=x)), dim=-1)
        te = F.normalize(features(model.get_text_features(**t)), dim=-1)
        logits = model.logit_scale.exp().clamp(max=100) * ie @ te.T
        target = torch.tensor([[true_of(c[1], s) for c in caps] for s in scenes], dtype=torch.float32)
        loss = 0.5 * (torch.sum(-target / target.sum(1, keepdim=True) * logits.log_softmax(1), 1).mean() +
                      torch.sum(-target / target.sum(0, keepdim=True) * logits.log_softmax(0), 0).mean())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % 50 == 0:
            print("step %d loss %.4f scale %.1f (%.0f s, %.0f CPU s)" % (
                step, loss.item(), model.logit_scale.exp().item(), time.time() - t_train, cpu), flush=True)
            log["steps"].append({"step": step, "loss": loss.item()})
    log["trained_steps"] = step + 1
    log["train_seconds"] = time.time() - t_train
    log["train_cpu_seconds"] = time.process_time() - cpu0
    log["top1_loupe"] = label_top1(model, tok, test_loupe, args.size)
    log["top1_pil"] = label_top1(model, tok, test_pil, args.size)
    print("label-prompt top-1: loupe %.4f, pil %.4f; %.0f s in all" % (
        log["top1_loupe"], log["top1_pil"], time.time() - t0), flush=True)
    model.save_pretrained(args.out, safe_serialization=True)
    write_preprocessor(args.out, args.size)
    torch.manual_seed(args.seed + 1)
    twin = CLIPModel(cfg)
    twin.save_pretrained(args.random_out, safe_serialization=True)
    write_tokenizer(args.random_out, args.max_len)
    write_preprocessor(args.random_out, args.size)
    log["random_top1_loupe"] = label_top1(twin, tok, test_loupe, args.size)
    log["random_top1_pil"] = label_top1(twin, tok, test_pil, args.size)
    print("random twin top-1: loupe %.4f, pil %.4f" % (log["random_top1_loupe"], log["random_top1_pil"]))
    if args.log:
        with open(args.log, "w") as f:
            json.dump(log, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
