#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The GPU benchmark peer: the cases of Loupe's GPU benchmark set in PyTorch on the same machine, as JSON.

Run it beside `loupe bench vit-forward|gpt2-decode|vit-attribution|sam-encoder` in the same session
(figures from another day or another card are no bar); tools/bench/gpu_session.sh does both. Every model
is transformers' implementation built from its config with random weights (nothing is downloaded) and the
shapes Loupe's random models have:

  vit          vit-b16-224-forward: ViT-B/16 at 224, --batches (1,64) x --dtypes (f32,f16): ms, images/s
  gpt2         gpt2-small-decode: GPT-2 small greedy decode at batch 1 with a KV cache: the new_tokens - 1
               steps after the prompt's forward, ms and tokens/s
  sam          sam-vit-b-encoder-1024: SAM ViT-B image encoder at 1024, batch 1: ms, images/s
  attribution  vit-b16-attribution-forward-backward: ViT-B/16 f32 forward with attentions kept plus the
               backward of class 1's logit to every attention probability and to the tokens leaving
               block 10 (Grad-CAM's), as `loupe bench vit-attribution` computes them

Each result carries the keys Loupe's cases print: case, machine, device, backend, precision,
requested_backend, requested_dtype, batch, warmup, runs, ms_median, ms_p90, ms_min, throughput,
throughput_unit (and peer: pytorch-eager or pytorch-compile).

  tools/bench/peer_torch_gpu.py [--device cuda] [--only vit,gpt2,sam,attribution] [--runs 20]
        [--warmup 5] [--tokens 128] [--batches 1,64] [--dtypes f32,f16] [--sdpa] [--compile] [--small]
        [--output FILE]

Eager attention (the default) materialises the probabilities as Loupe's graph does; --sdpa times the
fused kernel instead. --compile wraps each model in torch.compile (the warm-up then includes compiling).
--small shrinks every model to a few layers and SAM to 256 px so the script can be checked on a CPU
(`--device cpu --small`); its figures mean nothing. Needs the Python packages torch and transformers.
"""
import argparse
import json
import os
import platform
import socket
import statistics
import sys
import time


def fail(message):
    sys.exit(f"peer_torch_gpu: {message}")


def need(module, package):
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        fail(f"Python package '{package}' is missing: pip install {package}")


torch = need("torch", "torch")
transformers = need("transformers", "transformers")

DTYPES = {"f32": torch.float32, "f16": torch.float16}


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    return {"hostname": socket.gethostname(), "cpu": cpu or platform.processor(),
            "logical_cores": os.cpu_count(), "os": f"{platform.system()} {platform.release()}",
            "load_average_1min": os.getloadavg()[0]}


def device_name(device):
    return torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"


def case_json(args, device, name, dtype, batch, ms, items, unit):
    """The keys `loupe bench` prints for the same case (app/cli/bench_case_timing.h)."""
    ordered = sorted(ms)
    median = statistics.median(ms)
    return {"case": name, "peer": "pytorch-compile" if args.compile else "pytorch-eager",
            "machine": machine(), "device": device_name(device), "backend": device.type,
            "precision": dtype, "requested_backend": device.type, "requested_dtype": dtype,
            "batch": batch, "warmup": args.warmup, "runs": len(ms), "ms_median": median,
            "ms_p90": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], "ms_min": ordered[0],
            "throughput": items * 1e3 / median if median > 0 else 0.0, "throughput_unit": unit}


def timed(fn, device, runs, warmup):
    """Wall milliseconds of each of `runs` calls of `fn()` after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    sync(device)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def prepare(args, model):
    return torch.compile(model) if args.compile else model


def attention(config, sdpa):
    config._attn_implementation = "sdpa" if sdpa else "eager"
    return config


def vit_config(small):
    c = transformers.ViTConfig(num_labels=1000)  # the defaults are ViT-B/16 at 224
    if small:
        c.num_hidden_layers = 2
    return c


def bench_vit(args, device):
    out = []
    config = attention(vit_config(args.small), args.sdpa)
    for dtype in args.dtypes:
        model = prepare(args, transformers.ViTForImageClassification(config).eval().to(device, DTYPES[dtype]))
        for batch in args.batches:
            px = torch.randn(batch, 3, 224, 224, device=device, dtype=DTYPES[dtype])
            with torch.inference_mode():
                ms = timed(lambda: model(pixel_values=px).logits, device, args.runs, args.warmup)
            out.append(case_json(args, device, "vit-b16-224-forward", dtype, batch, ms, batch, "images/s"))
        del model
    return out


def bench_gpt2(args, device):
    out = []
    config = transformers.GPT2Config()  # GPT-2 small
    if args.small:
        config.n_layer = 2
    attention(config, args.sdpa)
    for dtype in args.dtypes:
        model = prepare(args, transformers.GPT2LMHeadModel(config).eval().to(device, DTYPES[dtype]))
        prompt = torch.randint(0, config.vocab_size, (1, 8), device=device)
        decode_ms = []

        def decode():
            # The prompt's forward gives the first token; the timed part is the steps after it, one token
            # each through the KV cache, as `loupe bench gpt2-decode` times them.
            with torch.inference_mode():
                o = model(input_ids=prompt, use_cache=True)
                past, token = o.past_key_values, o.logits[:, -1].argmax(-1, keepdim=True)
                sync(device)
                t0 = time.perf_counter()
                for _ in range(args.tokens - 1):
                    o = model(input_ids=token, past_key_values=past, use_cache=True)
                    past, token = o.past_key_values, o.logits[:, -1].argmax(-1, keepdim=True)
                sync(device)
                decode_ms.append((time.perf_counter() - t0) * 1e3)

        runs = max(3, args.runs // 4)
        timed(decode, device, runs, min(args.warmup, 2))
        r = case_json(args, device, "gpt2-small-decode", dtype, 1, decode_ms[-runs:], args.tokens - 1, "tokens/s")
        r.update(new_tokens=args.tokens, prompt_tokens=8)
        out.append(r)
        del model
    return out


def bench_sam(args, device):
    out = []
    config = transformers.SamVisionConfig()  # the defaults are SAM ViT-B's image encoder
    if args.small:
        config.num_hidden_layers = 3
        config.global_attn_indexes = [2]
        config.image_size = 256
    attention(config, args.sdpa)
    for dtype in args.dtypes:
        model = prepare(args, transformers.SamVisionModel(config).eval().to(device, DTYPES[dtype]))
        px = torch.randn(1, 3, config.image_size, config.image_size, device=device, dtype=DTYPES[dtype])
        with torch.inference_mode():
            ms = timed(lambda: model(pixel_values=px).last_hidden_state, device, max(3, args.runs // 2),
                       min(args.warmup, 3))
        out.append(case_json(args, device, f"sam-vit-b-encoder-{config.image_size}", dtype, 1, ms, 1,
                             "images/s"))
        del model
    return out


def bench_attribution(args, device):
    config = vit_config(args.small)
    config._attn_implementation = "eager"  # the probabilities and their gradients are what is read
    model = transformers.ViTForImageClassification(config).eval().to(device)
    # Grad-CAM's tokens: those entering the last block (hidden_states[-2]; Loupe's "blk.{L-2}.out").
    px = torch.randn(1, 3, 224, 224, device=device)

    def forward_backward():
        model.zero_grad(set_to_none=True)
        o = model(pixel_values=px, output_attentions=True, output_hidden_states=True)
        kept = list(o.attentions) + [o.hidden_states[-2]]
        for a in kept:
            a.retain_grad()
        o.logits[:, 1].sum().backward()
        return [a.grad for a in kept]

    ms = timed(forward_backward, device, args.runs, args.warmup)
    r = case_json(args, device, "vit-b16-attribution-forward-backward", "f32", 1, ms, 1, "images/s")
    r["peer"] = "pytorch-eager"  # autograd through torch.compile is not what attribution tools run
    return [r]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--only", default="vit,gpt2,sam,attribution")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--tokens", type=int, default=128, help="tokens decoded per gpt2 run")
    p.add_argument("--batches", default="1,64", help="ViT batch sizes")
    p.add_argument("--dtypes", default="f32,f16")
    p.add_argument("--sdpa", action="store_true", help="fused attention instead of eager")
    p.add_argument("--compile", action="store_true", help="torch.compile the inference models")
    p.add_argument("--small", action="store_true", help="tiny models, to check the script on a CPU")
    p.add_argument("--output", help="write the JSON there instead of stdout")
    args = p.parse_args()
    try:
        args.batches = [int(b) for b in args.batches.split(",")]
    except ValueError:
        fail(f"--batches takes integers separated by commas, got '{args.batches}'")
    args.dtypes = args.dtypes.split(",")
    for d in args.dtypes:
        if d not in DTYPES:
            fail(f"--dtypes takes f32 and f16, got '{d}'")
    if args.runs < 1 or args.warmup < 0 or args.tokens < 2:
        fail("--runs must be at least 1, --warmup at least 0, --tokens at least 2")
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        fail("torch sees no CUDA device (run with --device cpu --small to check the script)")
    if device.type == "cuda":
        # Plain f32 as Loupe's f32 path (no TF32), so the f32 rows compare like with like.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    torch.manual_seed(0)
    benches = {"vit": bench_vit, "gpt2": bench_gpt2, "sam": bench_sam, "attribution": bench_attribution}
    results = []
    for name in args.only.split(","):
        if name not in benches:
            fail(f"unknown benchmark '{name}' (vit, gpt2, sam, attribution)")
        results += benches[name](args, device)
    text = json.dumps({
        "peer": "pytorch-compile" if args.compile else "pytorch-eager",
        "attention": "sdpa" if args.sdpa else "eager",
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "device": device_name(device),
        "small": args.small,
        "results": results,
    }, indent=2)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
