#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build into a temporary prefix (what the .deb holds) and checks the installed tree on its
# own: every file a desktop needs is there in the right form, the binary runs from there, finds the
# shipped models under share/loupe/models, and opens a .loupe project given on the command line in the
# window (as a double-click does).
# Usage: check_install_tree.sh BUILD_DIR VERSION
set -euo pipefail
build="$1"
version="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; fail "cmake --install $build failed (build everything first)"; }

share="$prefix/share"
for f in bin/loupe share/applications/org.loupe.Loupe.desktop share/mime/packages/org.loupe.Loupe.xml \
  share/metainfo/org.loupe.Loupe.metainfo.xml share/icons/hicolor/scalable/apps/org.loupe.Loupe.svg \
  share/man/man1/loupe.1.gz share/loupe/models/shapes-vit/config.json share/doc/loupe/copyright \
  share/doc/loupe/changelog.gz; do
  [[ -f "$prefix/$f" ]] || fail "not installed: $f"
done
for size in 16 24 32 48 64 128 256; do
  png="$share/icons/hicolor/${size}x${size}/apps/org.loupe.Loupe.png"
  [[ -f "$png" ]] || fail "not installed: $png"
  # PNG signature, then the IHDR chunk's width and height as big-endian 32-bit numbers.
  header="$(od -An -tx1 -N24 "$png" | tr -d ' \n')"
  [[ "${header:0:16}" == 89504e470d0a1a0a ]] || fail "$png is not a PNG"
  w=$((16#${header:32:8}))
  h=$((16#${header:40:8}))
  ((w == size && h == size)) || fail "$png is ${w}x${h}, not ${size}x${size}"
done
for model in "$(dirname "$0")/../../resources/models"/*/; do
  [[ -d "$model" ]] || continue
  name="$(basename "$model")"
  [[ -f "$share/loupe/models/$name/config.json" ]] || fail "shipped model $name not installed"
done

man="$(gzip -dc "$share/man/man1/loupe.1.gz")"
grep -q '^\.TH LOUPE 1' <<<"$man" || fail "loupe.1.gz is not a man page"
for cmd in classify import explain; do
  grep -q "^\.B $cmd\$" <<<"$man" || fail "loupe.1 does not list the command $cmd"
done

loupe="$prefix/bin/loupe"
got="$("$loupe" --version)"
[[ "$got" == "loupe $version" ]] || fail "installed loupe --version says '$got', not 'loupe $version'"

# The installed binary alone: no models folder from the environment, a fresh home.
unset LOUPE_MODELS_DIR
export HOME="$work/home" XDG_DATA_HOME="$work/home/data" XDG_CONFIG_HOME="$work/home/config"
export XDG_CACHE_HOME="$work/home/cache" QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
mkdir -p "$HOME"
"$loupe" sample shapes "$work/shapes" --count 2 >/dev/null
img="$(find "$work/shapes" -name '*.png' | sort | head -n 1)"
[[ -n "$img" ]] || fail "loupe sample shapes wrote no image"
"$loupe" classify --model "$share/loupe/models/shapes-vit" --topk 1 --json "$img" >"$work/classify.json" ||
  fail "installed loupe classify on the shipped shapes-vit failed"
grep -q '"label"\|"class"' "$work/classify.json" || fail "classify printed no class: $(cat "$work/classify.json")"

# A double-click runs `loupe FILE.loupe`: the window must open that project and show its first image
# (LOUPE_SCREENSHOT exits 0 only then, 3 when no image came).
"$loupe" project new "$work/double-click.loupe" >/dev/null
"$loupe" import "$work/double-click.loupe" "$img" >/dev/null
LOUPE_SCREENSHOT="$work/open.png" LOUPE_SCREENSHOT_TIMEOUT=60 "$loupe" "$work/double-click.loupe" \
  >"$work/gui.log" 2>&1 || { cat "$work/gui.log" >&2; fail "loupe PROJECT.loupe did not show the project's image"; }
[[ -s "$work/open.png" ]] || fail "loupe PROJECT.loupe wrote no screenshot"

# The sample project, created on first run, takes its demo models from share/loupe/models: the
# explanation in the screenshot needs the installed shapes-vit.
LOUPE_SCREENSHOT="$work/sample.png" LOUPE_SCREENSHOT_EXPLAIN=1 LOUPE_SCREENSHOT_TIMEOUT=90 "$loupe" --sample \
  >"$work/sample.log" 2>&1 || { cat "$work/sample.log" >&2; fail "loupe --sample from the installed tree failed"; }
grep -q "screenshot with explanation" "$work/sample.log" ||
  { cat "$work/sample.log" >&2; fail "the installed sample project ran no explanation (shipped model not found?)"; }
echo "installed tree under $prefix complete; loupe runs from it"
