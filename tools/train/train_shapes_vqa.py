#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train Loupe's shapes-world VQA model: a tiny BlipForQuestionAnswering (ViT vision model, BERT question
encoder cross-attending the image, BERT answer decoder cross-attending the question) with a WordPiece
vocabulary of the world's words, on count / colour / shape / position questions written by
tools/train/shapes_language.py for images of both renderers (Loupe's generator and the PIL renderer).

Needs torch, transformers, numpy, PIL. The checkpoint is written with save_pretrained, re-loaded, and
(with --loupe) `loupe ask --json` must give the same token ids as transformers' generate.

    nice -n 10 python3 tools/train/train_shapes_vqa.py --loupe build/bin/loupe \
        --out resources/models/shapes-vqa --random-out resources/models/shapes-vqa-random \
        --log tools/train/shapes-vqa-train-log.json
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
import torch.nn.functional as F
from PIL import Image

import hf_export
import shapes_language
import shapes_text_data

RESAMPLE = 2  # bilinear: the same pixels as the captioner's, so both trainers can share one data cache
MAX_TOKENS = 20  # transformers' default generate length (20) must fit the positions


def make_model(args, ids):
    from transformers import BlipConfig, BlipForQuestionAnswering, BlipTextConfig, BlipVisionConfig
    vision = BlipVisionConfig(hidden_size=args.hidden, intermediate_size=args.hidden * 4,
                              num_hidden_layers=args.vision_layers, num_attention_heads=args.heads,
                              image_size=args.size, patch_size=args.patch, projection_dim=args.hidden,
                              attention_dropout=0.0)
    text = BlipTextConfig(vocab_size=len(ids), hidden_size=args.hidden, encoder_hidden_size=args.hidden,
                          intermediate_size=args.hidden * 2, num_hidden_layers=args.text_layers,
                          num_attention_heads=args.heads, max_position_embeddings=MAX_TOKENS,
                          hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, projection_dim=args.hidden,
                          bos_token_id=ids["[DEC]"], eos_token_id=ids["[SEP]"], sep_token_id=ids["[SEP]"],
                          pad_token_id=ids["[PAD]"], label_smoothing=0.0)
    cfg = BlipConfig(text_config=text.to_dict(), vision_config=vision.to_dict(), projection_dim=args.hidden,
                     image_text_hidden_size=args.hidden, label_smoothing=0.0)
    cfg.architectures = ["BlipForQuestionAnswering"]
    model = BlipForQuestionAnswering(cfg)
    g = model.generation_config
    g.bos_token_id, g.eos_token_id, g.pad_token_id = ids["[DEC]"], ids["[SEP]"], ids["[PAD]"]
    return model


def init_vision_from_vit(model, folder):
    """Start the vision model from a trained ViT encoder of the same shape (the shapes captioner's): its
    patches already carry colour, shape and place, so training can spend its time on the questions."""
    from safetensors.torch import load_file
    w = load_file(os.path.join(folder, "model.safetensors"))
    pre = "encoder." if any(k.startswith("encoder.") for k in w) else ""
    v = model.vision_model
    copied = {}

    def put(dst, src):
        if dst.shape != src.shape:
            raise RuntimeError("%s: %s has shape %s, the VQA model's %s" % (folder, src, tuple(src.shape),
                                                                                   tuple(dst.shape)))
        with torch.no_grad():
            dst.copy_(src)
        copied[id(dst)] = True

    e = pre + "embeddings."
    put(v.embeddings.class_embedding, w[e + "cls_token"])
    put(v.embeddings.position_embedding, w[e + "position_embeddings"])
    put(v.embeddings.patch_embedding.weight, w[e + "patch_embeddings.projection.weight"])
    put(v.embeddings.patch_embedding.bias, w[e + "patch_embeddings.projection.bias"])
    for i, layer in enumerate(v.encoder.layers):
        p = "%sencoder.layer.%d." % (pre, i)
        a = p + "attention.attention."
        for t in ("weight", "bias"):
            put(getattr(layer.self_attn.qkv, t), torch.cat([w[a + n + "." + t] for n in ("query", "key", "value")]))
            put(getattr(layer.self_attn.projection, t), w[p + "attention.output.dense." + t])
            put(getattr(layer.layer_norm1, t), w[p + "layernorm_before." + t])
            put(getattr(layer.layer_norm2, t), w[p + "layernorm_after." + t])
            put(getattr(layer.mlp.fc1, t), w[p + "intermediate.dense." + t])
            put(getattr(layer.mlp.fc2, t), w[p + "output.dense." + t])
    put(v.post_layernorm.weight, w[pre + "layernorm.weight"])
    put(v.post_layernorm.bias, w[pre + "layernorm.bias"])
    return len(copied)


def to_input(u8):
    return torch.from_numpy(u8).permute(0, 3, 1, 2).float().div(255.0).sub(0.5).div(0.5)


def sample_questions(qas, rng):
    """One question per image: a type drawn uniformly among those the image has, then a question of it;
    count questions of absent classes ("0") are drawn less often so the answer is not mostly zero."""
    out = []
    for qa in qas:
        types = sorted({t for _, _, t in qa})
        t = types[rng.integers(len(types))]
        pool = [(q, a) for q, a, tt in qa if tt == t]
        if t == "count" and rng.random() < 0.7:
            pool = [(q, a) for q, a in pool if a != "0"] or pool
        out.append(pool[rng.integers(len(pool))])
    return out


def encode(tok, questions, answers, ids):
    enc = tok(questions, padding=True, return_tensors="pt")
    dec = torch.tensor([[ids["[DEC]"], ids[a], ids["[SEP]"]] for a in answers])
    return enc.input_ids, enc.attention_mask, dec


def loss_of(model, x, q_ids, q_mask, dec):
    image = model.vision_model(pixel_values=x).last_hidden_state
    question = model.text_encoder(input_ids=q_ids, attention_mask=q_mask, encoder_hidden_states=image)[0]
    logits = model.text_decoder(input_ids=dec, encoder_hidden_states=question,
                                encoder_attention_mask=q_mask).logits
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), dec[:, 1:].reshape(-1))


def answer_accuracy(model, tok, ids, x, qas, seed, batch=200):
    """Greedy answers to one sampled question per image; accuracy per question type."""
    rng = np.random.default_rng(seed)
    asked = sample_questions(qas, rng)
    types = [next(t for q2, a2, t in qa if q2 == q) for (q, _), qa in zip(asked, qas)]
    model.eval()
    right = []
    with torch.no_grad():
        for i in range(0, len(asked), batch):
            qs = [q for q, _ in asked[i:i + batch]]
            enc = tok(qs, padding=True, return_tensors="pt")
            image = model.vision_model(pixel_values=to_input(x[i:i + batch])).last_hidden_state
            question = model.text_encoder(input_ids=enc.input_ids, attention_mask=enc.attention_mask,
                                          encoder_hidden_states=image)[0]
            dec = torch.full((len(qs), 1), ids["[DEC]"])
            logits = model.text_decoder(input_ids=dec, encoder_hidden_states=question,
                                        encoder_attention_mask=enc.attention_mask).logits
            pred = logits[:, -1].argmax(-1).tolist()
            right += [p == ids[a] for p, (_, a) in zip(pred, asked[i:i + batch])]
    model.train()
    return {t: float(np.mean([r for r, tt in zip(right, types) if tt == t]))
            for t in shapes_language.QUESTION_TYPES if t in types}


def save(folder, model, tok_folder):
    os.makedirs(folder, exist_ok=True)
    model.save_pretrained(folder, safe_serialization=True)
    for f in ("vocab.txt", "added_tokens.json", "special_tokens_map.json", "tokenizer_config.json",
              "preprocessor_config.json"):
        with open(os.path.join(tok_folder, f), "rb") as a, open(os.path.join(folder, f), "wb") as b:
            b.write(a.read())


def check_engine(loupe, folder, images, questions):
    """transformers' generate and `loupe ask --json` must give the same ids."""
    from transformers import BertTokenizer, BlipForQuestionAnswering, BlipImageProcessor
    ref = BlipForQuestionAnswering.from_pretrained(folder).eval()
    proc = BlipImageProcessor.from_pretrained(folder)
    tok = BertTokenizer.from_pretrained(folder)
    same = 0
    with tempfile.TemporaryDirectory() as tmp:
        paths = shapes_text_data.save_images(tmp, images, "check")
        for p, q in zip(paths, questions):
            out = subprocess.run([loupe, "ask", "--model", folder, "--json", "--threads", "2", p, q],
                                 check=True, capture_output=True, text=True).stdout
            engine = json.loads(out)["token_ids"]
            with torch.no_grad():
                lib = ref.generate(input_ids=tok(q, return_tensors="pt").input_ids,
                                   pixel_values=proc(images=Image.open(p), return_tensors="pt").pixel_values,
                                   do_sample=False, num_beams=1)[0].tolist()
            if engine == lib:
                same += 1
            else:
                print("  %s %r: engine %s, library %s" % (p, q, engine, lib))
    print("engine vs transformers: %d of %d questions give the same ids" % (same, len(paths)), flush=True)
    if same != len(paths):
        raise RuntimeError("%s: the engine and transformers disagree; the export is wrong" % folder)
    return same


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", required=True, help="the loupe binary (data and the parity check)")
    ap.add_argument("--out", default="resources/models/shapes-vqa")
    ap.add_argument("--random-out", default="resources/models/shapes-vqa-random")
    ap.add_argument("--log", default=None)
    ap.add_argument("--loupe-count", type=int, default=6000)
    ap.add_argument("--varied-count", type=int, default=1500)
    ap.add_argument("--pil-count", type=int, default=6000)
    ap.add_argument("--train-seed", type=int, default=5101)
    ap.add_argument("--test-count", type=int, default=300, help="per renderer, for the progress log")
    ap.add_argument("--test-seed", type=int, default=5202)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--patch", type=int, default=8)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--vision-layers", type=int, default=3)
    ap.add_argument("--text-layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--cpu-minutes", type=float, default=16.0,
                    help="training budget in CPU time of this process (16: 8 minutes on 2 free cores; wall time\n"
                    "is longer on a busy machine); the cosine schedule spans it")
    ap.add_argument("--steps", type=int, default=0, help="fixed step count instead of the time budget")
    ap.add_argument("--init-vision", default=None,
                    help="start the vision model from this VisionEncoderDecoderModel's (or ViT's) encoder\n"
                    "(same image size, patch, width and depth), e.g. resources/models/shapes-captioner")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache", default=None, help="npz of the generated training data (written if absent;\n"
                    "the captioner's trainer writes the same file)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    t0 = time.time()

    tok_dir = tempfile.mkdtemp(prefix="vqatok")
    words = shapes_language.QUESTION_WORDS + shapes_language.ANSWER_WORDS
    ids = hf_export.write_bert_tokenizer(tok_dir, words, MAX_TOKENS)
    hf_export.write_preprocessor(tok_dir, "BlipImageProcessor", args.size, RESAMPLE, [0.5] * 3, [0.5] * 3)
    from transformers import BertTokenizer
    tok = BertTokenizer.from_pretrained(tok_dir)
    hf_export.check_word_tokens(tok, words, strip_ids={ids["[CLS]"], ids["[SEP]"]})

    parts = [("loupe", args.loupe_count, args.train_seed), ("loupe-varied", args.varied_count, args.train_seed + 1),
             ("pil", args.pil_count, args.train_seed + 2)]
    tests = [("loupe", args.test_count, args.test_seed), ("pil", args.test_count, args.test_seed + 2)]
    xtr, _, qtr, _ = shapes_text_data.cached_set(args.cache, [p for p in parts if p[1]], args.size, RESAMPLE,
                                                 args.loupe)
    xte, _, qte, ste = shapes_text_data.cached_set(args.cache and args.cache + ".test.npz", tests, args.size,
                                                   RESAMPLE, args.loupe)
    print("data: %d train, %d test images in %.0f s" % (len(qtr), len(qte), time.time() - t0), flush=True)

    model = make_model(args, ids)
    if args.init_vision:
        print("vision model: %d tensors from %s" % (init_vision_from_vit(model, args.init_vision),
                                                    args.init_vision), flush=True)
    params = sum(p.numel() for p in model.parameters())
    print("model: %d parameters (%.2f MB f32)" % (params, params * 4 / 1e6), flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embedding" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embedding" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": rest, "weight_decay": 0.0}],
                            lr=args.lr)
    budget = args.cpu_minutes * 60
    gen = torch.Generator().manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    log = {"config": vars(args), "torch": torch.__version__, "train_images": len(qtr), "parameters": params,
           "progress": []}
    t_train, cpu0, step, order, pos, loss_avg = time.time(), time.process_time(), 0, None, 0, None
    while True:
        frac = step / args.steps if args.steps else (time.process_time() - cpu0) / budget
        if frac >= 1.0:
            break
        lr = args.lr * min(1.0, (step + 1) / args.warmup) * 0.5 * (1 + math.cos(math.pi * frac))
        for g in opt.param_groups:
            g["lr"] = lr
        if order is None or pos + args.batch > len(qtr):
            order, pos = torch.randperm(len(qtr), generator=gen).numpy(), 0
        idx = order[pos:pos + args.batch]
        pos += args.batch
        asked = sample_questions([qtr[i] for i in idx], rng)
        q_ids, q_mask, dec = encode(tok, [q for q, _ in asked], [a for _, a in asked], ids)
        loss = loss_of(model, to_input(xtr[idx]), q_ids, q_mask, dec)
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
        result[src] = answer_accuracy(model, tok, ids, xte[m], [q for q, k in zip(qte, m) if k], args.test_seed)
    print("steps %d, loss %.4f, test accuracy per type: %s (%.0f s training)" % (
        step, loss_avg, json.dumps(result), train_seconds), flush=True)
    log.update(steps=step, final_loss=loss_avg, train_seconds=train_seconds, train_cpu_seconds=train_cpu_seconds, test_accuracy=result,
               test_images_per_renderer=args.test_count)

    save(args.out, model, tok_dir)
    torch.manual_seed(args.seed + 1)
    save(args.random_out, make_model(args, ids), tok_dir)
    for folder in (args.out, args.random_out):
        size = hf_export.folder_bytes(folder)
        print("%s: %.2f MB" % (folder, size / 1e6))
        if size > 3e6:
            raise RuntimeError("%s is over 3 MB" % folder)
    check = [s for src in ("loupe", "pil") for s in shapes_text_data.scenes(src, 4, 777, args.loupe)]
    qs = []
    for k, s in enumerate(check):  # one question type after another
        qa = shapes_language.questions(s)
        want = shapes_language.QUESTION_TYPES[k % 4]
        qs.append(next((q for q, _, t in qa if t == want), qa[0][0]))
    log["engine_parity_questions"] = check_engine(args.loupe, args.out, [s.image for s in check], qs)
    check_engine(args.loupe, args.random_out, [s.image for s in check[:3]], qs[:3])
    log["seconds"] = time.time() - t0
    if args.log:
        with open(args.log, "w") as f:
            json.dump(log, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
