#!/bin/sh
# SPDX-License-Identifier: MIT
# The plugin SDK as an outside developer uses it: install the SDK component of this build into a fresh
# prefix, build plugins/examples/center_box against it with find_package(LoupePlugin), and have loupe
# load the result.  Usage: check_sdk.sh BUILD_DIR SOURCE_DIR LOUPE_EXE
set -eu
build=$1 src=$2 loupe=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --component plugin-sdk --prefix "$tmp/prefix" >/dev/null
test -f "$tmp/prefix/include/loupe/plugins/api/plugin_api.h"
test -f "$tmp/prefix/lib/cmake/LoupePlugin/LoupePluginConfig.cmake"
cmake -S "$src/plugins/examples/center_box" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
      -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/build" >/dev/null
plugin="$tmp/build/libloupe_example_center_box.so"
test -f "$plugin"
out=$(LOUPE_PLUGIN_PATH="$tmp/build" XDG_DATA_HOME="$tmp/data" "$loupe" plugins --json 2>/dev/null)
echo "$out"
echo "$out" | grep -q "\"file\": \"$plugin\"" || { echo "the SDK-built plugin was not listed"; exit 1; }
echo "$out" | grep -q '"detector:LoupeExampleCenterBox"' || { echo "the SDK-built plugin did not load"; exit 1; }
echo "SDK ok"
