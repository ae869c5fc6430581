#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian package: a Release build (scripts/build.sh: Ninja, ccache; build dir $LOUPE_BUILD_DIR
# or build/), then `cpack -G DEB`. Prints the path of the .deb on the last line.
# LOUPE_SKIP_BUILD=1 packages the build as it is (everything it installs must already be built).
# Install it with: sudo apt install ./loupe_<version>_<arch>.deb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LOUPE_BUILD_DIR:-$root/build}"

# dpkg-shlibdeps computes Depends from the linked shared libraries; it ships in dpkg-dev.
if ! command -v dpkg-shlibdeps >/dev/null; then
  echo "package: dpkg-shlibdeps not found; install dpkg-dev (apt-get install dpkg-dev)" >&2
  exit 1
fi
if [[ -f "$build/CMakeCache.txt" ]]; then
  type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")"
  if [[ "$type" != Release ]]; then
    echo "package: $build is a '$type' build; packages come from Release (set LOUPE_BUILD_DIR to another folder)" >&2
    exit 1
  fi
fi
if [[ "${LOUPE_SKIP_BUILD:-0}" != 1 ]]; then
  "$root/scripts/build.sh" "$@"
fi

out="$build/packages"
mkdir -p "$out"
log="$out/cpack.log"
if ! (cd "$build" && cpack -G DEB -B "$out" --config CPackConfig.cmake) >"$log" 2>&1; then
  cat "$log" >&2
  echo "package: cpack failed (log: $log)" >&2
  exit 1
fi
deb="$(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' "$log" | tail -n 1)"
if [[ -z "$deb" || ! -f "$deb" ]]; then
  cat "$log" >&2
  echo "package: cpack reported no .deb (log: $log)" >&2
  exit 1
fi

# The CUDA backend must stay optional at run time: cudart is linked statically and cuBLAS opened with
# dlopen, so a package that depends on CUDA was linked wrongly.
depends="$(dpkg-deb -f "$deb" Depends)"
if tr ',|' '\n\n' <<<"$depends" | grep -Eiq '^ *(lib)?(cuda|cublas|nvidia)'; then
  echo "package: $deb depends on CUDA, which must be optional at run time: $depends" >&2
  exit 1
fi
echo "package: Depends: $depends" >&2
echo "$deb"
