#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train Loupe's demo classifier: a small ViT (Hugging Face ViTForImageClassification layout) that names
the most prominent shape of a shapes-world image.

Data comes from two renderers of the same world: Loupe's own generator (`loupe sample shapes`), so the
trainer and the app share the rules of the world, mixed with tools/train/shapes_render.py's independent PIL
drawing (antialiased edges, jittered colours, other proportions and backgrounds, `--pil-fraction`), so
the model also names shapes that other programs draw. Every epoch reports top-1 on fresh Loupe-world
images and on fresh PIL single shapes. `--init` fine-tunes a shipped checkpoint instead of starting
afresh. Uses only Debian packages (python3-torch, python3-numpy, python3-pil); transformers
is not needed: the model is written here in plain torch.nn with transformers' tensor names, and the
safetensors file is written by hand.

    nice -n 10 /usr/bin/python3 tools/train/train_shapes_vit.py --loupe build/bin/loupe \
        --out resources/models/shapes-vit --random-out resources/models/shapes-vit-random
"""
import argparse
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes_render  # noqa: E402

CLASSES = ["circle", "square", "triangle", "star", "cross", "ring"]


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)
        self.dense = nn.Linear(d, d)

    def forward(self, x):
        b, n, d = x.shape
        h = self.heads

        def split(t):
            return t.view(b, n, h, d // h).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        att = (q @ k.transpose(-1, -2)) / math.sqrt(d // h)
        ctx = att.softmax(-1) @ v
        return self.dense(ctx.transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    def __init__(self, d, heads, mlp, eps):
        super().__init__()
        self.layernorm_before = nn.LayerNorm(d, eps=eps)
        self.attn = Attention(d, heads)
        self.layernorm_after = nn.LayerNorm(d, eps=eps)
        self.intermediate = nn.Linear(d, mlp)
        self.output = nn.Linear(mlp, d)

    def forward(self, x):
        x = x + self.attn(self.layernorm_before(x))
        return x + self.output(F.gelu(self.intermediate(self.layernorm_after(x))))


class ShapesViT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, p = cfg["hidden_size"], cfg["patch_size"]
        n = (cfg["image_size"] // p) ** 2
        self.patch = nn.Conv2d(3, d, p, stride=p)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.zeros(1, n + 1, d))
        self.blocks = nn.ModuleList(
            Block(d, cfg["num_attention_heads"], cfg["intermediate_size"], cfg["layer_norm_eps"])
            for _ in range(cfg["num_hidden_layers"]))
        self.norm = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.classifier = nn.Linear(d, len(cfg["id2label"]))
        self.reset(cfg["initializer_range"])

    def reset(self, std):
        # transformers' ViT init: truncated normal for linear/conv weights and the embeddings.
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                nn.init.trunc_normal_(m.weight, std=std)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.trunc_normal_(self.cls_token, std=std)
        nn.init.trunc_normal_(self.pos, std=std)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos
        for blk in self.blocks:
            x = blk(x)
        return self.classifier(self.norm(x)[:, 0])

    def hf_params(self):
        """The live parameters under the names ViTForImageClassification uses."""
        s = {
            "vit.embeddings.cls_token": self.cls_token,
            "vit.embeddings.position_embeddings": self.pos,
            "vit.embeddings.patch_embeddings.projection.weight": self.patch.weight,
            "vit.embeddings.patch_embeddings.projection.bias": self.patch.bias,
            "vit.layernorm.weight": self.norm.weight,
            "vit.layernorm.bias": self.norm.bias,
            "classifier.weight": self.classifier.weight,
            "classifier.bias": self.classifier.bias,
        }
        for i, b in enumerate(self.blocks):
            pre = "vit.encoder.layer.%d." % i
            parts = {
                "attention.attention.query": b.attn.query, "attention.attention.key": b.attn.key,
                "attention.attention.value": b.attn.value, "attention.output.dense": b.attn.dense,
                "intermediate.dense": b.intermediate, "output.dense": b.output,
                "layernorm_before": b.layernorm_before, "layernorm_after": b.layernorm_after,
            }
            for name, mod in parts.items():
                s[pre + name + ".weight"] = mod.weight
                s[pre + name + ".bias"] = mod.bias
        return s

    def hf_state(self):
        return {k: v.detach().float().contiguous().cpu() for k, v in self.hf_params().items()}

    def load_hf(self, path):
        """Start from the weights of a checkpoint this script wrote (fine-tuning)."""
        loaded = read_safetensors(path)
        params = self.hf_params()
        missing = sorted(set(params) - set(loaded))
        if missing:
            raise ValueError("%s: tensors missing: %s" % (path, ", ".join(missing[:5])))
        with torch.no_grad():
            for name, p in params.items():
                if tuple(loaded[name].shape) != tuple(p.shape):
                    raise ValueError("%s: %s has shape %s, the model needs %s" % (
                        path, name, list(loaded[name].shape), list(p.shape)))
                p.copy_(loaded[name])


def write_safetensors(path, tensors):
    """safetensors: u64 LE header length, JSON header (dtype, shape, data_offsets), raw LE data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        data = tensors[name].numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)  # keep the data 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """The F32 tensors of a safetensors file (the only dtype write_safetensors produces)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError("%s: %s is %s, only F32 is read" % (path, name, info["dtype"]))
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").reshape(info["shape"]).copy())
    return out


def save_checkpoint(folder, model, cfg):
    os.makedirs(folder, exist_ok=True)
    write_safetensors(os.path.join(folder, "model.safetensors"), model.hf_state())
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    size = cfg["image_size"]
    pre = {
        "do_normalize": True, "do_rescale": True, "do_resize": True,
        "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
        "image_processor_type": "ViTImageProcessor", "resample": 2,
        "rescale_factor": 1 / 255, "size": {"height": size, "width": size},
    }
    with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
        json.dump(pre, f, indent=2, sort_keys=True)
        f.write("\n")


def make_config(args):
    return {
        "architectures": ["ViTForImageClassification"], "model_type": "vit",
        "attention_probs_dropout_prob": 0.0, "hidden_dropout_prob": 0.0, "hidden_act": "gelu",
        "hidden_size": args.hidden, "intermediate_size": args.hidden * 4,
        "num_hidden_layers": args.layers, "num_attention_heads": args.heads,
        "image_size": args.size, "patch_size": args.patch, "num_channels": 3,
        "layer_norm_eps": 1e-12, "qkv_bias": True, "initializer_range": 0.02, "encoder_stride": args.patch,
        "id2label": {str(i): c for i, c in enumerate(CLASSES)},
        "label2id": {c: i for i, c in enumerate(CLASSES)}, "torch_dtype": "float32",
    }


def generate(loupe, folder, count, seed, size, extra):
    cmd = [loupe, "sample", "shapes", folder, "--count", str(count), "--seed", str(seed),
           "--size", str(size), "--json"] + extra
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    xs, ys = [], []
    with open(os.path.join(folder, "labels.csv")) as f:
        next(f)
        for line in f:
            name, label = line.strip().split(",")
            xs.append(np.asarray(Image.open(os.path.join(folder, name)).convert("RGB"), dtype=np.uint8))
            ys.append(CLASSES.index(label))
    return np.stack(xs), np.asarray(ys, dtype=np.int64)


def to_input(u8):
    # ViTImageProcessor with rescale 1/255 and mean = std = 0.5 (the images already have the model size).
    return torch.from_numpy(u8).permute(0, 3, 1, 2).float().div(255.0).sub(0.5).div(0.5)


def evaluate(model, x, y, dev, batch=250):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), batch):
            pred = model(to_input(x[i:i + batch]).to(dev)).argmax(1).cpu().numpy()
            correct += (pred == y[i:i + batch]).sum()
    model.train()
    return correct / len(y)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", default=None, help="the loupe binary (for `loupe sample shapes`)")
    ap.add_argument("--out", default="resources/models/shapes-vit")
    ap.add_argument("--random-out", default="resources/models/shapes-vit-random")
    ap.add_argument("--work", default=None, help="folder for the generated images (default: a temp dir)")
    ap.add_argument("--train-count", type=int, default=30000)
    ap.add_argument("--test-count", type=int, default=2000)
    ap.add_argument("--train-seed", type=int, default=1001)
    ap.add_argument("--test-seed", type=int, default=2002)
    ap.add_argument("--seed", type=int, default=7, help="torch seed (init and batch order)")
    ap.add_argument("--varied-fraction", type=float, default=0.0,
                    help="fraction of training images drawn with --varied (clutter/noise/blur/texture)")
    ap.add_argument("--pil-fraction", type=float, default=0.5,
                    help="fraction of training images drawn by shapes_render.py (PIL) instead of loupe")
    ap.add_argument("--pil-test-count", type=int, default=1000, help="PIL single-shape test images")
    ap.add_argument("--pil-test-seed", type=int, default=4242)
    ap.add_argument("--init", default=None,
                    help="checkpoint folder to fine-tune (its config.json sets the architecture)")
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--patch", type=int, default=12)
    ap.add_argument("--hidden", type=int, default=96)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--log", default=None, help="also write the training log (JSON) here")
    ap.add_argument("--pack", default=None,
                    help="only generate the data and save it to this .npz (to train on another machine)")
    ap.add_argument("--dataset", default=None, help="train on a .npz written by --pack instead of generating")
    ap.add_argument("--device", default="cpu", help="torch device (cpu, cuda)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    cfg = make_config(args)
    if args.init:
        with open(os.path.join(args.init, "config.json")) as f:
            cfg = json.load(f)
        if [cfg["id2label"][str(i)] for i in range(len(cfg["id2label"]))] != CLASSES:
            ap.error("%s/config.json: id2label is not %s" % (args.init, CLASSES))
        args.size = cfg["image_size"]
    t0 = time.time()
    if args.dataset:
        d = np.load(args.dataset)
        data = {k: d[k] for k in d.files}
    else:
        if not args.loupe:
            ap.error("--loupe is needed to generate the data (or pass --dataset)")
        data = generate_all(args)
    if args.pack:
        np.savez_compressed(args.pack, **data)
        print("packed %d train and %d test images into %s" % (len(data["ytr"]), len(data["yte"]), args.pack))
        return 0
    print("data: %d train, %d test, %d PIL test images in %.0f s" % (
        len(data["ytr"]), len(data["yte"]), len(data.get("ypil", [])), time.time() - t0), flush=True)
    train(args, cfg, data, t0)


def generate_all(args):
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or tmp
        n_pil = int(args.train_count * args.pil_fraction)
        n_varied = int(args.train_count * args.varied_fraction)
        xtr, ytr = generate(args.loupe, os.path.join(work, "train"), args.train_count - n_varied - n_pil,
                            args.train_seed, args.size, [])
        if n_varied:
            xv, yv = generate(args.loupe, os.path.join(work, "train-varied"), n_varied, args.train_seed + 1,
                              args.size, ["--varied"])
            xtr, ytr = np.concatenate([xtr, xv]), np.concatenate([ytr, yv])
        if n_pil:
            xp, yp = render_pil(n_pil, args.train_seed, args.size, 4)
            xtr, ytr = np.concatenate([xtr, xp]), np.concatenate([ytr, yp])
        xte, yte = generate(args.loupe, os.path.join(work, "test"), args.test_count, args.test_seed,
                            args.size, [])
    xpil, ypil = render_pil(args.pil_test_count, args.pil_test_seed, args.size, 1)
    return {"xtr": xtr, "ytr": ytr, "xte": xte, "yte": yte, "xpil": xpil, "ypil": ypil}


def render_pil(count, seed, size, max_objects):
    """`count` scenes from the PIL renderer, labelled by their most prominent shape."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for _ in range(count):
        s = shapes_render.render_scene(rng, size, 1, max_objects)
        xs.append(np.asarray(s.image, dtype=np.uint8))
        ys.append(CLASSES.index(s.label))
    return np.stack(xs), np.asarray(ys, dtype=np.int64)


def train(args, cfg, data, t0):
    xtr, ytr, xte, yte = data["xtr"], data["ytr"], data["xte"], data["yte"]
    xpil, ypil = data.get("xpil"), data.get("ypil")
    dev = torch.device(args.device)
    if dev.type == "cuda":
        # Deterministic kernels, so a seed gives the same weights on the same GPU and software.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    model = ShapesViT(cfg)
    if args.init:
        model.load_hf(os.path.join(args.init, "model.safetensors"))
    model = model.to(dev)
    params = sum(p.numel() for p in model.parameters())
    print("model: %d parameters (%.2f MB f32)" % (params, params * 4 / 1e6), flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "pos" not in n and "cls" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "pos" not in n and "cls" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps_per_epoch = len(ytr) // args.batch
    total = steps_per_epoch * args.epochs

    def lr_at(step):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        return args.lr * 0.5 * (1 + math.cos(math.pi * (step - args.warmup) / max(1, total - args.warmup)))

    gen = torch.Generator().manual_seed(args.seed)
    log = {"config": vars(args), "device": str(dev), "torch": torch.__version__,
           "train_images": int(len(ytr)), "test_images": int(len(yte)), "epochs": []}
    if args.init:
        log["init_test_top1"] = float(evaluate(model, xte, yte, dev))
        if xpil is not None:
            log["init_pil_single_top1"] = float(evaluate(model, xpil, ypil, dev))
        print("before fine-tuning: test top-1 %.4f, PIL single top-1 %s" % (
            log["init_test_top1"], log.get("init_pil_single_top1")), flush=True)
    step = 0
    for epoch in range(args.epochs):
        order = torch.randperm(len(ytr), generator=gen).numpy()
        t_epoch, loss_sum = time.time(), 0.0
        for b in range(steps_per_epoch):
            idx = order[b * args.batch:(b + 1) * args.batch]
            # Random horizontal/vertical flips: every class is symmetric under them, labels unchanged.
            x = to_input(xtr[idx]).to(dev)
            flips = torch.randint(0, 4, (1,), generator=gen).item()
            if flips & 1:
                x = x.flip(3)
            if flips & 2:
                x = x.flip(2)
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            loss = F.cross_entropy(model(x), torch.from_numpy(ytr[idx]).to(dev))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            step += 1
            if b % 200 == 0:
                print("  epoch %d step %d/%d loss %.4f (%.1f img/s)" % (
                    epoch + 1, b, steps_per_epoch, loss.item(),
                    (b + 1) * args.batch / (time.time() - t_epoch)), flush=True)
        acc = evaluate(model, xte, yte, dev)
        entry = {"epoch": epoch + 1, "loss": loss_sum / steps_per_epoch, "test_top1": float(acc),
                 "seconds": time.time() - t_epoch}
        if xpil is not None:
            entry["pil_single_top1"] = float(evaluate(model, xpil, ypil, dev))
        log["epochs"].append(entry)
        print("epoch %d: loss %.4f, test top-1 %.4f, PIL single top-1 %s (%.0f s)" % (
            epoch + 1, entry["loss"], acc, entry.get("pil_single_top1"), entry["seconds"]), flush=True)
        save_checkpoint(args.out, model, cfg)  # keep the latest so an interrupted run leaves a model

    log["test_top1"] = float(evaluate(model, xte, yte, dev))
    if xpil is not None:
        log["pil_single_top1"] = float(evaluate(model, xpil, ypil, dev))
    log["seconds"] = time.time() - t0
    save_checkpoint(args.out, model, cfg)
    # The sanity-check twin: same architecture and config, weights drawn afresh (different seed).
    torch.manual_seed(args.seed + 1)
    save_checkpoint(args.random_out, ShapesViT(cfg), cfg)
    print("final test top-1 %.4f on %d images (seed %d); %.0f s in all" % (
        log["test_top1"], len(yte), args.test_seed, log["seconds"]), flush=True)
    if args.log:
        with open(args.log, "w") as f:
            json.dump(log, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
