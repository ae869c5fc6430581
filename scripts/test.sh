#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds, and runs the whole test suite through CTest. Exits non-zero on any failure.
# Tests run offscreen; the screenshot test needs a real X server, so CTest runs under xvfb-run.
# Then the libFuzzer targets are built with clang (ASan/UBSan, build dir $LOUPE_FUZZ_BUILD_DIR or build-fuzz/)
# and each runs for LOUPE_FUZZ_SECONDS (default 20) over its corpus in tests/data/fuzz/. LOUPE_SKIP_FUZZ=1 skips them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build="${LOUPE_BUILD_DIR:-$root/build}"
jobs="${LOUPE_TEST_JOBS:-$(nproc)}"
status=0
(cd "$build" && xvfb-run -a -s "-screen 0 1600x1000x24" ctest --output-on-failure --parallel "$jobs" "$@") || status=$?
if [[ "${LOUPE_SKIP_FUZZ:-0}" != 1 ]]; then
  fuzz="${LOUPE_FUZZ_BUILD_DIR:-$root/build-fuzz}"
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR=1
  if [[ ! -f "$fuzz/build.ninja" ]]; then
    cmake -S "$root" -B "$fuzz" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
      -DLOUPE_BUILD_FUZZERS=ON -DLOUPE_BUILD_TESTS=OFF -DLOUPE_WITH_CUDA=OFF -DLOUPE_FUZZ_SECONDS="${LOUPE_FUZZ_SECONDS:-20}"
  fi
  cmake --build "$fuzz" --target fuzzers --parallel "${LOUPE_JOBS:-$(nproc)}"
  (cd "$fuzz" && ctest --output-on-failure --parallel "$jobs" -L fuzz) || status=$?
fi
exit "$status"
