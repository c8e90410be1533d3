#!/bin/bash
# Prepare the host for the systemd harness (idempotent; re-running skips what is done).
#   tests/systemd/setup.sh
# - host packages: systemd-container (systemd-nspawn), debootstrap; clang and zlib1g-dev (NativeAOT),
#   dpkg-dev and lintian (deploy/debian/build.sh builds the package run.sh installs); curl (run.sh polls with it)
# - a Debian minbase rootfs with systemd as PID 1, dbus, libicu72 (.NET), procps (/bin/kill for
#   ExecReload, pgrep), python3 (clients inside); rebuilt from scratch when missing or incomplete.
#   It stays clean: the lab boots it as a throw-away overlay, so each run installs the package anew.
# Env: FDH_ROOTFS   rootfs directory (default /var/cache/fdhandoff-systemd-rootfs)
#      FDH_SUITE    Debian suite (default: the host's VERSION_CODENAME, bookworm here)
#      FDH_MIRROR   apt mirror (default: the apt source on this host that serves FDH_SUITE)
#      FDH_REBUILD=1  wipe the rootfs first
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
SUITE=${FDH_SUITE:-$(. /etc/os-release && echo "$VERSION_CODENAME")}
PKGS=(systemd dbus libicu72 procps python3)
HOSTPKGS=(systemd-container debootstrap clang zlib1g-dev dpkg-dev lintian curl)

host_packages() {
  local missing=() p
  for p in "${HOSTPKGS[@]}"; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && { echo "  host packages present"; return; }
  echo "  host packages: installing ${missing[*]}"
  apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

mirror() {  # the apt source (as apt parses sources.list{,.d}) whose release is exactly $SUITE
  [ -n "${FDH_MIRROR:-}" ] && { echo "$FDH_MIRROR"; return; }
  apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' 2>/dev/null |
    awk -v s="$SUITE" '$1 == s { print $2; exit }'
}

rootfs_ok() {  # every wanted package installed, a machine id present (journalctl needs it)
  local p
  [ -s "$ROOTFS/etc/machine-id" ] || return 1
  for p in "${PKGS[@]}"; do
    dpkg-query --admindir="$ROOTFS/var/lib/dpkg" -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || return 1
  done
}

rootfs() {
  if lab_running; then
    { [ "${FDH_REBUILD:-0}" = 1 ] || ! rootfs_ok; } && { echo "the lab is booted: tests/systemd/lab.sh down first" >&2; return 1; }
  fi
  [ "${FDH_REBUILD:-0}" = 1 ] && rm -rf "$ROOTFS"
  if rootfs_ok; then echo "  rootfs complete at $ROOTFS"; return; fi
  local m; m=$(mirror)
  [ -n "$m" ] || { echo "no apt source for suite $SUITE found; set FDH_MIRROR" >&2; return 1; }
  rm -rf "$ROOTFS" "$ROOTFS.new"                       # anything half-done: start over
  mkdir -p "$(dirname "$ROOTFS")" "$STATE"
  echo "  debootstrap $SUITE from $m"
  # Build beside the final path and rename at the end, so an interrupted run never looks complete.
  debootstrap --variant=minbase --include="$(IFS=,; echo "${PKGS[*]}")" "$SUITE" "$ROOTFS.new" "$m" \
    > "$STATE/debootstrap.log" 2>&1 || { tail -20 "$STATE/debootstrap.log"; return 1; }
  # Keep (or create) /etc/machine-id: without it the journal has no directory and journalctl shows nothing.
  [ -s "$ROOTFS.new/etc/machine-id" ] || systemd-machine-id-setup --root="$ROOTFS.new" >/dev/null
  rm -f "$ROOTFS.new/var/cache/apt/archives/"*.deb
  echo fdhandoff-lab > "$ROOTFS.new/etc/hostname"
  mv "$ROOTFS.new" "$ROOTFS"
  rootfs_ok
}

T0=$(now)
step "host packages" host_packages
step "rootfs ($SUITE)" rootfs
printf '[setup] %-24s %6.1f s\n' total "$(since "$T0")"
