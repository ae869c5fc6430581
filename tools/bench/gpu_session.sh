#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One run on a bare GPU machine: the CUDA tests, the GPU benchmark set on cuda at f32 and f16, the
# PyTorch peer on the same GPU, and one summary, inside a fixed time budget (default 8 minutes: every step
# has its own limit and none starts past the budget). The machine has no network and no Qt, oneDNN or
# Vulkan loader, so the binaries travel as a bundle made here (--make-bundle) or as a carried build dir.
#
#   tools/bench/gpu_session.sh --make-bundle            # here: .gpubundle/loupe-gpu.tar.xz (binaries + libs)
#   tools/bench/gpu_session.sh                          # there: OUT=... (default /tmp/loupe-gpu-session)
#   tools/bench/gpu_session.sh --dry-run --backend vulkan|cpu [--bundle FILE]   # here, tiny runs
#
# Options: --backend B (cuda; the dry run takes vulkan or cpu), --build DIR (build), --bundle FILE
# (.gpubundle/loupe-gpu.tar.xz, used when it exists), --budget SECONDS (480), --out DIR ($OUT).
# The dry run times one run of each case (batch 2 for "64", SAM at 256 px with 3 layers) and the PyTorch
# peer's --small models on the CPU: it checks the script and the JSON, its figures mean nothing.
# What comes back in $OUT (at most 4 files): summary.json (every step, every case's JSON, the PyTorch
# peer's, Loupe/PyTorch ratios, logits against the CPU, the issue's H100 targets), summary.md (the same as
# tables), session.log, raw.tar.gz (each step's stdout and stderr).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MODE=gpu
BACKEND=cuda
BUILD=$ROOT/build
BUNDLE=$ROOT/.gpubundle/loupe-gpu.tar.xz
BUDGET=480
DEST=${OUT:-/tmp/loupe-gpu-session}
MAKE_BUNDLE=0
TESTS="compute_cuda_backend compute_backend_ops compute_golden_backends compute_backend_grad_ops compute_sam_backends"

die() { echo "gpu_session: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    --dry-run) MODE=dry; BACKEND=vulkan ;;
    --backend) BACKEND=${2:?--backend needs a value}; shift ;;
    --build) BUILD=${2:?--build needs a folder}; shift ;;
    --bundle) BUNDLE=${2:?--bundle needs a file}; shift ;;
    --budget) BUDGET=${2:?--budget needs seconds}; shift ;;
    --out) DEST=${2:?--out needs a folder}; shift ;;
    --make-bundle) MAKE_BUNDLE=1 ;;
    -h|--help) sed -n '3,/^set -u/p' "$0" | grep '^#' | cut -c3-; exit 0 ;;
    *) die "unknown argument '$1' (--help)" ;;
    esac
    shift
done
case $BACKEND in cuda|vulkan|cpu) ;; *) die "--backend must be cuda, vulkan or cpu, got '$BACKEND'" ;; esac
case $BUDGET in ''|*[!0-9]*) die "--budget must be whole seconds, got '$BUDGET'" ;; esac

# --- the bundle: the benchmark binary, the test binaries and every library they need beyond glibc ---
binaries() {
    local b
    for b in "$1/bin/loupe_bench_gpu" $(for t in $TESTS; do echo "$1/tests/$t"; done); do
        [ -x "$b" ] && echo "$b"
    done
}
if [ $MAKE_BUNDLE = 1 ]; then
    [ -x "$BUILD/bin/loupe_bench_gpu" ] || die "$BUILD/bin/loupe_bench_gpu is not built (cmake --build $BUILD --target loupe_bench_gpu $TESTS)"
    grep -q '^LOUPE_WITH_CUDA:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null || die "$BUILD was configured without CUDA (LOUPE_WITH_CUDA=ON needs nvcc)"
    stage=$(mktemp -d)
    mkdir -p "$stage/loupe-gpu/bin" "$stage/loupe-gpu/lib"
    for b in $(binaries "$BUILD"); do
        cp "$b" "$stage/loupe-gpu/bin/" && strip --strip-unneeded "$stage/loupe-gpu/bin/$(basename "$b")"
        ldd "$b" | awk '$3 ~ /^\// {print $3}'
    done | sort -u | grep -Ev '/(libc|libm|libdl|librt|libpthread|libgcc_s|libstdc\+\+|ld-linux[^/]*)\.so' |
        while read -r lib; do cp -L "$lib" "$stage/loupe-gpu/lib/"; done
    # The tests read golden data by the absolute source path they were built with.
    echo "$ROOT" >"$stage/loupe-gpu/source_root"
    mkdir -p "$(dirname "$BUNDLE")"
    tar -C "$stage" -cJf "$BUNDLE" loupe-gpu && rm -rf "$stage"
    tree=$(git -C "$ROOT" ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
    size=$(stat -c %s "$BUNDLE")
    echo "gpu_session: wrote $BUNDLE ($((size / 1048576)) MiB; tracked tree $((tree / 1048576)) MiB; a device call carries at most 64 MiB)"
    case $BUNDLE in "$ROOT"/*) git -C "$ROOT" check-ignore -q "$BUNDLE" ||
        echo "gpu_session: $BUNDLE is not ignored: add /.gpubundle/ to .git/info/exclude and carry .gpubundle" ;; esac
    exit 0
fi

# --- where things are ---
mkdir -p "$DEST" || die "cannot create $DEST"
WORK=$(mktemp -d)
RAW=$WORK/raw
mkdir -p "$RAW"
LOG=$DEST/session.log
: >"$LOG"
STEPS=$WORK/steps.tsv
: >"$STEPS"
START=$(date +%s)
DEADLINE=$((START + BUDGET - 25)) # the summary's own seconds
log() { echo "[$(($(date +%s) - START))s] $*" | tee -a "$LOG"; }

if [ -f "$BUNDLE" ]; then
    tar -C "$WORK" -xJf "$BUNDLE" || die "cannot unpack $BUNDLE"
    BIN=$WORK/loupe-gpu/bin
    TESTBIN=$BIN
    export LD_LIBRARY_PATH=$WORK/loupe-gpu/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    src=$(cat "$WORK/loupe-gpu/source_root")
    if [ "$src" != "$ROOT" ] && [ ! -e "$src" ]; then
        mkdir -p "$(dirname "$src")" && ln -s "$ROOT" "$src" && log "linked $src -> $ROOT (golden data path)"
    fi
    log "binaries from the bundle $BUNDLE"
else
    BIN=$BUILD/bin
    TESTBIN=$BUILD/tests
    if [ ! -x "$BIN/loupe_bench_gpu" ] && [ -f "$BUILD/CMakeCache.txt" ] && command -v cmake >/dev/null; then
        log "no bundle and no loupe_bench_gpu: building it in $BUILD (at most 240 s)"
        timeout 240 cmake --build "$BUILD" --target loupe_bench_gpu $TESTS >"$RAW/build.log" 2>&1 ||
            log "the build failed or ran out of time (raw/build.log)"
    fi
    log "binaries from $BUILD"
fi

# The NVIDIA driver's Vulkan and EGL files sit outside the loader's search path on these machines; the
# bundled loader then finds the GPU too, and compute_golden_backends also checks Vulkan on it.
nv=/usr/local/nvidia/share
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f $nv/vulkan/icd.d/nvidia_icd.json ]; then
    export VK_DRIVER_FILES=$nv/vulkan/icd.d/nvidia_icd.json
    export __EGL_VENDOR_LIBRARY_FILENAMES=$nv/glvnd/egl_vendor.d/10_nvidia.json
fi

# Lavapipe runs ViT-B/16 at about a second per GFLOP: a dry run on it gets three times each step's limit.
SCALE=1
[ $MODE = dry ] && [ "$BACKEND" = vulkan ] && SCALE=3

# step NAME LIMIT COMMAND...: stdout to raw/NAME.out, stderr to raw/NAME.err; never past the deadline.
step() {
    local name=$1 limit=$(($2 * SCALE)) left t0 rc status
    shift 2
    left=$((DEADLINE - $(date +%s)))
    if [ "$left" -lt 5 ]; then
        printf '%s\t%s\t%s\t%s\n' "$name" skipped 0 "out of time" >>"$STEPS"
        log "$name: skipped (out of time)"
        return
    fi
    [ "$left" -lt "$limit" ] && limit=$left
    if [ ! -x "$1" ] && ! command -v "$1" >/dev/null; then
        printf '%s\t%s\t%s\t%s\n' "$name" missing 0 "$1 is not there" >>"$STEPS"
        log "$name: skipped ($1 is not there)"
        return
    fi
    t0=$(date +%s%N)
    timeout --kill-after=5 "$limit" "$@" >"$RAW/$name.out" 2>"$RAW/$name.err"
    rc=$?
    case $rc in 0) status=ok ;; 124|137) status=timeout ;; *) status=failed ;; esac
    printf '%s\t%s\t%s\trc %s, limit %s s\n' "$name" "$status" \
        "$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')" "$rc" "$limit" >>"$STEPS"
    log "$name: $status (rc $rc) $(tail -c 300 "$RAW/$name.err" | tail -1)"
}

# --- the machine ---
{
    echo "mode $MODE, backend $BACKEND, budget $BUDGET s, root $ROOT"
    command -v nvidia-smi >/dev/null && nvidia-smi -L
    for b in "$BIN/loupe_bench_gpu" $(for t in $TESTS; do echo "$TESTBIN/$t"; done); do
        [ -x "$b" ] && ldd "$b" 2>/dev/null | grep 'not found' | sed "s|^|$(basename "$b") needs |"
    done | sort -u
} >>"$LOG" 2>&1
step nvidia_smi 20 nvidia-smi

# --- correctness first: a fast wrong answer is no result ---
if [ $MODE = gpu ]; then
    step test_cuda_backend 90 "$TESTBIN/compute_cuda_backend"
    step test_backend_ops 60 "$TESTBIN/compute_backend_ops" -b cuda
    step test_golden_backends 60 "$TESTBIN/compute_golden_backends"
    step test_backend_grad_ops 45 "$TESTBIN/compute_backend_grad_ops" -b cuda
    step test_sam_backends 45 "$TESTBIN/compute_sam_backends"
else
    step test_cuda_backend 60 "$TESTBIN/compute_cuda_backend"
    step test_backend_ops 120 "$TESTBIN/compute_backend_ops" -b "$BACKEND"
    step test_golden_backends 120 "$TESTBIN/compute_golden_backends"
fi

# --- the benchmark set: headline cases first, so a short budget still yields them ---
B=$BIN/loupe_bench_gpu
if [ $MODE = gpu ]; then
    VIT1="--warmup 10 --runs 50"; VIT64="--batch 64 --warmup 3 --runs 10"; DEC="--warmup 1 --runs 3"
    ATT="--warmup 2 --runs 10"; SAM="--warmup 2 --runs 10"
else
    VIT1="--warmup 0 --runs 1"; VIT64="--batch 2 --warmup 0 --runs 1"; DEC="--warmup 0 --runs 1 --new-tokens 8"
    ATT="--warmup 0 --runs 1"; SAM="--warmup 0 --runs 1 --image-size 256 --layers 3"
fi
for dt in f16 f32; do
    step "vit_b1_$dt" 60 "$B" vit-forward --backend "$BACKEND" --dtype $dt $VIT1 --print-logits
done
step vit_b1_cpu_reference 60 "$B" vit-forward --backend cpu --warmup 0 --runs 1 --print-logits
for dt in f16 f32; do step "vit_b64_$dt" 90 "$B" vit-forward --backend "$BACKEND" --dtype $dt $VIT64; done
for dt in f16 f32; do step "gpt2_decode_$dt" 90 "$B" gpt2-decode --backend "$BACKEND" --dtype $dt $DEC; done
for dt in f16 f32; do step "sam_encoder_$dt" 90 "$B" sam-encoder --backend "$BACKEND" --dtype $dt $SAM; done
for dt in f32 f16; do step "attribution_$dt" 60 "$B" vit-attribution --backend "$BACKEND" --dtype $dt $ATT; done

# --- the PyTorch peer on the same device, same session ---
if python3 -c 'import torch, transformers' 2>/dev/null; then
    if [ $MODE = gpu ]; then
        step torch_peer 150 python3 "$ROOT/tools/bench/peer_torch_gpu.py" --device cuda --runs 20 --warmup 5
    else
        step torch_peer 150 python3 "$ROOT/tools/bench/peer_torch_gpu.py" --device cpu --small --runs 2 \
            --warmup 1 --tokens 8 --batches 1,2
    fi
else
    printf 'torch_peer\tmissing\t0\ttorch or transformers is not importable\n' >>"$STEPS"
    log "torch_peer: skipped (torch or transformers is not importable)"
fi

# --- the summary ---
python3 - "$STEPS" "$RAW" "$DEST" "$MODE" "$BACKEND" <<'EOF' 2>>"$LOG" || log "the summary failed (see above)"
import json, os, sys
steps_file, raw, dest, mode, backend = sys.argv[1:6]
steps = []
for line in open(steps_file):
    name, status, secs, note = line.rstrip("\n").split("\t")
    steps.append({"step": name, "status": status, "seconds": float(secs), "note": note})

def load(name):
    try:
        return json.load(open(os.path.join(raw, name + ".out")))
    except (OSError, ValueError):
        return None

cases = {s["step"]: load(s["step"]) for s in steps if s["status"] == "ok"}
cases = {k: v for k, v in cases.items() if isinstance(v, dict) and "case" in v}
reference = cases.get("vit_b1_cpu_reference", {}).get("logits_image0")
logits = {}
for name, j in cases.items():
    got = j.pop("logits_image0", None)
    if got and reference and name != "vit_b1_cpu_reference":
        diff = max(abs(a - b) for a, b in zip(got, reference))
        scale = max(abs(b) for b in reference)
        logits[name] = {"max_abs_diff": diff, "relative_to_max_logit": diff / scale if scale else None,
                        "same_top1": got.index(max(got)) == reference.index(max(reference))}
cases.pop("vit_b1_cpu_reference", None)
torch = load("torch_peer")

peer = {}
# The dry run's --small PyTorch models have other shapes than Loupe's: nothing to compare.
for r in [] if (torch or {}).get("small") else (torch or {}).get("results", []):
    peer[(r["case"], r["precision"], r["batch"])] = r
rows = []
for name, j in sorted(cases.items()):
    asked = j["requested_dtype"] if j["requested_dtype"] != "default" else "f32"
    p = peer.get((j["case"], asked, j["batch"]))
    rows.append({"step": name, "case": j["case"], "asked": asked, "batch": j["batch"], "backend": j["backend"],
                 "device": j["device"], "precision": j["precision"], "ms_median": j["ms_median"],
                 "ms_p90": j["ms_p90"], "throughput": j["throughput"], "unit": j["throughput_unit"],
                 "fallback_reason": j.get("fallback_reason", ""),
                 "torch_ms_median": p["ms_median"] if p else None,
                 "loupe_over_torch_time": j["ms_median"] / p["ms_median"] if p else None})

def target(step, test, text):
    j = cases.get(step)
    return {"target": text, "step": step, "met": bool(j and j["backend"] == "cuda" and test(j)) if j else None}

targets = [
    target("vit_b1_f16", lambda j: j["ms_median"] <= 1.0, "ViT-B/16 f16 batch 1 <= 1 ms"),
    target("vit_b64_f16", lambda j: j["throughput"] >= 12000, "ViT-B/16 f16 batch 64 >= 12,000 images/s"),
    target("gpt2_decode_f16", lambda j: j["throughput"] >= 1000, "GPT-2 small decode >= 1,000 tokens/s"),
    target("sam_encoder_f16", lambda j: j["ms_median"] <= 15, "SAM-B encoder <= 15 ms"),
] if mode == "gpu" else []
summary = {"mode": mode, "backend": backend, "steps": steps, "cases": rows, "logits_vs_cpu": logits,
           "targets": targets, "loupe": cases, "torch": torch}
json.dump(summary, open(os.path.join(dest, "summary.json"), "w"), indent=2)

def fmt(v, digits=3):
    return "" if v is None else (f"{v:.{digits}f}" if isinstance(v, float) else str(v))

md = [f"# GPU session ({mode}, {backend})", "", "| step | status | s | note |", "|---|---|---|---|"]
md += [f"| {s['step']} | {s['status']} | {s['seconds']} | {s['note']} |" for s in steps]
md += ["", "| case | asked | batch | ran on | precision | ms median | ms p90 | throughput | PyTorch ms | Loupe/PyTorch time |",
       "|---|---|---|---|---|---|---|---|---|---|"]
md += [f"| {r['case']} | {r['asked']} | {r['batch']} | {r['backend']} ({r['device']}) | {r['precision']} | "
       f"{fmt(r['ms_median'])} | {fmt(r['ms_p90'])} | {fmt(r['throughput'], 1)} {r['unit']} | "
       f"{fmt(r['torch_ms_median'])} | {fmt(r['loupe_over_torch_time'], 2)} |" for r in rows]
if logits:
    md += ["", "| ViT-B/16 logits against the CPU | max abs diff | / max logit | same top-1 |", "|---|---|---|---|"]
    md += [f"| {k} | {fmt(v['max_abs_diff'], 5)} | {fmt(v['relative_to_max_logit'], 5)} | {v['same_top1']} |"
           for k, v in logits.items()]
if targets:
    md += ["", "| target | met |", "|---|---|"] + [f"| {t['target']} | {t['met']} |" for t in targets]
open(os.path.join(dest, "summary.md"), "w").write("\n".join(md) + "\n")
EOF
tar -C "$WORK" -czf "$DEST/raw.tar.gz" raw steps.tsv
log "done: $DEST/summary.json, summary.md, session.log, raw.tar.gz"
rm -rf "$WORK"
