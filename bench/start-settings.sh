#!/usr/bin/env bash
# Start-up settings of the framework-dependent worker: one worker alone, binding a port itself
# (ASPNETCORE_URLS), spawn -> first 200 and the CPU (utime + stime) it had used by then, for each runtime
# setting in turn, rounds alternating so the machine's drift hits all alike; medians compared.
# The settings are environment variables of the runtime (DOTNET_*), on the ReadyToRun publish that run.sh
# and the benchmarks run; the plain (JIT-only) publish is the reference before ReadyToRun.
#
# usage: bench/start-settings.sh [--rounds N] [--out FILE] [--publish]
#   --rounds N   starts per setting          (SST_ROUNDS, 10)
#   --out FILE   Markdown                    (bench/results/latest/start-settings.md, ignored by git)
#   --publish    also copy it to bench/results/start-settings.md
# Prints per setting:  START setting=<name> wall_ms=<median> cpu_ms=<median> (min-max over rounds)
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"

ROUNDS=${SST_ROUNDS:-10} OUT=$(results_file start-settings) PUBLISH=0
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --publish) PUBLISH=1 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
bench_dirs start-settings
trap 'rm -rf "$SOCK_DIR"' EXIT   # the raw folder stays, as for every bench (bench/results/raw, ignored by git)
publish_fdhandoff
publish_worker_jit
log "run $RUN_ID: $ROUNDS starts per setting"
"$PY" "$BENCH_DIR/lib/start_settings.py" --worker "$BUILD_DIR/worker/fdhandoff-worker" \
  --worker-jit "$BUILD_DIR/worker-jit/fdhandoff-worker" --rounds "$ROUNDS" --out "$OUT" \
  --commit "$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)" || die "measurement failed"
[ "$PUBLISH" = 1 ] && publish_results "$OUT" start-settings
log "table: $OUT"
