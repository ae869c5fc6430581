#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side CPU benchmark: ONNX Runtime (npm onnxruntime-node) vs Loupe's engine on ViT-B/16 224, 2 threads,
# in one run. Needs Debian's python3-torch and Node.js; not part of the build or the tests.
# --ignore-scripts: onnxruntime-node's install script fetches optional GPU bits from outside npm; the CPU
# binaries ship inside the package.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$here" && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
/usr/bin/python3 "$here/export_vit.py" "$work/vit_b16.onnx" >/dev/null
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "onnxruntime: $(cd "$here" && node time_ort.mjs "$work/vit_b16.onnx" 2)"
echo "loupe: $("${LOUPE_BUILD_DIR:-$root/build}/bin/loupe" bench vit --runs 20 --batch8-runs 4 --threads 2 | tr -d '\n ')"
