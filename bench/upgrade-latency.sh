#!/usr/bin/env bash
# Upgrade latency: `fdhandoff upgrade` request -> every new worker ready, -> first response from a new
# process, -> every old worker gone; median and max over N upgrades on an idle machine, next to one
# worker's bare start-to-ready time, with where the time goes (from the supervisor's log), and the
# supervisor's RSS and fd count before and after.
#
# usage: bench/upgrade-latency.sh [--upgrades N] [--workers N] [--starts N] [--aot] [--out FILE]
#   --upgrades N   upgrades (LAT_UPGRADES, 20; use 1000 for the footprint check)
#   --workers N    workers per generation (LAT_WORKERS, 2)
#   --starts N     bare starts of one worker to time (LAT_STARTS, 10)
#   --aot          also measure a NativeAOT publish of the worker (needs clang and zlib1g-dev: installed if missing)
#   --aot-only     only the NativeAOT worker (e.g. with --upgrades 1000 --starts 1 for the footprint check)
#   --out FILE     Markdown (bench/results/upgrade-latency.md)
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
UPGRADES=${LAT_UPGRADES:-20} WORKERS=${LAT_WORKERS:-2} STARTS=${LAT_STARTS:-10} AOT=0 FD=1 OUT=$BENCH_DIR/results/upgrade-latency.md
while [ $# -gt 0 ]; do
  case $1 in
    --upgrades) UPGRADES=$2; shift ;;
    --workers) WORKERS=$2; shift ;;
    --starts) STARTS=$2; shift ;;
    --aot) AOT=1 ;;
    --aot-only) AOT=1 FD=0 ;;
    --out) OUT=$2; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
bench_dirs upgrade-latency
trap 'rm -rf "$SOCK_DIR"' EXIT
ensure_tools curl:curl
publish_fdhandoff
[ "$AOT" = 1 ] && publish_worker_aot
{
  echo "# Upgrade latency"
  echo
  echo "Run $(date '+%Y-%m-%d %H:%M') at commit \`$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null)\` by \`bench/upgrade-latency.sh\`, $(nproc) CPUs; no load from the bench but the probe (a fresh connection every ~1 ms); other jobs may share the machine."
  echo "Targets (issue 3): request -> every new worker ready <= one worker's start-to-ready + 50 ms (median);"
  echo "with a NativeAOT worker, request -> first response from the new generation <= 100 ms (median)."
  echo
} > "$OUT"
run() {
  "$PY" "$BENCH_DIR/lib/upgrade_latency.py" --supervisor "$BUILD_DIR/supervisor/fdhandoff" --worker "$1" \
    --workers "$WORKERS" --upgrades "$UPGRADES" --starts "$STARTS" --work "$RAW/$2" --sock-dir "$SOCK_DIR" --out "$OUT" --label "$2"
}
[ "$FD" = 1 ] && run "$BUILD_DIR/worker/fdhandoff-worker" framework-dependent
[ "$AOT" = 1 ] && run "$BUILD_DIR/worker-aot/fdhandoff-worker" nativeaot
log "table: $OUT; raw logs: $RAW"
