#!/usr/bin/env bash
# The NativeAOT supervisor against the framework-dependent one (this tree, both), in one run: exec -> first
# HTTP 200 through a worker and VmRSS after start (start rounds alternating between the builds), then VmRSS and
# open fds after start and every 100 upgrades over 1,000 upgrades, both supervisors running at the same time.
# Both run the same NativeAOT worker, one per generation, so that an upgrade is short and only the supervisor
# differs. Target (issue 15): the NativeAOT supervisor's VmRSS <= 40 MiB and flat.
# usage: bench/supervisor-aot.sh [--upgrades 1000] [--rounds 10] [--no-build] [--out FILE] [--publish]
#   table: bench/results/latest/supervisor-aot.md (ignored by git); --publish also copies it to bench/results/
#        bench/supervisor-aot.sh --smoke    # the NativeAOT supervisor alone, 30 upgrades; checks VmRSS <= 40 MiB,
#                                           # growth <= 4 MiB (<= 1 MiB over the second half), flat fds, no failed GET;
#                                           # last line "N passed, N failed"
#   --no-build  reuse the publishes in bench/.build (else they are redone when src/ changed)
# Needs clang and zlib1g-dev for the NativeAOT publishes (installed with apt-get if missing).
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
UPGRADES=1000 ROUNDS=10 EVERY=100 SMOKE=0 REUSE=--if-changed OUT=$(results_file supervisor-aot) PUBLISH=0
while [ $# -gt 0 ]; do
  case $1 in
    --upgrades) UPGRADES=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --publish) PUBLISH=1 ;;
    --no-build) REUSE=--reuse ;;
    --smoke) SMOKE=1 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done
if [ $SMOKE = 1 ]; then UPGRADES=30 ROUNDS=1 EVERY=10; fi
BUILD_DIR=${BUILD_DIR:-$REPO_DIR/bench/.build}
mkdir -p "$BUILD_DIR"
WORK=$(mktemp -d /tmp/fdh-supervisor-aot.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

# NativeAOT links with clang (zlib for the runtime's compression); a missing one is installed, as bench/ does elsewhere.
pk=()
command -v clang >/dev/null || pk+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || pk+=(zlib1g-dev)
[ ${#pk[@]} -eq 0 ] || apt_install "${pk[@]}"

publish() {  # publish NAME [fdh_publish options] PROGRAM: into $BUILD_DIR/NAME, timed (the time goes into the table)
  local name=$1 t0=$SECONDS; shift
  log "publishing $name (${*:1:$#-1}) into $BUILD_DIR/$name"
  fdh_publish --src "$REPO_DIR" $REUSE --log "$BUILD_DIR/publish-$name.log" "$@" "$BUILD_DIR/$name" || die "publish of $name failed"
  PUBLISH_S[$name]=$((SECONDS - t0))
}
declare -A PUBLISH_S
publish worker-aot --aot worker
publish supervisor-aot --aot supervisor
[ $SMOKE = 1 ] || publish supervisor-fd supervisor

AOT_SIZE=$(du -m "$BUILD_DIR/supervisor-aot/fdhandoff" | cut -f1)
builds=(--build "NativeAOT=$BUILD_DIR/supervisor-aot/fdhandoff")
if [ $SMOKE = 0 ]; then
  builds=(--build "framework-dependent=$BUILD_DIR/supervisor-fd/fdhandoff" "${builds[@]}")
fi
note="NativeAOT supervisor: one ${AOT_SIZE} MB executable."
[ $REUSE = --reuse ] || note+=" Publish times this run (0 = sources unchanged, reused): framework-dependent ${PUBLISH_S[supervisor-fd]:-?} s, NativeAOT ${PUBLISH_S[supervisor-aot]} s."

"$PY" "$BENCH_DIR/lib/supervisor_aot.py" "${builds[@]}" --worker "$BUILD_DIR/worker-aot/fdhandoff-worker" \
  --rounds "$ROUNDS" --upgrades "$UPGRADES" --sample-every "$EVERY" --work "$WORK" --note "$note" \
  $([ $SMOKE = 1 ] && echo --check NativeAOT || echo --out "$OUT")
rc=$?
if [ $rc != 0 ]; then KEEP=1; log "logs kept in $WORK"; exit $rc; fi
[ $SMOKE = 1 ] || log "table: $OUT"
[ "$SMOKE" = 0 ] && [ "$PUBLISH" = 1 ] && publish_results "$OUT" supervisor-aot
