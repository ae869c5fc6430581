#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds, and launches Loupe. Without arguments it opens the sample project,
# creating it on first run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build="${LOUPE_BUILD_DIR:-$root/build}"
if (($# == 0)); then
  exec "$build/bin/loupe" --sample
fi
exec "$build/bin/loupe" "$@"
