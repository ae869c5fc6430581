#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Reduced precision against ONNX Runtime, in one run: ONNX Runtime f32 on
# ViT-B/16 224, then loupe_bench_precision (ViT-B/16 batch 1 and 8, GPT-2 small decode at f32, bf16 and
# int8), 2 threads each; prints one JSON object with Loupe's times as ratios of ORT's f32 time.
# Needs Debian's python3-torch, and Python's onnxruntime or Node.js; not part of the build or the tests.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Debian's python3-torch by default; PYTHON=... for another interpreter with torch (and onnxruntime).
python="${PYTHON:-/usr/bin/python3}"
"$python" "$here/export_vit.py" "$work/vit_b16.onnx" >/dev/null
load_start="$(cut -d' ' -f1 /proc/loadavg)"
# Python's onnxruntime where it is installed (no network needed), else npm's onnxruntime-node as run.sh.
if "$python" -c "import onnxruntime" 2>/dev/null; then
    "$python" "$here/time_ort.py" "$work/vit_b16.onnx" 2 >"$work/ort.json"
else
    (cd "$here" && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
    (cd "$here" && node time_ort.mjs "$work/vit_b16.onnx" 2) >"$work/ort.json"
fi
"${LOUPE_BUILD_DIR:-$root/build}/bin/loupe_bench_precision" --threads 2 "$@" >"$work/loupe.json"
"$python" - "$work/ort.json" "$work/loupe.json" "$load_start" <<'PY'
import json, sys
ort = json.load(open(sys.argv[1]))
loupe = json.load(open(sys.argv[2]))
for row in loupe["vit_b16_224"]:
    row["batch1_time_vs_ort_f32"] = row["batch1_ms_median"] / ort["batch1_ms_median"]
    row["batch1_time_vs_ort_f32_best_runs"] = row["batch1_ms_min"] / ort["batch1_ms_min"]
    row["batch8_throughput_vs_ort_f32"] = row["batch8_images_per_s"] / ort["batch8_images_per_s"]
print(json.dumps({"load_average_1min_start": float(sys.argv[3]), "onnxruntime_f32": ort, "loupe": loupe}, indent=1))
PY
