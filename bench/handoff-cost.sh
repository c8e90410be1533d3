#!/usr/bin/env bash
# Hand-off cost: time for the supervisor to hand 1, 100 and 1,000 listeners to a worker (batches of 253).
# usage: bench/handoff-cost.sh [--counts 1,100,1000] [--upgrades 5] [--out FILE] [--publish]
#   table: bench/results/latest/handoff-cost.md (ignored by git); --publish also copies it to bench/results/
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
COUNTS=1,100,1000 UPGRADES=5 OUT=$(results_file handoff-cost) PUBLISH=0
while [ $# -gt 0 ]; do
  case $1 in
    --counts) COUNTS=$2; shift ;;
    --upgrades) UPGRADES=$2; shift ;;
    --out) OUT=$2; shift ;;
    --publish) PUBLISH=1 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
bench_dirs handoff-cost
trap 'rm -rf "$SOCK_DIR"' EXIT
publish_fdhandoff
ulimit -n 65536 2>/dev/null || true
"$PY" "$BENCH_DIR/lib/handoff_cost.py" --supervisor "$BUILD_DIR/supervisor/fdhandoff" --worker "$BUILD_DIR/worker/fdhandoff-worker" \
  --counts "$COUNTS" --upgrades "$UPGRADES" --work "$RAW" --sock-dir "$SOCK_DIR" --out "$OUT"
log "table: $OUT; raw logs: $RAW"
[ "$PUBLISH" = 1 ] && publish_results "$OUT" handoff-cost
