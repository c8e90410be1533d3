#!/usr/bin/env bash
# Live connections through upgrades (issue 10): long-lived connections to the worker's counter service
# (every line answered "<n> <line>", n counting per connection) stay open while the supervisor upgrades
# the workers again and again; each connection must survive, every line be answered once, n never
# reset or skip. One run: a baseline phase without upgrades, then the upgrade phase.
#
# usage: bench/live-connections.sh [options]
#   --connections C     long-lived connections                              (LIVE_CONNECTIONS, 1000)
#   --upgrades N        upgrades in the upgrade phase; the next one starts once the generation the last
#                       one replaced has exited (or its schedule, if later)   (LIVE_UPGRADES, 20)
#   --duration S        upgrade phase, seconds (longer if the upgrades need it) (LIVE_DURATION, 60)
#   --baseline S        baseline phase before the first upgrade, seconds   (LIVE_BASELINE, 10)
#   --interval MS       each connection sends a line every ~MS ms, one in flight (LIVE_INTERVAL_MS, 100)
#   --workers N         workers per generation                             (FDH_WORKERS, 2)
#   --target HOST:PORT  no supervisor: run the client against a counter service already listening there
#                       (upgrades then only with --control-socket or --upgrade-cmd)
#   --control-socket P  with --target: upgrade that supervisor with `fdhandoff upgrade --control-socket P`
#   --supervisor-log F  with --target: that supervisor's log (followed from now on), for the upgrade
#                       windows, the moved and the drain figures
#   --upgrade-cmd CMD   run CMD (a shell command) for each upgrade instead of `fdhandoff upgrade`
#   --publish           copy the report to bench/results/live-connections.md (the committed figures)
#   --out FILE          also copy the report to FILE
#   --smoke             50 connections, 3 upgrades, 6 s + 2 s baseline, with --check (for CI): the NativeAOT
#                       supervisor and worker the package ships (FDH_PUBLISHED from .ci/run, else out/publish),
#                       the workers' HTTP warm-up off (this bench's subject is the counter service, not HTTP)
#   --check             exit 1 unless every connection opened and survived, no line was lost, answered
#                       twice or numbered wrong, and every upgrade succeeded. Ends with
#                       "bench: N passed, N failed".
#
# Prints one line:
#   RESULT connections=<n> opened=<n> survived=<n> disconnects=<n> stalls=<n> protocol_errors=<n> unanswered=<n> lines=<n>
#          upgrades=<ok>/<n> baseline_p99_ms=<x> crossing_p99_ms=<x> crossing_lines=<n> moved=<n> kept=<n> closed=<n> moved_per_s=<x|n/a>
#          drain_to_exit_ms_median=<x|n/a> drain_to_exit_ms_max=<x|n/a>
# Report and raw logs: bench/results/raw/live-connections-<run>/ (not committed).
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"

CONNS=${LIVE_CONNECTIONS:-1000}
UPGRADES=${LIVE_UPGRADES:-20}
DURATION=${LIVE_DURATION:-60}
BASELINE=${LIVE_BASELINE:-10}
INTERVAL_MS=${LIVE_INTERVAL_MS:-100}
FDH_WORKERS=${FDH_WORKERS:-2}
TARGET= CTL= SUP_LOG_IN= UPGRADE_CMD= PUBLISH=0 OUT= CHECK=0 SMOKE=0
while [ $# -gt 0 ]; do
  case $1 in
    --connections) CONNS=$2; shift ;;
    --upgrades) UPGRADES=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --baseline) BASELINE=$2; shift ;;
    --interval) INTERVAL_MS=$2; shift ;;
    --workers) FDH_WORKERS=$2; shift ;;
    --target) TARGET=$2; shift ;;
    --control-socket) CTL=$2; shift ;;
    --supervisor-log) SUP_LOG_IN=$2; shift ;;
    --upgrade-cmd) UPGRADE_CMD=$2; shift ;;
    --publish) PUBLISH=1 ;;
    --out) OUT=$2; shift ;;
    --check) CHECK=1 ;;
    --smoke) SMOKE=1 CHECK=1 CONNS=50 UPGRADES=3 DURATION=6 BASELINE=2 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
for v in connections:CONNS upgrades:UPGRADES duration:DURATION baseline:BASELINE interval:INTERVAL_MS workers:FDH_WORKERS; do
  n=${v#*:}; [[ ${!n} =~ ^[0-9]+$ ]] || die "--${v%%:*} must be a whole number, not '${!n}'"
done
[ "$CONNS" -ge 1 ] || die "--connections must be at least 1"
[ -z "$CTL$SUP_LOG_IN" ] || [ -n "$TARGET" ] || die "--control-socket and --supervisor-log go with --target (without it the bench starts its own supervisor)"
if [ -n "$TARGET" ]; then
  [[ $TARGET =~ ^(.+):([0-9]+)$ ]] || die "--target wants HOST:PORT, not '$TARGET'"
  HOST=${BASH_REMATCH[1]} PORT=${BASH_REMATCH[2]}
  HOST=${HOST#[}; HOST=${HOST%]}
fi

RUN_ID=$(date +%Y%m%d-%H%M%S)
RAW=$BENCH_DIR/results/raw/live-connections-$RUN_ID
BUILD_DIR=${BUILD_DIR:-$REPO_DIR/bench/.build}
mkdir -p "$RAW" "$BUILD_DIR"
# Unix socket paths are limited to 107 bytes: the control socket lives in a short directory.
SOCK_DIR=$(mktemp -d /tmp/fdhb.XXXXXX)
WORKER=$BUILD_DIR/worker/fdhandoff-worker WORKER_BUILD=framework-dependent
if [ "$SMOKE" = 1 ] && { [ -z "$TARGET" ] || { [ -n "$CTL" ] && [ -z "$UPGRADE_CMD" ]; }; }; then
  use_aot_programs; WORKER=$BENCH_WORKER_AOT WORKER_BUILD=NativeAOT
  export FdHandoffWorker__WarmUp=   # the workers inherit it: no HTTP warm-up, CPU saved per upgrade
elif [ -z "$TARGET" ] || { [ -n "$CTL" ] && [ -z "$UPGRADE_CMD" ]; }; then publish_fdhandoff; fi
FDH=$(supervisor_bin)

# 1,000 client connections, and as many in the supervisor and each worker: past the usual 1,024.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
[ "$NOFILE" -gt $((CONNS + 200)) ] || log "warning: ulimit -n is $NOFILE, too low for $CONNS connections"

sup_pid= client_pid=
cleanup() {
  [ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null && wait "$client_pid" 2>/dev/null
  if [ -n "$sup_pid" ]; then
    # This supervisor's own workers (its children): another bench may run the same worker binary beside this one.
    local mine left p; mine=$(pgrep -P "$sup_pid" 2>/dev/null)
    kill -TERM "$sup_pid" 2>/dev/null; wait "$sup_pid" 2>/dev/null
    left=$(for p in $mine; do kill -0 "$p" 2>/dev/null && echo "$p"; done)
    [ -z "$left" ] || log "warning: workers left after the supervisor stopped: $left"
  fi
  rm -rf "$SOCK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Each line of the supervisor's output, prefixed with its arrival time (epoch seconds and a tab): the
# upgrade windows need the same clock as the client's lines.
stamp_lines() {
  "$PY" -u -c 'import sys, time
out = open(sys.argv[1], "a", buffering=1)
for line in iter(sys.stdin.readline, ""):
    out.write(f"{time.time():.6f}\t{line}")' "$1"
}

SLOG=$RAW/supervisor.log
if [ -z "$TARGET" ]; then
  HOST=127.0.0.1 PORT=$(free_port) HTTP_PORT=$(free_port)
  CTL=$SOCK_DIR/fdhandoff.sock
  cat > "$RAW/fdhandoff.json" <<JSON
{
  "Listeners": { "http": "tcp://127.0.0.1:$HTTP_PORT", "counter": "tcp://127.0.0.1:$PORT" },
  "Workers": { "Command": "$WORKER", "Count": $FDH_WORKERS, "DrainTimeout": "00:00:10" }
}
JSON
  log "supervisor with $FDH_WORKERS workers, counter on 127.0.0.1:$PORT"
  env -u FDHANDOFF_SOCKET -u FDHANDOFF_TOKEN -u FDHANDOFF_GENERATION -u FDHANDOFF_SLOT -u FDHANDOFF_CONTROL_SOCKET \
    "$FDH" --config "$RAW/fdhandoff.json" --control-socket "$CTL" > >(stamp_lines "$SLOG") 2>&1 &
  sup_pid=$!
elif [ -n "$SUP_LOG_IN" ]; then
  # Someone else's supervisor: follow its log, stamped like ours.
  touch "$SLOG"; tail -n0 -s 0.1 -F "$SUP_LOG_IN" 2>/dev/null > >(stamp_lines "$SLOG") & tail_pid=$!
  trap 'kill $tail_pid 2>/dev/null; cleanup' EXIT
fi

"$PY" "$BENCH_DIR/lib/live_client.py" probe "$HOST" "$PORT" 120 \
  || die "no counter service answers on $HOST:$PORT (does the worker serve the counter protocol on listener 'counter'? see $SLOG)"
sleep 0.5   # let every worker come up, not just the first one to answer

upgrade_once() {
  if [ -n "$UPGRADE_CMD" ]; then bash -c "$UPGRADE_CMD"
  else "$FDH" upgrade --control-socket "$CTL" --timeout 120; fi
}
# Generation the upgrade that started at epoch T0 retired, from the log ("Upgrade from generation G starting").
retired_gen() {
  [ -s "$SLOG" ] || return 1
  awk -F'\t' -v t0="$1" '$1 >= t0 - 0.05 && $2 !~ /fdhandoff-worker\[/ && match($2, /Upgrade from generation [0-9]+ starting/) {
    s = substr($2, RSTART, RLENGTH); split(s, w, " "); print w[4]; exit }' "$SLOG"
}
# True once every worker of generation G that was told to drain has exited.
gen_gone() {
  local d e
  # the supervisor's lines only: a worker may log about itself in the same words
  d=$(grep -v 'fdhandoff-worker\[' "$SLOG" | grep -cE "Worker [0-9]+ of generation $1 draining")
  e=$(grep -v 'fdhandoff-worker\[' "$SLOG" | grep -cE "Worker [0-9]+ of generation $1 (exited|crashed)")
  [ "$d" -gt 0 ] && [ "$e" -ge "$d" ]
}

READY=$RAW/client.ready STOP=$RAW/client.stop
"$PY" "$BENCH_DIR/lib/live_client.py" run "$HOST" "$PORT" --connections "$CONNS" --interval-ms "$INTERVAL_MS" \
  --ready "$READY" --stop "$STOP" --out "$RAW" > "$RAW/client.out" 2> "$RAW/client.err" &
client_pid=$!
for ((i = 0; i < 1200; i++)); do [ -s "$READY" ] && break; kill -0 "$client_pid" 2>/dev/null || break; sleep 0.05; done
[ -s "$READY" ] || die "the client did not open its connections (see $RAW/client.err)"
log "client: $(cat "$READY")"

b0=$(now); sleep "$BASELINE"; b1=$(now)
echo "baseline $b0 $b1" > "$RAW/phases.txt"
: > "$RAW/upgrades.txt"
do_upgrades=1
[ -n "$TARGET" ] && [ -z "$CTL" ] && [ -z "$UPGRADE_CMD" ] && { do_upgrades=0; log "no supervisor to upgrade: the upgrade phase runs without upgrades"; }
log "baseline done; $UPGRADES upgrades over ${DURATION}s"
t_start=$(now_us)
gap_us=$(( DURATION * 1000000 / (UPGRADES + 1) ))
if [ "$do_upgrades" = 1 ]; then
  for ((i = 1; i <= UPGRADES; i++)); do
    sleep_until_us $(( t_start + i * gap_us ))
    kill -0 "$client_pid" 2>/dev/null || { log "the client died"; break; }
    t0=$(now)
    upgrade_once >> "$RAW/upgrade-cmd.log" 2>&1; rc=$?
    t1=$(now)
    if [ $rc = 0 ]; then echo "$t0 $t1 ok" >> "$RAW/upgrades.txt"
    else echo "$t0 $t1 fail" >> "$RAW/upgrades.txt"; log "upgrade $i failed (rc=$rc, see $RAW/upgrade-cmd.log)"; fi
    # Windows apart: the next upgrade waits for the generation this one replaced to be gone (drain deadline 10 s).
    if g=$(retired_gen "$t0") && [ -n "$g" ]; then
      for ((w = 0; w < 300; w++)); do gen_gone "$g" && break; sleep 0.05; done
      gen_gone "$g" || log "upgrade $i: generation $g still draining after 15 s"
    fi
  done
fi
sleep_until_us $(( t_start + DURATION * 1000000 ))
sleep 1   # the last upgrade's lines come back before the stop
e1=$(now)
echo "upgrades $b1 $e1" >> "$RAW/phases.txt"
touch "$STOP"
wait "$client_pid"; crc=$?; client_pid=
[ $crc = 0 ] && [ -s "$RAW/client.json" ] || die "the client failed (rc=$crc, see $RAW/client.err)"

# LIVE_COMMIT names the binaries when BUILD_DIR holds another checkout's publish (with SKIP_PUBLISH=1).
COMMIT=${LIVE_COMMIT:-$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)}
DESC="$CONNS connections, each a line every ~$INTERVAL_MS ms (one in flight, ~20% of lines in two pieces); ${BASELINE} s baseline, then $UPGRADES upgrades over ${DURATION} s"
if [ -z "$TARGET" ]; then DESC="$DESC; supervisor with $FDH_WORKERS $WORKER_BUILD workers upgraded by \`fdhandoff upgrade\`"
else DESC="$DESC; target $TARGET${UPGRADE_CMD:+ upgraded by \`$UPGRADE_CMD\`}"; fi
REPORT=$RAW/live-connections.md
"$PY" "$BENCH_DIR/lib/live_report.py" "$RAW" "$REPORT" "$DESC" "$COMMIT" | tee "$RAW/result.txt" || die "the report failed"
[ "$PUBLISH" = 1 ] && cp "$REPORT" "$BENCH_DIR/results/live-connections.md" && log "published: bench/results/live-connections.md"
[ -n "$OUT" ] && cp "$REPORT" "$OUT"
log "report: $REPORT"

status=0
if [ "$CHECK" = 1 ]; then
  "$PY" - "$RAW/report.json" "$do_upgrades" <<'PY' || status=1
import json, sys
r = json.load(open(sys.argv[1])); upgrading = sys.argv[2] == "1"; bad = []
if r["opened"] < r["connections"]: bad.append(f"only {r['opened']} of {r['connections']} connections opened")
if r["survived"] < r["opened"]: bad.append(f"{r['opened'] - r['survived']} connections lost")
for k in ("disconnects", "stalls", "protocol_errors", "unanswered"):
    if r[k]: bad.append(f"{k.replace('_', ' ')} {r[k]}")
if upgrading:
    if r["upgrades_ok"] < r["upgrades"]: bad.append(f"{r['upgrades'] - r['upgrades_ok']} upgrades failed")
    if r["upgrades_ok"] < 1: bad.append("no upgrade done")
    if r["crossing_lines"] < 1: bad.append("no line crossed an upgrade")
if not r["lines_answered"]: bad.append("no line answered")
print(f"CHECK live-connections: {'FAILED ' + '; '.join(bad) if bad else 'ok'}" + (f" (first errors: {r['errors'][:2]})" if bad and r["errors"] else ""))
print(f"bench: {0 if bad else 1} passed, {1 if bad else 0} failed")
sys.exit(1 if bad else 0)
PY
fi
exit $status
