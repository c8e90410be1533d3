#!/usr/bin/env bash
# Supervisor start-up, before and after a change, in one run: time from exec to "Generation 1 serving",
# to the first HTTP 200 through a worker, and the supervisor's VmRSS, over rounds that alternate between
# the two builds. Both run the same worker (this tree's), so only the supervisor differs.
# usage: bench/supervisor-start.sh [BEFORE_COMMIT] [--rounds 20] [--out FILE] [--publish]
#   table: bench/results/latest/supervisor-start.md (ignored by git); --publish also copies it to bench/results/
#   BEFORE_COMMIT defaults to 547ed9e (main before the ASP.NET Core integration left FdHandoff.Shared);
#   "after" is this working tree.
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
BEFORE=547ed9e ROUNDS=20 OUT=$(results_file supervisor-start) PUBLISH=0
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --publish) PUBLISH=1 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) BEFORE=$1 ;;
  esac
  shift
done
git -C "$REPO_DIR" rev-parse --verify -q "$BEFORE^{commit}" >/dev/null \
  || die "'$BEFORE' is not a commit of this repository: give the commit to compare against as the first argument"
BEFORE_SHA=$(git -C "$REPO_DIR" rev-parse --short "$BEFORE")
AFTER_SHA=$(git -C "$REPO_DIR" rev-parse --short HEAD)$(git -C "$REPO_DIR" diff --quiet HEAD -- src || echo +changes)
WORK=$(mktemp -d /tmp/fdh-supervisor-start.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

# "before": the commit's tree, exported (no worktree, nothing left in .git), published like this one.
mkdir -p "$WORK/before-src"
git -C "$REPO_DIR" archive "$BEFORE" | tar -x -C "$WORK/before-src" || die "git archive $BEFORE failed"
( REPO_DIR=$WORK/before-src BUILD_DIR=$WORK/before SKIP_PUBLISH= ; mkdir -p "$BUILD_DIR"; publish_fdhandoff ) || exit 1
( BUILD_DIR=$WORK/after SKIP_PUBLISH= ; mkdir -p "$BUILD_DIR"; publish_fdhandoff ) || exit 1
log "runtimeconfig of the supervisor: before names $(grep -o '"Microsoft\.[A-Za-z.]*"' "$WORK/before/supervisor/fdhandoff.runtimeconfig.json" | tr '\n' ' ')," \
    "after names $(grep -o '"Microsoft\.[A-Za-z.]*"' "$WORK/after/supervisor/fdhandoff.runtimeconfig.json" | tr '\n' ' ')"

mkdir -p "$(dirname "$OUT")"
"$PY" "$BENCH_DIR/lib/supervisor_start.py" \
  --build "before ($BEFORE_SHA)=$WORK/before/supervisor/fdhandoff" \
  --build "after ($AFTER_SHA)=$WORK/after/supervisor/fdhandoff" \
  --worker "$WORK/after/worker/fdhandoff-worker" --rounds "$ROUNDS" --work "$WORK/rounds" --out "$OUT" \
  --note "Supervisor runtimeconfig frameworks: before $(grep -o '"Microsoft\.[A-Za-z.]*"' "$WORK/before/supervisor/fdhandoff.runtimeconfig.json" | tr -d '"' | paste -sd+ -), after $(grep -o '"Microsoft\.[A-Za-z.]*"' "$WORK/after/supervisor/fdhandoff.runtimeconfig.json" | tr -d '"' | paste -sd+ -)." \
  || { KEEP=1; die "measurement failed (logs kept in $WORK/rounds)"; }
log "table: $OUT"
[ "$PUBLISH" = 1 ] && publish_results "$OUT" supervisor-start
