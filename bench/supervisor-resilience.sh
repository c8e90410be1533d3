#!/usr/bin/env bash
# Supervisor resilience (issue 21): the supervisor replaced in place and the supervisor killed, under live
# counter connections, with the NativeAOT supervisor and worker (out/publish, or FDH_PUBLISHED).
#  1. Re-exec: N x `fdhandoff reexec --json` in a row; request -> new image serving as the supervisor measures it
#     (ElapsedMs, also log event 475) and the CLI's wall time, median / p90 / max (target: under 100 ms); the
#     supervisor's open fds and VmRSS before and after (flat); same pid, same workers.
#  2. Crash adoption with each number of connections: `kill -9` the supervisor, start it at once with the same
#     command line (same config, same --control-socket); kill -> its `Adopted` line (event 489, FDHANDOFF_LOG=json)
#     and kill -> `fdhandoff status --json` listing the same worker pids; afterwards every connection still open
#     and counting (no disconnect, no protocol error, no stall, no line unanswered).
#  3. For each event: p99 of the counter lines answered in its window (BEFORE s before it to AFTER s after it
#     ended) against the same client's lines before it (baseline).
#
# usage: bench/supervisor-resilience.sh [options]
#   --sizes A,B,...     connections of each crash-adoption round          (10,1000,10000)
#   --reexecs N         re-execs in a row, one every --gap s (0: none)     (20)
#   --reexec-connections C   counter connections open during the re-execs (1000)
#   --gap S             seconds from one re-exec request to the next       (1)
#   --rate R            lines/s asked of a client in all: each connection sends a line every
#                       max(100 ms, connections / R s), one in flight     (2000)
#   --baseline S        seconds of baseline once every connection ticks    (4)
#   --workers N         workers                                            (FDH_WORKERS, 2)
#   --before S / --after S   event window around an event                  (0.5 / 2)
#   --publish           copy the table to bench/results/supervisor-resilience.md (the committed figures)
#   --out FILE          also copy the table to FILE
#   --smoke             --sizes 10,100 --reexecs 5 --reexec-connections 100 --baseline 2
# Table: bench/results/latest/supervisor-resilience.md; raw logs: bench/results/raw/supervisor-resilience-<run>/
# (both ignored by git). Ends with "CHECK name: ok|FAIL why" lines (re-execs ok with the same pid and workers;
# fds and VmRSS flat; each adoption: every worker adopted, status lists the same pids, every connection kept;
# no worker of this run left) and "bench: N passed, N failed"; exits 1 if a check failed. The targets (re-exec
# under 100 ms) are reported in the table, not checked.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"

SIZES=10,1000,10000 REEXECS=20 REEXEC_CONNS=1000 GAP=1 RATE=2000 BASELINE=4 BEFORE=0.5 AFTER=2
FDH_WORKERS=${FDH_WORKERS:-2}
PUBLISH=0 OUT= SMOKE=0
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) SIZES=$2; shift ;;
    --reexecs) REEXECS=$2; shift ;;
    --reexec-connections) REEXEC_CONNS=$2; shift ;;
    --gap) GAP=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --baseline) BASELINE=$2; shift ;;
    --workers) FDH_WORKERS=$2; shift ;;
    --before) BEFORE=$2; shift ;;
    --after) AFTER=$2; shift ;;
    --publish) PUBLISH=1 ;;
    --out) OUT=$2; shift ;;
    --smoke) SMOKE=1 SIZES=10,100 REEXECS=5 REEXEC_CONNS=100 BASELINE=2 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[[ $SIZES =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--sizes wants numbers separated by commas, not '$SIZES'"
for v in reexecs:REEXECS reexec-connections:REEXEC_CONNS rate:RATE workers:FDH_WORKERS; do
  n=${v#*:}; [[ ${!n} =~ ^[0-9]+$ ]] || die "--${v%%:*} must be a whole number, not '${!n}'"
done
for v in gap:GAP baseline:BASELINE before:BEFORE after:AFTER; do
  n=${v#*:}; [[ ${!n} =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--${v%%:*} must be a number of seconds, not '${!n}'"
done
[ "$RATE" -ge 1 ] && [ "$FDH_WORKERS" -ge 1 ] && [ "$REEXEC_CONNS" -ge 1 ] || die "--rate, --workers and --reexec-connections must be at least 1"
IFS=, read -ra SIZE_LIST <<< "$SIZES"
for n in "${SIZE_LIST[@]}"; do [ "$n" -ge 1 ] || die "--sizes: each at least 1"; done

bench_dirs supervisor-resilience
use_aot_programs
FDH=$(supervisor_bin) WORKER=$BENCH_WORKER_AOT
export FdHandoffWorker__WarmUp=   # the workers inherit it: no HTTP warm-up (this bench's subject is the counter service)

# 10,000 client connections, and as many in the workers: past the usual 1,024.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n) MAXN=$REEXEC_CONNS
for n in "${SIZE_LIST[@]}"; do [ "$n" -gt "$MAXN" ] && MAXN=$n; done
[ "$NOFILE" -gt $((MAXN + 200)) ] || log "warning: ulimit -n is $NOFILE, too low for $MAXN connections"

CTL=$SOCK_DIR/fdhandoff.sock
STATE=$CTL.state
PORT=$(free_port) HTTP_PORT=$(free_port)
ALL_PIDS=$RAW/worker-pids.txt   # every worker pid this run saw (after a kill -9 they are nobody's children here)
: > "$ALL_PIDS"; : > "$RAW/supervisors.txt"
sup_pid= client_pid= SUP_N=0

# A worker pid of this run, still running (and still that program: a pid can be reused).
our_worker() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -q "$WORKER"; }
leftover_workers() { local p; for p in $(sort -un "$ALL_PIDS"); do our_worker "$p" && echo "$p"; done; }

# SIGTERM the supervisor (it drains its workers, adopted ones included), then make sure no worker of this run is
# left: after a kill -9 they are not the children of any supervisor we started. Prints the pids it had to kill.
stop_all() {
  local left p i
  if [ -n "$sup_pid" ]; then kill -TERM "$sup_pid" 2>/dev/null; wait "$sup_pid" 2>/dev/null; sup_pid=; fi
  for ((i = 0; i < 150; i++)); do left=$(leftover_workers); [ -z "$left" ] && break; sleep 0.1; done
  [ -z "$left" ] && return 0
  for p in $left; do kill -TERM "$p" 2>/dev/null; done
  for ((i = 0; i < 50; i++)); do [ -z "$(leftover_workers)" ] && break; sleep 0.1; done
  for p in $(leftover_workers); do kill -KILL "$p" 2>/dev/null; done
  echo $left
}
cleanup() {
  [ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null && wait "$client_pid" 2>/dev/null
  local left; left=$(stop_all)
  [ -z "$left" ] || log "warning: workers left after the supervisor stopped (killed): $left"
  rm -rf "$SOCK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat > "$RAW/fdhandoff.json" <<JSON
{
  "Listeners": { "http": "tcp://127.0.0.1:$HTTP_PORT", "counter": "tcp://127.0.0.1:$PORT" },
  "Workers": { "Command": "$WORKER", "Count": $FDH_WORKERS, "DrainTimeout": "00:00:10", "OrphanTimeout": "00:00:30" }
}
JSON

# Starts a supervisor on the config and control socket (the same command line every time); its output, one JSON
# object per line, goes to supervisor-K.log (the workers it spawns write there too, also after it died).
start_supervisor() {
  SUP_N=$((SUP_N + 1))
  env -u FDHANDOFF_SOCKET -u FDHANDOFF_TOKEN -u FDHANDOFF_GENERATION -u FDHANDOFF_SLOT -u FDHANDOFF_CONTROL_SOCKET FDHANDOFF_LOG=json \
    "$FDH" --config "$RAW/fdhandoff.json" --control-socket "$CTL" >> "$RAW/supervisor-$SUP_N.log" 2>&1 &
  sup_pid=$!
  echo "$SUP_N $sup_pid $(now)" >> "$RAW/supervisors.txt"
}
status_json() { "$FDH" status --control-socket "$CTL" --json 2>/dev/null; }
# The worker pids a status reply lists, sorted, space-separated ("pid" in camelCase is a worker's; the supervisor's is "supervisorPid").
pids_of() { grep -o '"pid":[0-9]*' <<< "$1" | cut -d: -f2 | sort -n | tr '\n' ' ' | sed 's/ $//'; }
sup_pid_of() { grep -o '"supervisorPid":[0-9]*' <<< "$1" | cut -d: -f2; }
fds_of() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
fd_list() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -printf '%f -> %l\n' 2>/dev/null | sort -n; }
rss_kb_of() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# Waits (up to 30 s) until status lists FDH_WORKERS workers of the running supervisor, all ready; sets PIDS.
wait_workers() {
  local js i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$sup_pid" 2>/dev/null || return 1
    js=$(status_json) && [ "$(grep -o '"pid":' <<< "$js" | wc -l)" = "$FDH_WORKERS" ] && [ "$(grep -o '"state":"ready"' <<< "$js" | wc -l)" = "$FDH_WORKERS" ] && {
      PIDS=$(pids_of "$js"); tr ' ' '\n' <<< "$PIDS" >> "$ALL_PIDS"; return 0; }
    sleep 0.1
  done
  return 1
}
# Waits (up to 10 s) until the state file beside the control socket names every worker of PIDS: what a supervisor
# started after a kill -9 reads (rewritten within 200 ms of a change).
wait_state_file() {
  local i p ok
  for ((i = 0; i < 100; i++)); do
    ok=1; for p in $PIDS; do grep -q "\"pid\":$p[,}]" "$STATE" 2>/dev/null || { ok=0; break; }; done
    [ $ok = 1 ] && return 0
    sleep 0.1
  done
  return 1
}
# One line every max(100 ms, N / RATE s) per connection.
interval_ms() { local n=$1 ms; ms=$(( n * 1000 / RATE )); [ "$ms" -lt 100 ] && ms=100; echo "$ms"; }
# start_client DIR N INTERVAL_MS: live_client.py with N connections; returns once they are open.
start_client() {
  local d=$1 i
  "$PY" "$BENCH_DIR/lib/live_client.py" run 127.0.0.1 "$PORT" --connections "$2" --interval-ms "$3" \
    --ready "$d/client.ready" --stop "$d/client.stop" --out "$d" > "$d/client.out" 2> "$d/client.err" &
  client_pid=$!
  for ((i = 0; i < 2400; i++)); do [ -s "$d/client.ready" ] && break; kill -0 "$client_pid" 2>/dev/null || break; sleep 0.05; done
  [ -s "$d/client.ready" ] || { log "the client did not open its connections (see $d/client.err)"; return 1; }
  log "client: $(cat "$d/client.ready")"
}
stop_client() {
  touch "$1/client.stop"
  wait "$client_pid"; local rc=$?; client_pid=
  [ $rc = 0 ] || log "the client exited with $rc (see $1/client.err)"
}
# Seconds (decimal) to sleep for the baseline: every connection ticks within 1.1 intervals, then BASELINE s.
settle_s() { awk -v i="$1" -v b="$BASELINE" 'BEGIN { printf "%.3f", i * 1.1 / 1000 + b }'; }

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
log "supervisor with $FDH_WORKERS NativeAOT workers, counter on 127.0.0.1:$PORT; load average $LOAD0"
start_supervisor
"$PY" "$BENCH_DIR/lib/live_client.py" probe 127.0.0.1 "$PORT" 60 \
  || die "no counter service answers on 127.0.0.1:$PORT (see $RAW/supervisor-1.log)"
wait_workers || die "status does not list $FDH_WORKERS running workers (see $RAW/supervisor-1.log)"
log "workers: $PIDS"

failed_round=
# ---------------------------------------------------------------- 1. re-exec
if [ "$REEXECS" -gt 0 ]; then
  d=$RAW/reexec; mkdir -p "$d"; : > "$d/reexec.txt"
  iv=$(interval_ms "$REEXEC_CONNS")
  if start_client "$d" "$REEXEC_CONNS" "$iv"; then
    ready=$(now)
    sleep "$(settle_s "$iv")"
    pids_before=$PIDS fds0=$(fds_of "$sup_pid") rss0=$(rss_kb_of "$sup_pid")
    fd_list "$sup_pid" > "$d/fds-before.txt"
    log "$REEXECS re-execs, one every ${GAP} s, $REEXEC_CONNS connections open (supervisor: $fds0 fds, VmRSS $rss0 kB)"
    t_start=$(now_us) gap_us=$(awk -v g="$GAP" 'BEGIN { printf "%d", g * 1000000 }')
    for ((i = 0; i < REEXECS; i++)); do
      sleep_until_us $(( t_start + i * gap_us ))
      t0=$(now)
      out=$("$FDH" reexec --control-socket "$CTL" --json --timeout 30 2>> "$d/reexec-cmd.err"); rc=$?
      t1=$(now)
      echo "$t0 $t1 $rc $(fds_of "$sup_pid") $(rss_kb_of "$sup_pid") ${out//$'\n'/ }" >> "$d/reexec.txt"
      [ $rc = 0 ] || log "re-exec $((i + 1)) failed (rc=$rc, see $d/reexec-cmd.err)"
      [ $i = 0 ] && fd_list "$sup_pid" > "$d/fds-after-first.txt"
    done
    sleep "$AFTER"; sleep 0.5
    js=$(status_json)
    fds1=$(fds_of "$sup_pid") rss1=$(rss_kb_of "$sup_pid")
    fd_list "$sup_pid" > "$d/fds-after.txt"
    { echo "connections=$REEXEC_CONNS"; echo "interval_ms=$iv"; echo "ready=$ready"; echo "end=$(now)"
      echo "sup_pid=$sup_pid"; echo "sup_pid_after=$(sup_pid_of "$js")"
      echo "pids_before=$pids_before"; echo "pids_after=$(pids_of "$js")"
      echo "fds_before=$fds0"; echo "rss_kb_before=$rss0"; echo "fds_after=$fds1"; echo "rss_kb_after=$rss1"; } > "$d/round.txt"
    stop_client "$d"
    log "re-execs done (supervisor: $fds1 fds, VmRSS $rss1 kB)"
  else
    kill "$client_pid" 2>/dev/null; wait "$client_pid" 2>/dev/null; client_pid=
    echo "connections=$REEXEC_CONNS" > "$d/round.txt"; echo "interval_ms=$iv" >> "$d/round.txt"
  fi
fi

# ---------------------------------------------------------------- 2. crash adoption
for n in "${SIZE_LIST[@]}"; do
  d=$RAW/adopt-$n; mkdir -p "$d"
  iv=$(interval_ms "$n")
  { echo "connections=$n"; echo "interval_ms=$iv"; } > "$d/round.txt"
  [ -z "$failed_round" ] || { log "adoption with $n connections skipped: $failed_round"; continue; }
  start_client "$d" "$n" "$iv" || { kill "$client_pid" 2>/dev/null; wait "$client_pid" 2>/dev/null; client_pid=; continue; }
  ready=$(now)
  sleep "$(settle_s "$iv")"
  wait_state_file || log "warning: $STATE does not name every worker ($PIDS)"
  old=$sup_pid
  log "kill -9 supervisor $old with $n connections open"
  t_kill=$(now); kill -KILL "$old"; wait "$old" 2>/dev/null; t_dead=$(now)
  start_supervisor; t_started=$(now)
  # Polled until the new supervisor answers status with the same worker pids (refused while it adopts).
  t_status= t_call= polls=0 last= js=
  for ((k = 0; k < 3000; k++)); do
    polls=$((polls + 1))
    t_call=$(now)
    if js=$(status_json) && [ "$(sup_pid_of "$js")" = "$sup_pid" ]; then
      last=$(pids_of "$js")
      [ "$last" = "$PIDS" ] && { t_status=$(now); break; }
    fi
    kill -0 "$sup_pid" 2>/dev/null || { failed_round="the supervisor started after the kill exited (see $RAW/supervisor-$SUP_N.log)"; break; }
    (( k < 1000 )) && sleep 0.005 || sleep 0.05
  done
  [ -n "$t_status" ] || { log "status did not list the workers $PIDS again (last: ${last:-none})"; [ -n "$failed_round" ] || failed_round="no adoption with $n connections"; }
  log "adopted by $sup_pid: status lists $last $(awk -v a="$t_kill" -v b="${t_status:-$t_kill}" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms after the kill"
  # Tail: the event window, and every connection sends at least once more after the adoption.
  tail=$(awk -v i="$iv" -v a="$AFTER" 'BEGIN { t = i * 1.1 / 1000 + 1; if (a + 0.5 > t) t = a + 0.5; printf "%.3f", t }')
  sleep "$tail"
  { echo "ready=$ready"; echo "t_kill=$t_kill"; echo "t_dead=$t_dead"; echo "t_started=$t_started"
    echo "old_pid=$old"; echo "new_pid=$sup_pid"; echo "log=supervisor-$SUP_N.log"; echo "t_status=$t_status"; echo "t_status_call=$t_call"; echo "polls=$polls"
    echo "pids_before=$PIDS"; echo "pids_after=$last"; echo "end=$(now)"
    echo "fds_after=$(fds_of "$sup_pid")"; echo "rss_kb_after=$(rss_kb_of "$sup_pid")"; } >> "$d/round.txt"
  stop_client "$d"
  # status of the adopting supervisor: more workers than before (a respawn) would be new pids to clean up
  js=$(status_json) && pids_of "$js" | tr ' ' '\n' >> "$ALL_PIDS"
done

LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
stop_all > "$RAW/leftovers.txt"
[ -s "$RAW/leftovers.txt" ] && log "warning: workers left after the supervisor stopped (killed): $(cat "$RAW/leftovers.txt")"

COMMIT=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$REPO_DIR" diff --quiet HEAD -- src 2>/dev/null && [ -z "$(git -C "$REPO_DIR" ls-files --others --exclude-standard src)" ] || COMMIT="$COMMIT (src/ with uncommitted changes)"
args=(); [ "$SMOKE" = 1 ] && args=(--smoke) || args=(--sizes "$SIZES" --reexecs "$REEXECS" --reexec-connections "$REEXEC_CONNS")
TABLE=$(results_file supervisor-resilience)
"$PY" "$BENCH_DIR/lib/supervisor_resilience.py" "$RAW" "$TABLE" --commit "$COMMIT" --workers "$FDH_WORKERS" --rate "$RATE" \
  --before "$BEFORE" --after "$AFTER" --command "bench/supervisor-resilience.sh ${args[*]}" --load "$LOAD0 at the start, $LOAD1 at the end"
status=$?
cp "$TABLE" "$RAW/supervisor-resilience.md"
[ "$PUBLISH" = 1 ] && publish_results "$TABLE" supervisor-resilience
[ -n "$OUT" ] && cp "$TABLE" "$OUT"
log "table: $TABLE; raw logs: $RAW"
exit $status
