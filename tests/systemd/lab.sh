#!/bin/bash
# A real systemd as PID 1 in systemd-nspawn, on a host where systemd is not PID 1 (CI, containers).
#   lab.sh up [extra nspawn args...]   boot the rootfs from setup.sh in the background; wait for `running`
#   lab.sh x CMD...                    run CMD inside (every namespace, via nsenter), stdin passed through
#   lab.sh down                        poweroff, wait, SIGKILL if it hangs, remove our cgroups
#   lab.sh status                      print whether it runs
# The root is a throw-away overlay (--volatile=overlay): what the tests install and the journal
# vanish at poweroff, the cached rootfs stays clean. The container shares the host's network
# namespace, so its sockets on 127.0.0.1 / [::1] are reachable from the host.
# Env: see common.sh (FDH_ROOTFS, FDH_LAB_STATE, FDH_LAB_NAME).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
LOG=$STATE/$NAME.console.log

leader() { pgrep -P "$(cat "$PIDF")" | head -1; }   # nspawn's child = the container's PID 1
x() {
  local l; l=$(leader)
  [ -n "$l" ] || { echo "lab.sh: the lab is not running" >&2; return 1; }
  nsenter -t "$l" -a env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      TERM=dumb SYSTEMD_PAGER=cat SYSTEMD_COLORS=0 LANG=C.UTF-8 "$@"
}

up() {
  lab_running && { echo "lab.sh: already running (nspawn pid $(cat "$PIDF"))" >&2; return 1; }
  [ -x "$ROOTFS/usr/lib/systemd/systemd" ] || { echo "lab.sh: no rootfs at $ROOTFS: run tests/systemd/setup.sh" >&2; return 1; }
  mkdir -p "$STATE"
  local h
  for h in $HIER; do mkdir -p "$h/$CG"; done
  (
    # Our own cgroup in both hierarchies, else nspawn puts the container in the host's root cgroups.
    for h in $HIER; do echo "$BASHPID" > "$h/$CG/cgroup.procs"; done
    # A private mount namespace with a tmpfs on /run/systemd: the host's /run is no tmpfs, and
    # nspawn's /run/systemd/nspawn/{locks,propagate} must not touch the host.
    exec unshare --mount --propagation private -- sh -c '
      r=$0 n=$1; shift
      mount -t tmpfs -o mode=755 tmpfs /run/systemd &&
      exec systemd-nspawn --quiet --register=no --keep-unit --console=passive --volatile=overlay \
           -D "$r" -M "$n" --boot "$@"' "$ROOTFS" "$NAME" "$@"
  ) > "$LOG" 2>&1 < /dev/null &
  echo $! > "$PIDF"
  local i l
  for i in $(seq 300); do
    l=$(leader || true)
    if [ -n "$l" ] && [ "$(cat /proc/$l/comm 2>/dev/null)" = systemd ] &&
       x systemctl is-system-running --wait >/dev/null 2>&1; then
      echo "lab.sh: up (nspawn pid $(cat "$PIDF"), container PID 1 = host pid $l)"
      return 0
    fi
    lab_running || { echo "lab.sh: nspawn died:" >&2; cat "$LOG" >&2; down >/dev/null; return 1; }
    sleep 0.1
  done
  echo "lab.sh: no 'running' state after 30 s: $(x systemctl is-system-running 2>&1 || true)" >&2
  x systemctl --failed --no-legend >&2 || true
  return 1
}

down() {
  if lab_running; then
    local p i; p=$(cat "$PIDF")
    x systemctl poweroff >/dev/null 2>&1 || true
    for i in $(seq 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then echo "lab.sh: poweroff timed out, SIGKILL nspawn $p" >&2; kill -9 "$p"; sleep 0.5; fi
  fi
  rm -f "$PIDF"
  local h
  for h in $HIER; do
    # a container killed hard can leave processes behind: kill them, then remove the empty cgroups
    if [ -d "$h/$CG" ]; then
      find "$h/$CG" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -9 2>/dev/null || true
      find "$h/$CG" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    fi
  done
  echo "lab.sh: down"
}

case "${1:-}" in
up) shift; up "$@" ;;
x) shift; x "$@" ;;
down) down ;;
status) if lab_running; then echo "running (nspawn pid $(cat "$PIDF"))"; else echo "not running"; exit 1; fi ;;
*) sed -n 2,6p "$0"; exit 2 ;;
esac
