#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian package in a fresh Debian 12 root, the way a user does (`apt install ./loupe_*.deb`),
# and checks from the installed tree alone: `loupe --version`, `loupe classify` on the shipped model, the
# window under Xvfb on the sample project (with an explanation by the shipped model) and on a .loupe file
# given on the command line, the man page, the .loupe MIME type and its default application.
#
# Not part of CTest: it downloads Debian (debootstrap) and needs root.
#   scripts/package.sh                       # builds build/packages/loupe_<version>_<arch>.deb
#   sudo tests/install/test_deb.sh [DEB]     # DEB defaults to the newest build/packages/loupe_*.deb
# Needs: debootstrap (apt-get install debootstrap) and a reachable Debian mirror.
# LOUPE_DEBIAN_MIRROR   mirror (default http://deb.debian.org/debian)
# LOUPE_TEST_DEB_CACHE  downloaded packages kept between runs (default /var/cache/loupe-test-deb)
# LOUPE_TEST_DEB_OUT    where the screenshots taken in the root are copied (default: next to the DEB)
# LOUPE_KEEP_ROOT=1     keep the root for inspection (its path is printed)
set -euo pipefail
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fail() { echo "test_deb: FAIL: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "needs root (debootstrap, chroot, mount)"
command -v debootstrap >/dev/null || fail "debootstrap not found: apt-get install debootstrap"
deb="${1:-$(ls -t "$root_dir"/build/packages/loupe_*.deb 2>/dev/null | head -n 1 || true)}"
[[ -n "$deb" && -f "$deb" ]] || fail "no .deb given and none in build/packages (run scripts/package.sh)"
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
version="$(dpkg-deb -f "$deb" Version)"
mirror="${LOUPE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${LOUPE_TEST_DEB_CACHE:-/var/cache/loupe-test-deb}"
out="${LOUPE_TEST_DEB_OUT:-$(dirname "$deb")/test-deb}"
mkdir -p "$cache/debootstrap" "$cache/apt" "$out"

root="$(mktemp -d /var/tmp/loupe-deb-root.XXXXXX)"
mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || true; done
  if [[ "${LOUPE_KEEP_ROOT:-0}" == 1 ]]; then
    echo "test_deb: root kept at $root"
  elif findmnt -rn -o TARGET | grep -q "^$root/"; then
    # Never delete through a mount that is still there (it would reach the host's /dev).
    echo "test_deb: $root still has mounts; not removing it" >&2
  else
    rm -rf "$root"
  fi
}
trap cleanup EXIT
bind() { mkdir -p "$root$2"; mount --bind "$1" "$root$2"; mounts+=("$root$2"); }

echo "test_deb: debootstrap bookworm into $root from $mirror"
debootstrap --variant=minbase --cache-dir="$cache/debootstrap" bookworm "$root" "$mirror" >"$out/debootstrap.log" 2>&1 ||
  { tail -n 20 "$out/debootstrap.log" >&2; fail "debootstrap failed (is $mirror reachable?); log: $out/debootstrap.log"; }
mount -t proc proc "$root/proc"
mounts+=("$root/proc")
bind /dev /dev
bind "$cache/apt" /var/cache/apt/archives
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Services pulled in by dependencies must not start inside the root.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive "$@"; }

echo "test_deb: apt install ./$(basename "$deb")"
in_root apt-get update -q >"$out/apt.log" 2>&1 || { tail -n 20 "$out/apt.log" >&2; fail "apt-get update in the root failed"; }
in_root apt-get install -y -q "./tmp/$(basename "$deb")" >>"$out/apt.log" 2>&1 ||
  { tail -n 30 "$out/apt.log" >&2; fail "apt install of $(basename "$deb") failed on a clean Debian 12; log: $out/apt.log"; }
# Only for the checks below, not needed by Loupe: an X server, and gio to ask what a double-click opens.
in_root apt-get install -y -q --no-install-recommends xvfb xauth libglib2.0-bin >>"$out/apt.log" 2>&1 ||
  { tail -n 20 "$out/apt.log" >&2; fail "installing xvfb in the root failed"; }

cat >"$root/tmp/check.sh" <<CHECK
#!/bin/sh
set -eu
fail() { echo "test_deb: FAIL: \$*" >&2; exit 1; }
export HOME=/tmp/home XDG_RUNTIME_DIR=/tmp/runtime
mkdir -p "\$HOME" "\$XDG_RUNTIME_DIR"
chmod 700 "\$XDG_RUNTIME_DIR"
missing=\$(ldd /usr/bin/loupe | grep 'not found' || true)
[ -z "\$missing" ] || fail "libraries the package does not pull in: \$missing"
got=\$(loupe --version)
[ "\$got" = "loupe $version" ] || fail "loupe --version says '\$got', expected 'loupe $version'"
echo "ok: \$got"
loupe sample shapes /tmp/shapes --count 2 >/dev/null
img=\$(ls /tmp/shapes/images/*.png | head -n 1)
loupe classify --model /usr/share/loupe/models/shapes-vit --topk 1 --json "\$img" >/tmp/classify.json ||
  fail "loupe classify on the shipped shapes-vit failed"
grep -q '"label"' /tmp/classify.json || fail "classify printed no label: \$(cat /tmp/classify.json)"
echo "ok: classify \$(cat /tmp/classify.json)"
xvfb-run -a -s "-screen 0 1280x1000x24" env LOUPE_SCREENSHOT=/tmp/sample.png LOUPE_SCREENSHOT_EXPLAIN=1 \
  LOUPE_SCREENSHOT_TIMEOUT=120 loupe --sample >/tmp/sample.log 2>&1 ||
  { cat /tmp/sample.log >&2; fail "the window on the sample project did not come up"; }
grep -q "screenshot with explanation" /tmp/sample.log ||
  { cat /tmp/sample.log >&2; fail "the sample project ran no explanation: shipped model not found"; }
echo "ok: GUI under Xvfb on the sample project, explained by the shipped shapes-vit"
loupe project new /tmp/opened.loupe >/dev/null
loupe import /tmp/opened.loupe "\$img" >/dev/null
xvfb-run -a -s "-screen 0 1280x1000x24" env LOUPE_SCREENSHOT=/tmp/opened.png LOUPE_SCREENSHOT_TIMEOUT=60 \
  loupe /tmp/opened.loupe >/tmp/opened.log 2>&1 ||
  { cat /tmp/opened.log >&2; fail "loupe /tmp/opened.loupe did not show the project's image"; }
echo "ok: loupe PROJECT.loupe opens the project in the window"
[ -f /usr/share/man/man1/loupe.1.gz ] || fail "no man page"
[ -f /usr/share/mime/application/x-loupe-project.xml ] || fail "the MIME type is not in the MIME database"
type=\$(gio info -a standard::content-type /tmp/opened.loupe | sed -n 's/.*standard::content-type: //p')
[ "\$type" = application/x-loupe-project ] || fail "gio says /tmp/opened.loupe is '\$type'"
app=\$(gio mime application/x-loupe-project | sed -n 's/^Default application for .*: //p')
[ "\$app" = org.loupe.Loupe.desktop ] || fail "default application for .loupe is '\$app'"
echo "ok: .loupe is application/x-loupe-project, opened by \$app"
for s in 16 24 32 48 64 128 256; do
  [ -f /usr/share/icons/hicolor/\${s}x\${s}/apps/org.loupe.Loupe.png ] || fail "no \${s}px icon"
done
[ -f /usr/share/metainfo/org.loupe.Loupe.metainfo.xml ] || fail "no metainfo"
echo "ok: man page, icons, metainfo installed"
CHECK
chmod +x "$root/tmp/check.sh"
echo "test_deb: checks in the root"
status=0
in_root /tmp/check.sh || status=$?
cp -f "$root"/tmp/*.png "$root"/tmp/*.log "$out/" 2>/dev/null || true
echo "test_deb: Depends: $(dpkg-deb -f "$deb" Depends)"
((status == 0)) || fail "checks in the fresh root failed (screenshots and logs: $out)"
echo "test_deb: PASS $(basename "$deb") on a fresh Debian 12 (screenshots: $out)"
