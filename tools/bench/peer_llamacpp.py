#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""GPT-2 small f32 decoding: llama.cpp beside Loupe, in one run on one machine, as one JSON object.

Timings on a shared or virtual machine move by 1.5x from day to day, so a figure measured elsewhere is no
bar: this script builds llama.cpp (a benchmark peer, never a dependency of Loupe) from a source folder,
converts the very random GPT-2 small checkpoint Loupe benchmarks to GGUF f32 with that source's own
convert_hf_to_gguf.py, and times both with the same thread count, back to back, `--rounds` times.

  tools/bench/peer_llamacpp.py --llama-src /tmp/llama.cpp [--loupe-build build] [--threads 2]
        [--new-tokens 128] [--prompt-tokens 8] [--runs 3] [--rounds 1] [--work DIR] [--skip-build]

Needs cmake and a C++ compiler for llama.cpp, and Python packages numpy, torch, transformers (the
converter's own needs; the source's gguf-py is used, so `gguf` need not be installed). See bench/README.md.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def fail(message):
    sys.exit(f"peer_llamacpp: {message}")


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def run(cmd, log, nice=0, env=None):
    """Runs cmd, its output appended to `log`; exits naming the log when it fails."""
    if nice:
        cmd = ["nice", "-n", str(nice)] + cmd
    with open(log, "a") as out:
        out.write("$ " + " ".join(map(str, cmd)) + "\n")
        out.flush()
        if subprocess.run(list(map(str, cmd)), stdout=out, stderr=subprocess.STDOUT, env=env).returncode:
            fail(f"{' '.join(map(str, cmd[:3]))} ... failed; see {log}")


def build_llama(src, build, log, skip):
    bench = build / "bin" / "llama-bench"
    if skip:
        if not bench.exists():
            fail(f"--skip-build given but {bench} does not exist")
        return bench
    # CPU only, Release, tuned for this machine as llama.cpp's own default (GGML_NATIVE) is. The build
    # folder is reused, so a second run only re-links.
    run(["cmake", "-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=ON", "-DLLAMA_CURL=OFF",
         "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=OFF",
         "-DGGML_CUDA=OFF", "-DGGML_VULKAN=OFF", "-DGGML_METAL=OFF"], log, nice=10)
    run(["cmake", "--build", build, "--target", "llama-bench", "-j", str(os.cpu_count() or 2)], log, nice=10)
    if not bench.exists():
        fail(f"the build did not produce {bench}; see {log}")
    return bench


# The converter identifies a BPE tokenizer by hashing how it splits a test text and refuses unknown
# hashes. The checkpoint carries the small golden GPT-2 tokenizer (the speed test never tokenises text),
# whose hash is not GPT-2's published one, so the wrapper declares it "gpt-2" and runs the converter's
# main() unchanged otherwise.
CONVERT_WRAPPER = r"""
import sys, importlib
src = sys.argv.pop(1)
sys.path[:0] = [src, src + "/gguf-py"]
convert = importlib.import_module("convert_hf_to_gguf")
owners = [convert]
try:
    owners.append(importlib.import_module("conversion.base"))
except ImportError:
    pass
patched = 0
for module in owners:
    for value in list(vars(module).values()):
        if isinstance(value, type) and "get_vocab_base_pre" in vars(value):
            value.get_vocab_base_pre = lambda self, tokenizer: "gpt-2"
            patched += 1
if not patched:
    sys.exit("no get_vocab_base_pre in this convert_hf_to_gguf.py")
sys.argv[0] = "convert_hf_to_gguf.py"
convert.main()
"""


def convert(src, checkpoint, gguf, log):
    tokenizer = REPO / "tests" / "data" / "golden" / "tokenizers" / "gpt2"
    for name in ("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"):
        if (tokenizer / name).exists():
            shutil.copy(tokenizer / name, checkpoint / name)
    run([sys.executable, "-c", CONVERT_WRAPPER, src, checkpoint, "--outtype", "f32", "--outfile", gguf], log)
    if not gguf.exists():
        fail(f"the converter wrote no {gguf}; see {log}")


def llama_bench(bench, gguf, args, log):
    cmd = [bench, "-m", gguf, "-t", args.threads, "-p", args.prompt_tokens, "-n", args.new_tokens,
           "-r", args.runs, "-o", "json"]
    load = load_average()
    out = subprocess.run(list(map(str, cmd)), capture_output=True, text=True)
    with open(log, "a") as f:
        f.write("$ " + " ".join(map(str, cmd)) + "\n" + out.stderr)
    if out.returncode:
        fail(f"llama-bench failed; see {log}")
    results = json.loads(out.stdout)
    rows = {}
    for r in results:
        kind = "tg" if r.get("n_gen", 0) > 0 else "pp"
        rows[f"{kind}{r['n_gen'] or r['n_prompt']}"] = {
            "tokens_per_s_mean": r["avg_ts"],
            "tokens_per_s_stddev": r["stddev_ts"],
            "samples_ts": r.get("samples_ts"),
        }
    first = results[0]
    return {"command": " ".join(map(str, cmd)), "load_average_1min_before": load,
            "build_commit": first.get("build_commit"), "cpu_info": first.get("cpu_info"),
            "model_type": first.get("model_type"), "n_threads": first.get("n_threads"), "results": rows}


def loupe_bench(binary, checkpoint, args, save=False):
    cmd = [binary, "--threads", args.threads, "--new-tokens", args.new_tokens, "--prompt-tokens",
           args.prompt_tokens, "--runs", args.runs, "--save" if save else "--model", checkpoint]
    out = subprocess.run(list(map(str, cmd)), capture_output=True, text=True)
    if out.returncode:
        fail(f"{binary} failed: {out.stderr.strip()}")
    result = json.loads(out.stdout)
    result["command"] = " ".join(map(str, cmd))
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--llama-src", required=True, type=Path, help="llama.cpp source folder")
    p.add_argument("--build-dir", type=Path, help="llama.cpp build folder (default: LLAMA_SRC/build)")
    p.add_argument("--loupe-build", type=Path, default=REPO / "build", help="Loupe's build folder")
    p.add_argument("--work", type=Path, default=Path("/tmp/loupe-peer-llamacpp"),
                   help="where the checkpoint, the GGUF file and the log go")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--new-tokens", type=int, default=128)
    p.add_argument("--prompt-tokens", type=int, default=8)
    p.add_argument("--runs", type=int, default=3, help="timed runs per benchmark and round")
    p.add_argument("--rounds", type=int, default=1, help="Loupe then llama.cpp, this many times")
    p.add_argument("--skip-build", action="store_true", help="use an existing LLAMA_BUILD/bin/llama-bench")
    args = p.parse_args()
    src = args.llama_src.resolve()
    if not (src / "convert_hf_to_gguf.py").exists() or not (src / "CMakeLists.txt").exists():
        fail(f"{src} is not a llama.cpp source folder (no convert_hf_to_gguf.py or CMakeLists.txt)")
    loupe = args.loupe_build.resolve() / "bin" / "loupe_bench_generate"
    if not loupe.exists():
        fail(f"{loupe} does not exist: build the loupe_bench_generate target first")
    if args.threads < 1 or args.new_tokens < 2 or args.runs < 1 or args.rounds < 1:
        fail("--threads, --runs and --rounds must be at least 1, --new-tokens at least 2")
    args.work.mkdir(parents=True, exist_ok=True)
    log = args.work / "peer_llamacpp.log"
    log.write_text("")
    checkpoint, gguf = args.work / "gpt2-small-random", args.work / "gpt2-small-random-f32.gguf"

    t0 = time.time()
    bench = build_llama(src, (args.build_dir or src / "build").resolve(), log, args.skip_build)
    build_s = time.time() - t0
    # Loupe writes its random GPT-2 small weights as a transformers folder (and times them once: that run
    # is the first round's Loupe figure); the converter then reads the very same tensors.
    first = loupe_bench(loupe, checkpoint, args, save=True)
    if gguf.exists():
        gguf.unlink()
    convert(src, checkpoint, gguf, log)

    rounds = []
    for i in range(args.rounds):
        mine = first if i == 0 else loupe_bench(loupe, checkpoint, args)
        peer = llama_bench(bench, gguf, args, log)
        tg = peer["results"].get(f"tg{args.new_tokens}", {}).get("tokens_per_s_mean", 0)
        rounds.append({"loupe": mine, "llama_cpp": peer,
                       "loupe_over_llama_cpp_decode": mine["decode_tokens_per_s_median"] / tg if tg else None})
    ratios = sorted(r["loupe_over_llama_cpp_decode"] for r in rounds if r["loupe_over_llama_cpp_decode"])
    print(json.dumps({
        "benchmark": "gpt2_small_decode_vs_llama_cpp",
        "dtype": "f32",
        "threads": args.threads,
        "new_tokens": args.new_tokens,
        "prompt_tokens": args.prompt_tokens,
        "checkpoint": str(checkpoint),
        "gguf": str(gguf),
        "llama_cpp_source": str(src),
        "llama_cpp_build_s": round(build_s, 1),
        "load_average_1min_end": load_average(),
        "rounds": rounds,
        "loupe_over_llama_cpp_decode_median": ratios[len(ratios) // 2] if ratios else None,
        "log": str(log),
    }, indent=2))


if __name__ == "__main__":
    main()
