#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures (once) and builds Loupe: Release, Ninja, ccache when present. Build dir: $LOUPE_BUILD_DIR or build/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LOUPE_BUILD_DIR:-$root/build}"
# Relative paths in ccache keys let a fresh clone elsewhere reuse the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
export CCACHE_NOHASHDIR=1
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
fi
jobs="${LOUPE_JOBS:-$(nproc)}"
cmake --build "$build" --parallel "$jobs"
