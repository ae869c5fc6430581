#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train Loupe's shapes-world captioner: a tiny VisionEncoderDecoderModel (ViT encoder, GPT-2 decoder with
cross-attention) with a word-level GPT-2 vocabulary, on captions written by tools/train/shapes_language.py
for images of both renderers (Loupe's generator and the PIL renderer of tools/train/shapes_render.py).

Needs torch, transformers, tokenizers, numpy, PIL. The checkpoint is written with save_pretrained, then
re-loaded and checked: every word one token, and (with --loupe) `loupe caption --json` gives the same
token ids as transformers' generate on a few images.

    nice -n 10 python3 tools/train/train_shapes_captioner.py --loupe build/bin/loupe \
        --out resources/models/shapes-captioner --random-out resources/models/shapes-captioner-random \
        --log tools/train/shapes-captioner-train-log.json
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

# Threads that wait sleep instead of spinning: the budget is CPU time, and the machine is shared.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402
from PIL import Image

import hf_export
import shapes_language
import shapes_text_data

RESAMPLE = 2  # bilinear, ViTImageProcessor's default
MAX_TOKENS = 32


def make_model(args, vocab):
    from transformers import GPT2Config, ViTConfig, VisionEncoderDecoderConfig, VisionEncoderDecoderModel
    eot = vocab[hf_export.SPECIAL_GPT2]
    enc = ViTConfig(hidden_size=args.hidden, num_hidden_layers=args.enc_layers, num_attention_heads=args.heads,
                    intermediate_size=args.hidden * 4, image_size=args.size, patch_size=args.patch,
                    hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, encoder_stride=args.patch)
    dec = GPT2Config(vocab_size=len(vocab), n_positions=MAX_TOKENS, n_embd=args.hidden, n_layer=args.dec_layers,
                     n_head=args.heads, n_inner=args.hidden * 2, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                     bos_token_id=eot, eos_token_id=eot, add_cross_attention=True, is_decoder=True)
    cfg = VisionEncoderDecoderConfig.from_encoder_decoder_configs(enc, dec)
    cfg.decoder_start_token_id = eot
    cfg.pad_token_id = eot
    cfg.eos_token_id = eot
    model = VisionEncoderDecoderModel(config=cfg)
    model.generation_config.decoder_start_token_id = eot
    model.generation_config.bos_token_id = eot
    model.generation_config.eos_token_id = eot
    model.generation_config.pad_token_id = eot
    model.generation_config.max_new_tokens = MAX_TOKENS - 2
    return model


def to_input(u8):
    return torch.from_numpy(u8).permute(0, 3, 1, 2).float().div(255.0).sub(0.5).div(0.5)


def encode_captions(tok, caps, eot):
    ids = [tok(c)["input_ids"] + [eot] for c in caps]
    n = max(len(i) for i in ids)
    if n > MAX_TOKENS - 1:
        raise RuntimeError("a caption has %d tokens, more than the model's %d positions" % (n, MAX_TOKENS))
    labels = torch.full((len(ids), n), -100, dtype=torch.long)
    for r, i in enumerate(ids):
        labels[r, :len(i)] = torch.tensor(i)
    return labels


def greedy(model, x, batch=200):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out += model.generate(pixel_values=to_input(x[i:i + batch]), do_sample=False, num_beams=1).tolist()
    model.train()
    return out


def exact_match(model, tok, x, caps):
    texts = tok.batch_decode(greedy(model, x), skip_special_tokens=True)
    return float(np.mean([t.strip() == c for t, c in zip(texts, caps)]))


def save(folder, model, tok_folder):
    os.makedirs(folder, exist_ok=True)
    model.save_pretrained(folder, safe_serialization=True)
    for f in ("vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json",
              "preprocessor_config.json"):
        with open(os.path.join(tok_folder, f), "rb") as a, open(os.path.join(folder, f), "wb") as b:
            b.write(a.read())


def check_engine(loupe, folder, images, model):
    """transformers' generate and `loupe caption --json` must give the same ids on these images."""
    from transformers import VisionEncoderDecoderModel, ViTImageProcessor
    ref = VisionEncoderDecoderModel.from_pretrained(folder).eval()
    proc = ViTImageProcessor.from_pretrained(folder)
    with tempfile.TemporaryDirectory() as tmp:
        paths = shapes_text_data.save_images(tmp, images, "check")
        out = subprocess.run([loupe, "caption", "--model", folder, "--json", "--threads", "2"] + paths,
                             check=True, capture_output=True, text=True).stdout
        engine = [json.loads(line)["token_ids"] for line in out.splitlines() if line.strip()]
        with torch.no_grad():
            lib = [ref.generate(pixel_values=proc(images=Image.open(p), return_tensors="pt").pixel_values,
                                do_sample=False, num_beams=1)[0].tolist() for p in paths]
    same = sum(a == b for a, b in zip(engine, lib))
    print("engine vs transformers: %d of %d images give the same ids" % (same, len(paths)), flush=True)
    if same != len(paths) or len(engine) != len(paths):
        for a, b in zip(engine, lib):
            if a != b:
                print("  engine %s\n  library %s" % (a, b))
        raise RuntimeError("%s: the engine and transformers disagree; the export is wrong" % folder)
    return same


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", required=True, help="the loupe binary (data and the parity check)")
    ap.add_argument("--out", default="resources/models/shapes-captioner")
    ap.add_argument("--random-out", default="resources/models/shapes-captioner-random")
    ap.add_argument("--log", default=None)
    ap.add_argument("--loupe-count", type=int, default=6000)
    ap.add_argument("--varied-count", type=int, default=1500)
    ap.add_argument("--pil-count", type=int, default=6000)
    ap.add_argument("--train-seed", type=int, default=5101)
    ap.add_argument("--test-count", type=int, default=300, help="per renderer, for the progress log")
    ap.add_argument("--test-seed", type=int, default=5202)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--patch", type=int, default=8)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--enc-layers", type=int, default=3)
    ap.add_argument("--dec-layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--cpu-minutes", type=float, default=16.0,
                    help="training budget in CPU time of this process (16: 8 minutes on 2 free cores; wall time\n"
                    "is longer on a busy machine); the cosine schedule spans it")
    ap.add_argument("--steps", type=int, default=0, help="fixed step count instead of the time budget")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache", default=None, help="npz of the generated training data (written if absent;\n"
                    "the VQA trainer reads the same file)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    t0 = time.time()

    tok_dir = tempfile.mkdtemp(prefix="captok")
    vocab = hf_export.write_gpt2_tokenizer(tok_dir, shapes_language.CAPTION_WORDS, MAX_TOKENS)
    hf_export.write_preprocessor(tok_dir, "ViTImageProcessor", args.size, RESAMPLE, [0.5] * 3, [0.5] * 3)
    from transformers import GPT2Tokenizer
    tok = GPT2Tokenizer.from_pretrained(tok_dir)
    eot = vocab[hf_export.SPECIAL_GPT2]
    hf_export.check_word_tokens(tok, shapes_language.CAPTION_WORDS)

    parts = [("loupe", args.loupe_count, args.train_seed), ("loupe-varied", args.varied_count, args.train_seed + 1),
             ("pil", args.pil_count, args.train_seed + 2)]
    tests = [("loupe", args.test_count, args.test_seed), ("pil", args.test_count, args.test_seed + 2)]
    xtr, ctr, _, _ = shapes_text_data.cached_set(args.cache, [p for p in parts if p[1]], args.size, RESAMPLE,
                                                 args.loupe)
    xte, cte, _, ste = shapes_text_data.cached_set(args.cache and args.cache + ".test.npz", tests, args.size,
                                                   RESAMPLE, args.loupe)
    ytr = encode_captions(tok, ctr, eot)
    print("data: %d train, %d test images in %.0f s" % (len(ctr), len(cte), time.time() - t0), flush=True)

    model = make_model(args, vocab)
    params = sum(p.numel() for p in model.parameters())
    print("model: %d parameters (%.2f MB f32)" % (params, params * 4 / 1e6), flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embed" not in n and "wpe" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embed" not in n and "wpe" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": rest, "weight_decay": 0.0}],
                            lr=args.lr)
    budget = args.cpu_minutes * 60
    gen = torch.Generator().manual_seed(args.seed)
    log = {"config": vars(args), "torch": torch.__version__, "train_images": len(ctr), "parameters": params,
           "progress": []}
    t_train, cpu0, step, order, pos, loss_avg = time.time(), time.process_time(), 0, None, 0, None
    while True:
        frac = step / args.steps if args.steps else (time.process_time() - cpu0) / budget
        if frac >= 1.0:
            break
        lr = args.lr * min(1.0, (step + 1) / args.warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        if order is None or pos + args.batch > len(ctr):
            order, pos = torch.randperm(len(ctr), generator=gen).numpy(), 0
        idx = order[pos:pos + args.batch]
        pos += args.batch
        labels = ytr[idx]
        labels = labels[:, :int((labels != -100).sum(1).max())]
        loss = model(pixel_values=to_input(xtr[idx]), labels=labels).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss_avg = loss.item() if loss_avg is None else 0.98 * loss_avg + 0.02 * loss.item()
        step += 1
        if step % 100 == 0:
            print("step %d loss %.4f lr %.2e (%.0f s, %.1f img/s)" % (
                step, loss_avg, lr, time.time() - t_train, step * args.batch / (time.time() - t_train)), flush=True)
        if step % 1000 == 0:
            log["progress"].append({"step": step, "loss": loss_avg, "seconds": time.time() - t_train})
    train_seconds, train_cpu_seconds = time.time() - t_train, time.process_time() - cpu0
    ste = np.array(ste)
    result = {}
    for src in ("loupe", "pil"):
        m = ste == src
        result[src] = exact_match(model, tok, xte[m], [c for c, k in zip(cte, m) if k])
    print("steps %d, loss %.4f, test caption exact match: loupe %.3f, pil %.3f (%.0f s training)" % (
        step, loss_avg, result["loupe"], result["pil"], train_seconds), flush=True)
    log.update(steps=step, final_loss=loss_avg, train_seconds=train_seconds, train_cpu_seconds=train_cpu_seconds, test_exact_match=result,
               test_images_per_renderer=args.test_count)

    save(args.out, model, tok_dir)
    torch.manual_seed(args.seed + 1)
    save(args.random_out, make_model(args, vocab), tok_dir)
    for folder in (args.out, args.random_out):
        size = hf_export.folder_bytes(folder)
        print("%s: %.2f MB" % (folder, size / 1e6))
        if size > 3e6:
            raise RuntimeError("%s is over 3 MB" % folder)
    check_imgs = [shapes_text_data.scenes(src, 4, 777, args.loupe) for src in ("loupe", "pil")]
    check_imgs = [s.image for group in check_imgs for s in group]
    log["engine_parity_images"] = check_engine(args.loupe, args.out, check_imgs, model)
    check_engine(args.loupe, args.random_out, check_imgs[:3], None)
    log["seconds"] = time.time() - t0
    if args.log:
        with open(args.log, "w") as f:
            json.dump(log, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
