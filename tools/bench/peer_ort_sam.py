#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""SAM ViT-B image encoder, f32: ONNX Runtime beside Loupe, in one run on one machine, as one JSON object.

A figure measured on another day or under another load is no bar, so both are timed back to back with the
same thread count, alternating for `--rounds`. The peer's model is transformers' SamVisionModel with the
facebook/sam-vit-base vision config (built by hand, nothing is downloaded) and random weights, exported
with torch to ONNX (opset 17, the TorchScript exporter) and run by onnxruntime's CPU provider with
`--threads` intra-op threads (sequential execution, all graph optimisations). Loupe's side is
`loupe_bench_sam` (random weights of the same shapes). Every timing comes with the process CPU seconds
(getrusage) and the load average: on a shared machine CPU time still means something when wall time
does not.

  tools/bench/peer_ort_sam.py [--loupe-build build] [--threads 2] [--runs 2] [--rounds 1]
        [--work DIR] [--skip-loupe]

Needs Python packages torch, transformers and onnxruntime (`pip install onnxruntime`). See bench/README.md.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def fail(message):
    sys.exit(f"peer_ort_sam: {message}")


def load_average():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def cpu_seconds():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def need(module, package):
    """Imports `module`, or exits naming the pip package that provides it."""
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        fail(f"Python package '{package}' is missing: pip install {package}")


def export(path):
    """Writes a random-weight SAM ViT-B vision encoder to `path` (ONNX, opset 17)."""
    torch = need("torch", "torch")
    need("onnx", "onnx")  # torch's exporter serialises through it
    transformers = need("transformers", "transformers")
    SamVisionConfig, SamVisionModel = transformers.SamVisionConfig, transformers.SamVisionModel

    # transformers' SamVisionConfig defaults are facebook/sam-vit-base's vision_config; spelled out so a
    # change of defaults cannot silently change the workload.
    config = SamVisionConfig(hidden_size=768, output_channels=256, num_hidden_layers=12, num_attention_heads=12,
                             num_channels=3, image_size=1024, patch_size=16, hidden_act="gelu",
                             layer_norm_eps=1e-6, qkv_bias=True, mlp_ratio=4.0, use_abs_pos=True,
                             use_rel_pos=True, window_size=14, global_attn_indexes=[2, 5, 8, 11],
                             num_pos_feats=128, mlp_dim=3072)
    torch.manual_seed(0)
    model = SamVisionModel(config).eval()

    class Encoder(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, pixel_values):
            return self.m(pixel_values=pixel_values).last_hidden_state

    pixels = torch.randn(1, 3, 1024, 1024)
    with torch.no_grad():
        torch.onnx.export(Encoder(model), (pixels,), str(path), opset_version=17, input_names=["pixel_values"],
                          output_names=["image_embeddings"], dynamo=False)


def time_ort(path, threads, runs):
    np = need("numpy", "numpy")
    ort = need("onnxruntime", "onnxruntime")

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    pixels = np.random.default_rng(3).standard_normal((1, 3, 1024, 1024), dtype=np.float32)
    out = session.run(None, {"pixel_values": pixels})[0]  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        c0, t0 = cpu_seconds(), time.perf_counter()
        session.run(None, {"pixel_values": pixels})
        wall.append(time.perf_counter() - t0)
        cpu.append(cpu_seconds() - c0)
    return {"encoder_s": {"median": statistics.median(wall), "min": min(wall), "runs": wall, "cpu_s": cpu},
            "output_shape": list(out.shape), "onnxruntime": ort.__version__, "load_average": load_average()}


def time_loupe(build, threads, runs):
    bench = build / "bin" / "loupe_bench_sam"
    if not bench.exists():
        fail(f"{bench} does not exist; build it with: cmake --build {build} --target loupe_bench_sam")
    r = subprocess.run([str(bench), "--threads", str(threads), "--encoder-runs", str(runs), "--clicks", "1"],
                       capture_output=True, text=True)
    if r.returncode:
        fail(f"{bench} failed: {r.stderr.strip()[-2000:]}")
    j = json.loads(r.stdout)
    return {"encoder_s": j["encoder_s"], "load_average": j["load_average"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe-build", type=Path, default=REPO / "build")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=2, help="timed encoder runs per round after one warm-up")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/loupe_peer_ort_sam"))
    ap.add_argument("--skip-loupe", action="store_true", help="time onnxruntime only")
    a = ap.parse_args()
    if a.threads < 1 or a.runs < 1 or a.rounds < 1:
        fail("--threads, --runs and --rounds must be at least 1")
    a.work.mkdir(parents=True, exist_ok=True)
    model = a.work / "sam_vit_b_vision.onnx"
    t0 = time.perf_counter()
    if not model.exists():
        partial = model.with_suffix(".partial")
        export(partial)
        partial.rename(model)  # an interrupted export is not taken for a model next time
    export_s = time.perf_counter() - t0
    rounds = []
    for _ in range(a.rounds):
        r = {"ort": time_ort(model, a.threads, a.runs)}
        if not a.skip_loupe:
            r["loupe"] = time_loupe(a.loupe_build, a.threads, a.runs)
            r["loupe_over_ort_wall"] = r["loupe"]["encoder_s"]["median"] / r["ort"]["encoder_s"]["median"]
            r["loupe_over_ort_cpu"] = statistics.median(r["loupe"]["encoder_s"]["cpu_s"]) / statistics.median(
                r["ort"]["encoder_s"]["cpu_s"])
        rounds.append(r)
    print(json.dumps({"model": "SAM ViT-B vision encoder (facebook/sam-vit-base config), random weights, f32",
                      "threads": a.threads, "onnx": str(model), "export_s": export_s, "rounds": rounds},
                     indent=2))


if __name__ == "__main__":
    main()
