#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds, and runs the whole test suite through CTest. Exits non-zero on any failure.
# Tests run offscreen; the screenshot test needs a real X server, so CTest runs under xvfb-run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build="${LOUPE_BUILD_DIR:-$root/build}"
cd "$build"
jobs="${LOUPE_TEST_JOBS:-$(nproc)}"
xvfb-run -a -s "-screen 0 1600x1000x24" ctest --output-on-failure --parallel "$jobs" "$@"
