#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Validates the desktop integration files with the freedesktop tools, and checks they agree with each
# other: the .desktop's MimeType is the type the MIME package defines, the metainfo launches this
# .desktop and describes this version (as the Debian changelog's top entry does), and its screenshots
# are committed where its URLs say.
# Usage: validate_desktop_files.sh SOURCE_DIR VERSION
# Exits 77 (CTest SKIP) with a message when desktop-file-validate or appstreamcli is missing.
set -euo pipefail
src="$1"
version="$2"
linux="$src/installers/linux"
desktop="$linux/org.loupe.Loupe.desktop"
metainfo="$linux/org.loupe.Loupe.metainfo.xml"
mime="$linux/org.loupe.Loupe.xml"
fail() { echo "FAIL: $*" >&2; exit 1; }

missing=()
for tool in desktop-file-validate appstreamcli; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "SKIP: ${missing[*]} not installed (apt-get install desktop-file-utils appstream)"
  exit 77
fi

# desktop-file-validate exits 0 on hints; any output at all is treated as a finding to fix.
report="$(desktop-file-validate "$desktop" 2>&1)" || fail "desktop-file-validate $desktop:"$'\n'"$report"
[[ -z "$report" ]] || fail "desktop-file-validate $desktop reports:"$'\n'"$report"
# --no-net: the screenshot URLs name the repository, which a test machine need not reach.
appstreamcli validate --no-net --strict "$metainfo" || fail "appstreamcli validate $metainfo"

type="$(sed -n 's/.*<mime-type type="\([^"]*\)".*/\1/p' "$mime")"
[[ -n "$type" ]] || fail "$mime: no <mime-type type=...>"
grep -q "^MimeType=.*$type;" "$desktop" || fail "$desktop: MimeType does not name $type (from $mime)"
grep -q '<glob pattern="\*\.loupe"/>' "$mime" || fail "$mime: no *.loupe glob"
grep -q "<mediatype>$type</mediatype>" "$metainfo" || fail "$metainfo: does not provide $type"
grep -q '<launchable type="desktop-id">org.loupe.Loupe.desktop</launchable>' "$metainfo" ||
  fail "$metainfo: does not launch org.loupe.Loupe.desktop"
grep -q "<release version=\"$version\"" "$metainfo" ||
  fail "$metainfo: no release notes for version $version (add a <release> entry)"

changelog="$linux/changelog"
top="$(sed -n '1s/^loupe (\([^)]*\)).*/\1/p' "$changelog")"
[[ "$top" == "$version" ]] || fail "$changelog: top entry is '$top', not version $version"

shots="$(sed -n 's|.*<image>[^<]*/raw/main/\([^<]*\)</image>.*|\1|p' "$metainfo")"
[[ -n "$shots" ]] || fail "$metainfo: no screenshot under the repository's raw/main/ path"
while read -r shot; do
  [[ -f "$src/$shot" ]] || fail "$metainfo: screenshot $shot is not in the repository"
done <<<"$shots"

if command -v update-mime-database >/dev/null; then
  db="$(mktemp -d)"
  trap 'rm -rf "$db"' EXIT
  mkdir -p "$db/packages"
  cp "$mime" "$db/packages/"
  update-mime-database "$db" >/dev/null 2>&1 || fail "update-mime-database rejects $mime"
  grep -q "^$type:\*\.loupe" "$db/globs" 2>/dev/null || grep -q "$type:\*\.loupe" "$db/globs2" ||
    fail "$mime: *.loupe is not mapped to $type after update-mime-database"
fi
echo "desktop entry, metainfo and MIME type valid and consistent"
