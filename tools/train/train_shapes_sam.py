#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train Loupe's demo SAM: a small Hugging Face `SamModel` that turns clicks or a box on a shapes-world
image into the object's mask.

Images and their exact masks come from tools/train/shapes_render.py: the PIL renderer (antialiased, drawn
at 96 or 128 pixels) and, with --loupe, Loupe's own generator (`loupe sample shapes`, hard edges, 96 px;
masks from its COCO polygons by the even-odd rule, which keeps the rings' holes). Everything is done in the model's
input space (the image resized so its longest edge is the model's image_size; the scenes are square, so
nothing is padded).

Prompts follow SAM's training: the first prompt is one positive click drawn uniformly inside the object
or its tight box jittered by up to 10 % of its sides; then corrective clicks, each drawn uniformly from
the error region of the previous best mask (positive on a missed pixel, negative on a false one), with
the previous low-resolution logits as mask input. Every round is scored: focal (x20) + dice loss on the
best of the three multimask outputs, and the mean squared error of the IoU head against each output's
true IoU. One torch thread, so the shared machine stays usable; the budget is wall-clock minutes.

    nice -n 10 python3 tools/train/train_shapes_sam.py --loupe build/bin/loupe \\
        --out resources/models/shapes-sam --random-out resources/models/shapes-sam-random

(the defaults are the shipped recipe; see resources/models/shapes-sam/README.md)
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
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes_render as sr  # noqa: E402

MEAN = [0.485, 0.456, 0.406]  # SamImageProcessor's defaults
STD = [0.229, 0.224, 0.225]


def sam_config(args):
    from transformers import SamConfig
    grid = args.size // args.patch
    return SamConfig(
        vision_config=dict(hidden_size=args.vision_hidden, output_channels=args.channels,
                           num_hidden_layers=args.vision_layers, num_attention_heads=args.vision_heads,
                           image_size=args.size, patch_size=args.patch, mlp_dim=4 * args.vision_hidden,
                           window_size=args.window, global_attn_indexes=args.global_layers,
                           num_pos_feats=args.channels // 2,
                           # transformers' SamVisionConfig default (1e-10) leaves an untrained encoder blind
                           initializer_range=0.02),
        prompt_encoder_config=dict(hidden_size=args.channels, image_size=args.size, patch_size=args.patch,
                                   mask_input_channels=16),
        mask_decoder_config=dict(hidden_size=args.channels, mlp_dim=4 * args.channels, num_hidden_layers=2,
                                 num_attention_heads=4, iou_head_hidden_dim=args.channels),
    ), grid


def init_model(config, seed):
    """transformers' SamModel initialisation, except the prompt encoder's random Fourier frequencies:
    transformers draws them with std hidden_size / 2 (32 here), which turns coordinates into noise for a
    model trained from scratch; SAM's own code draws them with std 1."""
    from transformers import SamModel
    torch.manual_seed(seed)
    model = SamModel(config)
    with torch.no_grad():
        pe = model.shared_image_embedding.positional_embedding
        pe.copy_(torch.randn(pe.shape))
    return model


def image_processor(size):
    """SamImageProcessor for a model of input `size`: longest-edge resize padded to size x size; the
    low-resolution mask input is 4 x the embedding grid, i.e. size / 2 with patch 8."""
    from transformers import SamImageProcessor
    return SamImageProcessor(size={"longest_edge": size}, pad_size={"height": size, "width": size},
                             mask_size={"longest_edge": size // 2}, mask_pad_size={"height": size // 2,
                                                                                   "width": size // 2})


def to_input(image, size):
    """PIL image -> normalised float32 [3, size, size] as SamImageProcessor does for a square image
    (Pillow bilinear resize of the uint8 image, rescale, normalise)."""
    w, h = image.size
    scale = size / max(w, h)
    nw, nh = int(w * scale + 0.5), int(h * scale + 0.5)
    arr = np.asarray(image.resize((nw, nh), Image.BILINEAR), dtype=np.float32) / 255.0
    arr = (arr - np.asarray(MEAN, np.float32)) / np.asarray(STD, np.float32)
    out = np.zeros((size, size, 3), np.float32)
    out[:nh, :nw] = arr
    return out.transpose(2, 0, 1)


def mask_to_input(mask, size):
    """Object mask at the image's size -> bool [size, size] in input space (coverage >= 0.5)."""
    m = Image.fromarray(mask.astype(np.uint8) * 255).resize((size, size), Image.BILINEAR)
    return np.asarray(m) >= 128


def loupe_scenes(loupe, count, seed):
    """Scenes from Loupe's generator with masks rasterised from the COCO polygons (even-odd, so a ring's
    keyhole polygon keeps its hole)."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([loupe, "sample", "shapes", tmp, "--count", str(count), "--seed", str(seed),
                        "--size", "96", "--json"], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(tmp, "annotations.json")) as f:
            coco = json.load(f)
        per_image = {}
        for a in coco["annotations"]:
            per_image.setdefault(a["image_id"], []).append(a)
        for im in coco["images"]:
            image = Image.open(os.path.join(tmp, im["file_name"])).convert("RGB")
            masks = []
            for a in per_image.get(im["id"], []):
                m = np.zeros((im["height"], im["width"]), bool)
                for poly in a["segmentation"]:
                    m ^= sr.rasterize_polygon(poly, im["width"], im["height"])
                if m.sum() >= 4:
                    masks.append(m)
            if masks:
                out.append((image, masks))
    return out


def pil_scenes(rng, count):
    out = []
    for _ in range(count):
        s = sr.render_scene(rng, size=int(rng.choice([96, 128])), min_objects=1, max_objects=4)
        masks = [o.mask for o in s.objects if o.area >= 4]
        if masks:
            out.append((s.image, masks))
    return out


def build_pool(scenes, size):
    pixels = np.stack([to_input(img, size) for img, _ in scenes])
    masks = [np.stack([mask_to_input(m, size) for m in ms]) for _, ms in scenes]
    return torch.from_numpy(pixels), [torch.from_numpy(m) for m in masks]


def sample_points(region, gen):
    """One pixel drawn uniformly from each [N, H, W] bool region (the whole image where a region is
    empty), as (x, y) pixel coordinates [N, 2]."""
    n, h, w = region.shape
    flat = region.reshape(n, -1).float()
    flat = torch.where(flat.sum(1, keepdim=True) > 0, flat, torch.ones_like(flat))
    idx = torch.multinomial(flat, 1, generator=gen).squeeze(1)
    return torch.stack([(idx % w).float(), (idx // w).float()], 1)


def jittered_boxes(gt, gen):
    """Tight box of each [N, H, W] mask, each side moved by up to 10 % of the box's size (at most 10 px)."""
    n, h, w = gt.shape
    boxes = []
    for m in gt:
        ys, xs = torch.nonzero(m, as_tuple=True)
        x0, y0, x1, y1 = xs.min().item(), ys.min().item(), xs.max().item(), ys.max().item()
        bw, bh = x1 - x0 + 1, y1 - y0 + 1
        noise = (torch.rand(4, generator=gen) * 2 - 1) * 0.1 * torch.tensor([bw, bh, bw, bh], dtype=torch.float)
        noise = noise.clamp(-10, 10)
        b = torch.tensor([x0, y0, x1, y1], dtype=torch.float) + noise
        boxes.append(torch.stack([b[0].clamp(0, w - 1), b[1].clamp(0, h - 1), b[2].clamp(0, w - 1),
                                  b[3].clamp(0, h - 1)]))
    return torch.stack(boxes)


def focal_dice(logits, gt):
    """Per-mask focal and dice losses; logits [N, K, H, W], gt [N, H, W] float."""
    g = gt[:, None].expand_as(logits)
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, g, reduction="none")
    pt = p * g + (1 - p) * (1 - g)
    # No alpha weighting (SAM's 0.25 on the object): objects cover a few percent of a shapes image.
    focal = (ce * (1 - pt) ** 2).mean((2, 3))
    inter = (p * g).sum((2, 3))
    dice = 1 - (2 * inter + 1) / (p.sum((2, 3)) + g.sum((2, 3)) + 1)
    return focal, dice


def true_iou(logits, gt):
    pred = logits > 0
    g = gt[:, None].bool()
    inter = (pred & g).sum((2, 3)).float()
    union = (pred | g).sum((2, 3)).float()
    return inter / union.clamp(min=1)


def decode(model, emb, points, labels, boxes, mask_in):
    """The mask decoder on repeated embeddings; returns low-res logits [N, 3, 4g, 4g] and IoU [N, 3]."""
    out = model(image_embeddings=emb, input_points=points, input_labels=labels, input_boxes=boxes,
                input_masks=mask_in, multimask_output=True)
    return out.pred_masks[:, 0], out.iou_scores[:, 0]


def train_step(model, pixels, gt, per_image, rounds, gen):
    size = pixels.shape[-1]
    emb = model.get_image_embeddings(pixels).repeat_interleave(per_image, 0)
    gtf = gt.float()
    use_box = torch.rand(1, generator=gen).item() < 0.5
    n = gt.shape[0]
    points = torch.zeros(n, 1, 0, 2)
    labels = torch.zeros(n, 1, 0, dtype=torch.long)
    boxes = jittered_boxes(gt, gen)[:, None] if use_box else None
    if not use_box:
        points = sample_points(gt, gen)[:, None, None]
        labels = torch.ones(n, 1, 1, dtype=torch.long)
    mask_in = None
    total, first_iou, last_iou = 0.0, None, None
    for r in range(rounds):
        low, iou_pred = decode(model, emb, points if points.shape[2] else None,
                               labels if points.shape[2] else None, boxes, mask_in)
        up = F.interpolate(low, size=(size, size), mode="bilinear", align_corners=False)
        focal, dice = focal_dice(up, gtf)
        per_mask = 20 * focal + dice
        best = per_mask.argmin(1)
        rows = torch.arange(n)
        actual = true_iou(up.detach(), gtf)
        total = total + per_mask[rows, best].mean() + F.mse_loss(iou_pred, actual)
        chosen = actual[rows, best]
        first_iou = chosen.mean().item() if first_iou is None else first_iou
        last_iou = chosen.mean().item()
        if r + 1 < rounds:  # a corrective click on the error of the mask the model rates best
            pick = iou_pred.detach().argmax(1)
            pred = up.detach()[rows, pick] > 0
            err = pred ^ gt
            xy = sample_points(err, gen)
            xi, yi = xy[:, 0].long(), xy[:, 1].long()
            lab = gt[rows, yi, xi].long()
            points = torch.cat([points, xy[:, None, None]], 2)
            labels = torch.cat([labels, lab[:, None, None]], 2)
            mask_in = low.detach()[rows, pick][:, None]
    return total / rounds, first_iou, last_iou


def augment(pixels, masks, gen):
    """The same random flips / quarter turns for an image and its masks."""
    k = int(torch.randint(0, 4, (1,), generator=gen))
    flip = bool(torch.randint(0, 2, (1,), generator=gen))
    pixels, masks = torch.rot90(pixels, k, (-2, -1)), torch.rot90(masks, k, (-2, -1))
    if flip:
        pixels, masks = pixels.flip(-1), masks.flip(-1)
    return pixels, masks


def batch(pool, idx, per_image, gen):
    pix_all, mask_all = pool
    pixels, gts = [], []
    for i in idx:
        p, m = augment(pix_all[i], mask_all[i], gen)
        pixels.append(p)
        pick = torch.randint(0, m.shape[0], (per_image,), generator=gen)
        gts.append(m[pick])
    return torch.stack(pixels), torch.cat(gts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", help="the loupe binary; adds Loupe-rendered scenes to the PIL ones")
    ap.add_argument("--out", required=True)
    ap.add_argument("--random-out")
    ap.add_argument("--pil-count", type=int, default=3000)
    ap.add_argument("--loupe-count", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=5001)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--patch", type=int, default=8)
    ap.add_argument("--vision-hidden", type=int, default=96)
    ap.add_argument("--vision-layers", type=int, default=4)
    ap.add_argument("--vision-heads", type=int, default=4)
    ap.add_argument("--window", type=int, default=8)
    ap.add_argument("--global-layers", type=int, nargs="*", default=[1, 3])
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--batch", type=int, default=12, help="images per step")
    ap.add_argument("--per-image", type=int, default=2, help="objects prompted per image")
    ap.add_argument("--rounds", type=int, default=4, help="first prompt + corrective clicks")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--minutes", type=float, default=35.0, help="wall-clock budget of the training loop")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--log", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "shapes-sam-train-log.json"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    config, grid = sam_config(args)
    t0 = time.time()
    rng = np.random.default_rng(args.seed)
    scenes = pil_scenes(rng, args.pil_count)
    if args.loupe:
        scenes += loupe_scenes(args.loupe, args.loupe_count, args.seed)
    pool = build_pool(scenes, args.size)
    print("pool: %d scenes, %d objects, %.0f s" % (len(scenes), sum(m.shape[0] for m in pool[1]),
                                                  time.time() - t0), flush=True)

    processor = image_processor(args.size)  # writes preprocessor_config.json, which Loupe reads
    if args.random_out:
        rand = init_model(config, args.seed + 1).eval()
        rand.save_pretrained(args.random_out)
        processor.save_pretrained(args.random_out)
    model = init_model(config, args.seed)
    params = sum(p.numel() for p in model.parameters())
    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0}],
                            lr=args.lr)
    gen = torch.Generator().manual_seed(args.seed)
    log = {"args": vars(args), "parameters": params, "pool_scenes": len(scenes), "steps": []}
    budget = args.minutes * 60
    start = time.time()
    step = 0
    ema = None
    model.train()
    while time.time() - start < budget:
        frac = (time.time() - start) / budget
        lr = args.lr * min(1.0, (step + 1) / args.warmup) * 0.5 * (1 + math.cos(math.pi * frac))
        for g in opt.param_groups:
            g["lr"] = lr
        idx = torch.randint(0, len(scenes), (args.batch,), generator=gen).tolist()
        pixels, gt = batch(pool, idx, args.per_image, gen)
        loss, first, last = train_step(model, pixels, gt, args.per_image, args.rounds, gen)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = (loss.item(), first, last) if ema is None else tuple(
            0.95 * e + 0.05 * v for e, v in zip(ema, (loss.item(), first, last)))
        step += 1
        if step % 25 == 0:
            entry = {"step": step, "seconds": round(time.time() - start, 1), "lr": lr, "loss": round(ema[0], 4),
                     "iou_first_prompt": round(ema[1], 4), "iou_after_corrections": round(ema[2], 4)}
            log["steps"].append(entry)
            print(json.dumps(entry), flush=True)
    log["total_steps"] = step
    log["train_seconds"] = round(time.time() - start, 1)
    log["cpu_seconds"] = round(time.process_time(), 1)
    model.eval()
    model.save_pretrained(args.out)
    processor.save_pretrained(args.out)
    with open(args.log, "w") as f:
        json.dump(log, f, indent=1)
        f.write("\n")
    print("saved %s (%d parameters, %d steps)" % (args.out, params, step))
    return 0


if __name__ == "__main__":
    sys.exit(main())
