# Shared by setup.sh, lab.sh and run.sh (sourced, not run).
ROOTFS=${FDH_ROOTFS:-/var/cache/fdhandoff-systemd-rootfs}
STATE=${FDH_LAB_STATE:-/tmp/fdhandoff-systemd-lab}   # pid file, console log, build logs
NAME=${FDH_LAB_NAME:-fdhandoff-lab}
PIDF=$STATE/$NAME.nspawn.pid
CG=fdhandoff-lab-$NAME                               # our own cgroup, in both hierarchies
HIER="/sys/fs/cgroup/unified /sys/fs/cgroup/systemd"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step() {  # step NAME CMD... : run CMD, print its wall time; set -e is off inside CMD, hence && chains there
  local t0 rc=0; t0=$(now); "${@:2}" || rc=$?
  printf '[setup] %-24s %6.1f s%s\n' "$1" "$(since "$t0")" "$([ $rc = 0 ] || echo "  FAILED rc=$rc")"
  return $rc
}
lab_running() { [ -f "$PIDF" ] && kill -0 "$(cat "$PIDF")" 2>/dev/null; }
