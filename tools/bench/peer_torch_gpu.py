#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The GPU benchmark peer: the workloads of `loupe bench` in PyTorch eager on the same GPU, as one JSON object.

Run it beside Loupe's own benchmarks on a lent GPU machine, in the same session (figures from another
day or another card are no bar). Every model is transformers' implementation built from its config with
random weights (nothing is downloaded) and run in eager mode with eager attention, the attention that
materialises probabilities as Loupe's graph does:

  vit          ViT-B/16 at 224, batch 1 and 64, f32 and f16: ms per batch and images/s
  gpt2         GPT-2 small greedy decode at batch 1 with a KV cache, f32 and f16: tokens/s
  sam          SAM ViT-B image encoder at 1024, batch 1, f32 and f16: ms
  attribution  ViT-B/16 batch 1 f32 forward with attentions kept plus backward from the top logit
               (what gradient-weighted attention rollout needs): ms

  tools/bench/peer_torch_gpu.py [--device cuda] [--only vit,gpt2,sam,attribution] [--runs 20]
        [--warmup 5] [--tokens 128] [--sdpa] [--small]

--small shrinks every model to a few layers so the script can be checked on a CPU (`--device cpu`);
its figures mean nothing. Needs Python packages torch and transformers. See
compute/backend/cuda/README.md for the commands that run it beside `loupe bench`.
"""
import argparse
import json
import platform
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


def timed(fn, device, runs, warmup):
    """Median and minimum wall milliseconds of `fn()` over `runs`, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    sync(device)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append((time.perf_counter() - t0) * 1e3)
    return {"ms_median": round(statistics.median(times), 4), "ms_min": round(min(times), 4), "runs": runs}


def attention(config, sdpa):
    # Eager attention materialises the probabilities (as Loupe's graph does); --sdpa times the fused one.
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
    for dtype_name in args.dtypes:
        model = transformers.ViTForImageClassification(config).eval().to(device, DTYPES[dtype_name])
        for batch in args.batches:
            px = torch.randn(batch, 3, 224, 224, device=device, dtype=DTYPES[dtype_name])
            with torch.inference_mode():
                r = timed(lambda: model(pixel_values=px).logits, device, args.runs, args.warmup)
            r.update(benchmark="vit-b16-224", batch=batch, dtype=dtype_name,
                     images_per_s=round(batch * 1e3 / r["ms_median"], 1))
            out.append(r)
        del model
    return out


def bench_gpt2(args, device):
    out = []
    config = transformers.GPT2Config()  # GPT-2 small
    if args.small:
        config.n_layer = 2
    attention(config, args.sdpa)
    for dtype_name in args.dtypes:
        model = transformers.GPT2LMHeadModel(config).eval().to(device, DTYPES[dtype_name])
        prompt = torch.randint(0, config.vocab_size, (1, 8), device=device)

        def decode():
            # Greedy decode with the KV cache, one token per step, as `loupe bench generate` does.
            with torch.inference_mode():
                o = model(input_ids=prompt, use_cache=True)
                past, token = o.past_key_values, o.logits[:, -1].argmax(-1, keepdim=True)
                for _ in range(args.tokens - 1):
                    o = model(input_ids=token, past_key_values=past, use_cache=True)
                    past, token = o.past_key_values, o.logits[:, -1].argmax(-1, keepdim=True)
            return token

        r = timed(decode, device, max(3, args.runs // 4), min(args.warmup, 2))
        r.update(benchmark="gpt2-small-decode", batch=1, dtype=dtype_name, tokens=args.tokens,
                 tokens_per_s=round(args.tokens * 1e3 / r["ms_median"], 1))
        out.append(r)
        del model
    return out


def bench_sam(args, device):
    out = []
    config = transformers.SamVisionConfig()  # the defaults are SAM ViT-B's image encoder
    if args.small:
        config.num_hidden_layers = 2
        config.global_attn_indexes = [1]
    attention(config, args.sdpa)
    for dtype_name in args.dtypes:
        model = transformers.SamVisionModel(config).eval().to(device, DTYPES[dtype_name])
        px = torch.randn(1, 3, config.image_size, config.image_size, device=device, dtype=DTYPES[dtype_name])
        with torch.inference_mode():
            r = timed(lambda: model(pixel_values=px).last_hidden_state, device, max(3, args.runs // 2),
                      min(args.warmup, 3))
        r.update(benchmark="sam-vit-b-encoder-1024", batch=1, dtype=dtype_name)
        out.append(r)
        del model
    return out


def bench_attribution(args, device):
    config = vit_config(args.small)
    config._attn_implementation = "eager"  # the probabilities and their gradients are what is read
    model = transformers.ViTForImageClassification(config).eval().to(device)
    px = torch.randn(1, 3, 224, 224, device=device)

    def forward_backward():
        model.zero_grad(set_to_none=True)
        o = model(pixel_values=px, output_attentions=True)
        for a in o.attentions:
            a.retain_grad()
        o.logits[0, o.logits[0].argmax()].backward()
        return [a.grad for a in o.attentions]

    r = timed(forward_backward, device, args.runs, args.warmup)
    r.update(benchmark="vit-b16-attribution-forward-backward", batch=1, dtype="f32")
    return [r]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--only", default="vit,gpt2,sam,attribution")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--tokens", type=int, default=128, help="decode steps for gpt2")
    p.add_argument("--batches", default="1,64", help="ViT batch sizes")
    p.add_argument("--dtypes", default="f32,f16")
    p.add_argument("--sdpa", action="store_true", help="fused attention instead of eager")
    p.add_argument("--small", action="store_true", help="tiny models, to check the script on a CPU")
    args = p.parse_args()
    args.batches = [int(b) for b in args.batches.split(",")]
    args.dtypes = args.dtypes.split(",")
    for d in args.dtypes:
        if d not in DTYPES:
            fail(f"--dtypes takes f32 and f16, got '{d}'")
    if args.runs < 1:
        fail("--runs must be at least 1")
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
    print(json.dumps({
        "peer": "pytorch-eager",
        "attention": "sdpa" if args.sdpa else "eager",
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu",
        "small": args.small,
        "results": results,
    }, indent=2))


if __name__ == "__main__":
    main()
