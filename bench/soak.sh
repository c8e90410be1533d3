#!/usr/bin/env bash
# Soak: N upgrades (default 1,000) under continuous HTTP load, two wrk loads at once: a new connection
# per request (Connection: close) and keep-alive. Checks zero failed requests, every upgrade ok, and a
# flat supervisor fd count; prints the supervisor's RSS and fd count at start and end.
#
#   bench/soak.sh                 # 1,000 upgrades
#   bench/soak.sh --upgrades 200
#   bench/soak.sh --smoke         # 10 upgrades, for CI: the NativeAOT supervisor and worker the package ships
#                                 # (FDH_PUBLISHED from .ci/run, else out/publish), the workers' warm-up off
#   bench/soak.sh --no-build      # reuse bench/.build from an earlier bench run
#   bench/soak.sh --aot           # a NativeAOT worker (bench/.build/worker-aot; clang and zlib1g-dev installed if missing)
#   bench/soak.sh --no-install    # do not apt-get install wrk and curl when missing
#
# A request counts as failed as in the tests' HttpLoad: refused, reset, closed early, not 200, or no
# answer within 10 s (wrk --timeout; wrk's default of 2 s counts a slow answer on a busy 2-core box).
# The last line is "N passed, M failed" (one check per upgrade, plus zero failed requests for each
# load and a flat fd count); the exit code is 1 when anything failed.
# Publishing, the supervisor's start and upgrade, and reading wrk's output are bench/lib's.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
source "$BENCH_DIR/lib/systems.sh"

upgrades=1000 workers=2 aot=0 install=1 smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    # 10 upgrades: the fd check compares exact counts after a warm-up upgrade, so a descriptor kept by even one
    # upgrade in ten shows; the long hunt for slow growth is the full run's. The warm-up (a GET / through each
    # new worker's pipeline) is off: HTTP latency is not this check's subject, and it costs CPU per upgrade.
    --smoke) upgrades=10 smoke=1 aot=1 ;;
    --upgrades) upgrades="$2"; shift ;;
    --workers) workers="$2"; shift ;;
    --no-build) SKIP_PUBLISH=1 ;;
    --aot) aot=1 ;;
    --no-install) install=0 ;;
    *) echo "soak.sh: unknown argument $1 (--smoke, --upgrades N, --workers N, --no-build, --aot, --no-install)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$install" = 1 ]; then ensure_tools wrk:wrk curl:curl
else command -v wrk >/dev/null || { echo "soak.sh: wrk not found: apt-get install wrk" >&2; exit 2; }; fi

# bench/.build, as the other benches publish it (republished only when src/ changed; --no-build reuses it).
BUILD_DIR=${BUILD_DIR:-$REPO_DIR/bench/.build}
if [ "$smoke" = 1 ]; then use_aot_programs; export BENCH_NO_WARM_UP=1
else publish_fdhandoff; [ "$aot" = 1 ] && publish_worker_aot; fi
# The supervisor upgraded by the CLI, as an operator does; N workers (systems.sh reads FDH_WORKERS).
FDH_UPGRADE=cli FDH_WORKERS=$workers system=fdhandoff
[ "$aot" = 1 ] && system=fdhandoff-aot
fdhandoff=$(supervisor_bin)

dir=$(mktemp -d /tmp/fdh-soak-XXXXXX)
SOCK_DIR=$dir
port=$(free_port)

pids=()
cleanup() {
  set +e   # stop everything even when a step fails (sys_stop's own checks return non-zero)
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$_sys" ] && sys_stop
  rm -rf "$dir"
}
trap cleanup EXIT

sys_start "$system" "$dir" "$port"
supervisor=$(sys_pid) sock=$(fdh_control_socket)
wait_http "$port" 60 || { echo "soak.sh: the supervisor did not serve on 127.0.0.1:$port within 60 s" >&2; cat "$dir/supervisor.log" >&2; exit 1; }

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$supervisor/status"; }
# Open fds other than mapped assemblies (.dll, .so): those grow by two when a code path first loads one.
fds() { find "/proc/$supervisor/fd" -mindepth 1 -printf '%l\n' | grep -cvE '\.dll$|\.so$|\.so\.' ; }
# Waits until only generation $1 runs (the older ones drained and exited).
settle() {
  for _ in $(seq 300); do
    "$fdhandoff" status --control-socket "$sock" 2>/dev/null | awk -v g="$1" '$1 == "pid" && $4 != g { old = 1 } END { exit old }' && return 0
    sleep 0.1
  done
  return 1
}

# One warm-up upgrade, so first-time allocations are not counted as growth.
sys_upgrade > /dev/null
settle 2 || true
rss_start=$(rss) fds_start=$(fds)

wrk -t1 -c8 -d10h --timeout 10s -H 'Connection: close' "http://127.0.0.1:$port/" > "$dir/wrk-close.txt" 2>&1 &
pids+=($!)
wrk -t1 -c8 -d10h --timeout 10s "http://127.0.0.1:$port/" > "$dir/wrk-keepalive.txt" 2>&1 &
pids+=($!)
sleep 1   # both loads connected before the first upgrade

passed=0 failed=0 start=$(date +%s)
for i in $(seq "$upgrades"); do
  if out=$(sys_upgrade 2>&1); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "upgrade $i failed: $out" >&2
  fi
  [ $((i % 100)) -eq 0 ] && echo "soak: $i upgrades, rss $(rss) kB, fds $(fds)"
done
generation=$((upgrades + 2))
settle "$generation" || echo "soak: old generations still running after 30 s" >&2
sleep 1   # a moment of load on the last generation alone
for p in "${pids[@]}"; do kill -INT "$p"; wait "$p" || true; done
pids=()
elapsed=$(( $(date +%s) - start ))
rss_end=$(rss) fds_end=$(fds)

# requests and failed requests (refused, reset, closed early, timed out, not 2xx) from wrk's output.
wrk_counts() {
  local kv requests=0 failed=0
  for kv in $("$PY" "$BENCH_DIR/lib/wrk_result.py" "$1" "$system" "$2" "$passed"); do
    case ${kv%%=*} in
      requests) requests=${kv#*=} ;;
      connect|read|write|timeout|non2xx) failed=$((failed + ${kv#*=})) ;;
    esac
  done
  echo "$requests $failed"
}
read -r close_ok close_failed < <(wrk_counts "$dir/wrk-close.txt" close)
read -r keep_ok keep_failed < <(wrk_counts "$dir/wrk-keepalive.txt" keepalive)

echo "soak: $upgrades upgrades in ${elapsed} s ($passed ok), generation $generation serving"
echo "soak: new connection per request: $close_ok requests, $close_failed failed"
echo "soak: keep-alive:                 $keep_ok requests, $keep_failed failed"
echo "soak: supervisor RSS start ${rss_start} kB, end ${rss_end} kB"
echo "soak: supervisor fds start ${fds_start}, end ${fds_end}"
if [ "$close_failed" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); cat "$dir/wrk-close.txt" >&2; fi
if [ "$keep_failed" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); cat "$dir/wrk-keepalive.txt" >&2; fi
if [ "$fds_end" -le "$fds_start" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "fd count grew: $fds_start -> $fds_end" >&2; find "/proc/$supervisor/fd" -mindepth 1 -printf '%f -> %l\n' | grep -vE '\.dll$|\.so$|\.so\.' >&2; fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
