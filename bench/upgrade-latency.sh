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
#   --builds LIST  worker builds to measure, one after the other: r2r (framework-dependent, ReadyToRun: what
#                  run.sh and the package run), jit (framework-dependent without ReadyToRun: the build before
#                  issue 13), aot (NativeAOT; needs clang and zlib1g-dev: installed if missing)   (LAT_BUILDS, r2r)
#   --aot          the same as --builds r2r,aot
#   --aot-only     the same as --builds aot (e.g. with --upgrades 1000 --starts 1 for the footprint check)
#   --out FILE     Markdown (bench/results/latest/upgrade-latency.md, ignored by git)
#   --publish      also copy it to bench/results/upgrade-latency.md
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
UPGRADES=${LAT_UPGRADES:-20} WORKERS=${LAT_WORKERS:-2} STARTS=${LAT_STARTS:-10} BUILDS=${LAT_BUILDS:-r2r} OUT=$(results_file upgrade-latency) PUBLISH=0
while [ $# -gt 0 ]; do
  case $1 in
    --upgrades) UPGRADES=$2; shift ;;
    --workers) WORKERS=$2; shift ;;
    --starts) STARTS=$2; shift ;;
    --builds) BUILDS=$2; shift ;;
    --aot) BUILDS=r2r,aot ;;
    --aot-only) BUILDS=aot ;;
    --out) OUT=$2; shift ;;
    --publish) PUBLISH=1 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
bench_dirs upgrade-latency
trap 'rm -rf "$SOCK_DIR"' EXIT
ensure_tools curl:curl
publish_fdhandoff
[[ ,$BUILDS, == *,aot,* ]] && publish_worker_aot
[[ ,$BUILDS, == *,jit,* ]] && publish_worker_jit
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
IFS=, read -ra build_list <<<"$BUILDS"
for b in "${build_list[@]}"; do
  case $b in
    r2r) run "$BUILD_DIR/worker/fdhandoff-worker" framework-dependent-r2r ;;
    jit) run "$BUILD_DIR/worker-jit/fdhandoff-worker" framework-dependent-jit ;;
    aot) run "$BUILD_DIR/worker-aot/fdhandoff-worker" nativeaot ;;
    *) die "--builds: r2r, jit or aot, not '$b'" ;;
  esac
done
log "table: $OUT; raw logs: $RAW"
[ "$PUBLISH" = 1 ] && publish_results "$OUT" upgrade-latency
