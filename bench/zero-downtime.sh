#!/usr/bin/env bash
# Zero-downtime benchmark: our supervisor + worker next to nginx reload, HAProxy seamless reload and a
# self-bound Kestrel restarted by stop+start, under the same wrk load, in one run.
#
# usage: bench/zero-downtime.sh [options]
#   --duration S        wrk duration per system and mode, seconds        (ZDT_DURATION, 20)
#   --upgrades N        upgrades spread evenly over the run              (ZDT_UPGRADES, 20)
#   --connections C     wrk connections                                  (ZDT_CONNECTIONS, 64)
#   --threads T         wrk threads                                      (ZDT_THREADS, 2)
#   --systems LIST      comma-separated, from: fdhandoff,nginx-reload,haproxy-reload,kestrel-restart
#                       (ZDT_SYSTEMS, those four); fdhandoff and kestrel-restart run the ReadyToRun publish
#                       of the worker; fdhandoff-aot, kestrel-restart-aot: its NativeAOT publish (clang and
#                       zlib1g-dev installed if missing); fdhandoff-jit, kestrel-restart-jit: its plain publish
#                       (no ReadyToRun). fdhandoff-cold, fdhandoff-aot-cold: with the worker's warm-up turned
#                       off (FdHandoffWorker__WarmUp empty), the before of it. A system may carry @N: fdhandoff@0
#                       runs with Workers:StartNice N.
#   --modes LIST        close (new connection per request, `Connection: close`) and/or keepalive
#                                                                        (ZDT_MODES, close,keepalive)
#   --workers N         fdhandoff workers per generation                 (FDH_WORKERS, 2)
#   --fdhandoff-upgrade sighup|cli   how fdhandoff is upgraded: kill -HUP, then wait for the supervisor's
#                       "Upgrade to generation N done" line; or `fdhandoff upgrade` (FDH_UPGRADE, sighup)
#   --start-nice N      Workers:StartNice of fdhandoff (FDH_START_NICE; unset: the supervisor's default)
#   --baseline          run each fdhandoff system first without upgrades (same load): its own p99 to compare with
#   --no-probe          do not run the probe (fresh connection every ~1 ms, longest gap, new-process time)
#   --timeline          also record requests/answers per 100 ms (wrk Lua script; costs some req/s) for bench/plot.py
#   --out FILE          Markdown table                  (bench/results/latest/zero-downtime.md, ignored by git)
#   --publish           also copy the table to bench/results/zero-downtime.md (and, with --timeline, the
#                       timeline data to bench/results/timeline and the picture to docs/img): a deliberate step
#   --no-install        do not apt-get install missing wrk/nginx/haproxy
#   --smoke             3 s, 2 upgrades, both modes, with --check (for CI): fdhandoff-aot only, the NativeAOT
#                       supervisor and worker the package ships (FDH_PUBLISHED from .ci/run, else out/publish)
#   --check             exit 1 if fdhandoff did not start, did no upgrade, had a failed upgrade, a socket
#                       error (connect/read/write) or a non-2xx; wrk timeouts and failed probes are
#                       reported only. Ends with "bench: N passed, N failed" (one per fdhandoff run).
#
# Prints one line per system and mode:
#   RESULT system=<name> mode=<close|keepalive> upgrades=<n> requests=<n> rps=<n> connect=<n> read=<n> write=<n> timeout=<n> non2xx=<n> p99_ms=<x>
# and, with the probe, one PROBE line. Raw logs: bench/results/raw/<run>/ (not committed).
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
source "$BENCH_DIR/lib/systems.sh"

DURATION=${ZDT_DURATION:-20}
UPGRADES=${ZDT_UPGRADES:-20}
CONNS=${ZDT_CONNECTIONS:-64}
THREADS=${ZDT_THREADS:-2}
SYSTEMS=${ZDT_SYSTEMS:-fdhandoff,nginx-reload,haproxy-reload,kestrel-restart}
MODES=${ZDT_MODES:-close,keepalive}
PROBE=1 TIMELINE=0 INSTALL=1 CHECK=0 SMOKE=0 PUBLISH=0 BASELINE=0
OUT=
while [ $# -gt 0 ]; do
  case $1 in
    --duration) DURATION=$2; shift ;;
    --upgrades) UPGRADES=$2; shift ;;
    --connections) CONNS=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --systems) SYSTEMS=$2; shift ;;
    --modes) MODES=$2; shift ;;
    --workers) FDH_WORKERS=$2; shift ;;
    --fdhandoff-upgrade) FDH_UPGRADE=$2; shift ;;
    --start-nice) FDH_START_NICE=$2; shift ;;
    --publish) PUBLISH=1 ;;
    --baseline) BASELINE=1 ;;
    --no-probe) PROBE=0 ;;
    --timeline) TIMELINE=1 ;;
    --out) OUT=$2; shift ;;
    --no-install) INSTALL=0 ;;
    --check) CHECK=1 ;;
    --smoke) SMOKE=1 CHECK=1 DURATION=3 UPGRADES=2 SYSTEMS=fdhandoff-aot ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[ "$THREADS" -le "$CONNS" ] || THREADS=$CONNS
RESULTS_DIR=$BENCH_DIR/results
if [ -z "$OUT" ]; then
  if [ "$SMOKE" = 1 ]; then OUT=$(results_file zero-downtime-smoke); else OUT=$(results_file zero-downtime); fi
fi
bench_dirs zero-downtime

need=(wrk:wrk curl:curl)
[[ ,$SYSTEMS, == *,nginx-reload,* ]] && need+=(nginx:nginx)
[[ ,$SYSTEMS, == *,haproxy-reload,* ]] && need+=(haproxy:haproxy)
if [ "$INSTALL" = 1 ]; then ensure_tools "${need[@]}"; fi
export PATH="$PATH:/usr/sbin:/sbin"
for spec in "${need[@]}"; do command -v "${spec%%:*}" >/dev/null || die "${spec%%:*} is missing"; done
if [ "$SMOKE" = 1 ]; then
  for system in ${SYSTEMS//,/ }; do
    [[ ${system%@*} == *-aot ]] || die "--smoke runs the NativeAOT programs: $system is not an -aot system"
  done
  use_aot_programs   # the NativeAOT pair, supervisor included: nothing else to publish
else
  if [[ ,$SYSTEMS, == *,fdhandoff* || ,$SYSTEMS, == *,kestrel-restart* ]]; then publish_fdhandoff; fi
  if [[ ,$SYSTEMS, == *-aot[-,@]* ]]; then publish_worker_aot; fi
  if [[ ,$SYSTEMS, == *-jit[-,@]* ]]; then publish_worker_jit; fi
fi

# wrk -c1000 and its servers need more than the usual 1,024 descriptors.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
probe_pid= wrk_pid=
cleanup() {
  [ -n "$wrk_pid" ] && kill "$wrk_pid" 2>/dev/null
  [ -n "$probe_pid" ] && kill "$probe_pid" 2>/dev/null
  [ -n "$_sys" ] && sys_stop
  rm -rf "$SOCK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gap_us=$(( DURATION * 1000000 / (UPGRADES + 1) ))
log "run $RUN_ID: systems=$SYSTEMS modes=$MODES wrk -t$THREADS -c$CONNS -d${DURATION}s, $UPGRADES upgrades every $((gap_us / 1000)) ms, probe=$PROBE timeline=$TIMELINE"

# run_one_named SYSTEM MODE NAME: results under NAME (a system run with other settings)
run_one_named() {
  local system=$1 mode=$2 name=$3 work=$RAW/$3-$2 port i t0 t1 rc ok=0 t_start deadline
  mkdir -p "$work"
  port=$(free_port)
  log "$system/$mode on 127.0.0.1:$port"
  if ! sys_start "$system" "$work" "$port" || ! wait_http "$port" 60; then
    log "$system did not come up on port $port (logs in $work)"
    sys_stop
    echo "RESULT system=$name mode=$mode upgrades=0 requests=0 rps=0 connect=0 read=0 write=0 timeout=0 non2xx=0 p99_ms=nan" | tee "$work/result.txt"
    echo '{"system":"'"$name"'","mode":"'"$mode"'","failed_to_start":true}' > "$work/result.json"
    return 1
  fi
  sleep 0.5   # let every worker/process come up, not just the first one to answer
  : > "$work/upgrades.txt"
  if [ "$PROBE" = 1 ]; then
    "$PY" "$BENCH_DIR/lib/probe.py" "$port" "$work/probe.txt" & probe_pid=$!
    sleep 0.3
  fi
  # wrk's default 2 s timeout, as in the peers' reference figures (FACTS.md)
  local args=(-t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency)
  [ "$mode" = close ] && args+=(-H "Connection: close")
  if [ "$TIMELINE" = 1 ]; then
    args+=(-s "$BENCH_DIR/lib/timeline.lua")
    export ZDT_TIMELINE=$work/timeline.csv
  fi
  t_start=$(now_us)
  echo "$(now)" > "$work/start.txt"
  wrk "${args[@]}" "http://127.0.0.1:$port/" > "$work/wrk.txt" 2>&1 & wrk_pid=$!
  # Upgrades at start + i*gap (the last one a gap before the end); one that a slow predecessor pushed
  # into the last half gap of the run is not started, so every counted upgrade happens under load.
  deadline=$(( t_start + DURATION * 1000000 - gap_us / 2 ))
  for ((i = 1; i <= UPGRADES; i++)); do
    sleep_until_us $(( t_start + i * gap_us ))
    (( $(now_us) < deadline )) || { log "upgrade $i not started: past the run's end"; break; }
    t0=$(now)
    sys_upgrade >>"$work/upgrade-cmd.log" 2>&1; rc=$?
    t1=$(now)
    if [ $rc = 0 ]; then ok=$((ok + 1)); echo "$t0 $t1 ok" >> "$work/upgrades.txt"
    else echo "$t0 $t1 fail" >> "$work/upgrades.txt"; log "$system: upgrade $i failed (rc=$rc)"; fi
  done
  wait "$wrk_pid"; wrk_pid=
  if [ -n "$probe_pid" ]; then sleep 0.2; kill -TERM "$probe_pid"; wait "$probe_pid" 2>/dev/null; probe_pid=; fi
  sys_stop
  echo "$(now)" > "$work/end.txt"
  "$PY" "$BENCH_DIR/lib/wrk_result.py" "$work/wrk.txt" "$name" "$mode" "$ok" "$work/result.json" | tee "$work/result.txt"
  if [ "$PROBE" = 1 ] && [ -s "$work/probe.txt" ]; then
    if [ -s "$work/upgrades.txt" ]; then
      "$PY" "$BENCH_DIR/lib/probe_report.py" "$work/probe.txt" "$work/upgrades.txt" "$name" "$mode" "$work/probe.json" | tee "$work/probe-line.txt"
    fi
  fi
  local failed; failed=$(grep -c ' fail$' "$work/upgrades.txt")
  [ "$failed" = 0 ] || log "$system/$mode: $failed upgrades failed"
  return 0
}

status=0
IFS=, read -ra sys_list <<<"$SYSTEMS"
IFS=, read -ra mode_list <<<"$MODES"
TABLE_SYSTEMS=()   # the result directories' names, in run order
for system in "${sys_list[@]}"; do
  base=${system%@*} name=$system nice=
  # fdhandoff@N: this run with Workers:StartNice N (results named fdhandoff-niceN)
  [[ $system == *@* ]] && nice=${system#*@} name=$base-nice${system#*@}
  for mode in "${mode_list[@]}"; do
    case $mode in close|keepalive) ;; *) die "unknown mode $mode" ;; esac
    if [ "$BASELINE" = 1 ] && [[ $base == fdhandoff* ]]; then
      # the same system under the same load without upgrades: its own p99 to compare with
      UPGRADES=0 FDH_START_NICE=${nice:-${FDH_START_NICE:-}} run_one_named "$base" "$mode" "$name-baseline" || status=1
    fi
    FDH_START_NICE=${nice:-${FDH_START_NICE:-}} run_one_named "$base" "$mode" "$name" || status=1
  done
  [ "$BASELINE" = 1 ] && [[ $base == fdhandoff* ]] && TABLE_SYSTEMS+=("$name-baseline")
  TABLE_SYSTEMS+=("$name")
done
TABLE_LIST=$(IFS=,; echo "${TABLE_SYSTEMS[*]}")

"$PY" "$BENCH_DIR/lib/table.py" "$RAW" "$OUT" \
  "wrk -t$THREADS -c$CONNS -d${DURATION}s, $UPGRADES upgrades spread over the run, fdhandoff with $FDH_WORKERS workers upgraded by $FDH_UPGRADE" \
  "$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$TABLE_LIST" "$MODES"
[ "$PUBLISH" = 1 ] && publish_results "$OUT" "$(basename "$OUT" .md)"
log "table: $OUT; raw logs: $RAW"

if [ "$TIMELINE" = 1 ]; then
  # Keep the plot's data beside the results (small CSVs), then draw it.
  TL=$RAW/timeline; [ "$PUBLISH" = 1 ] && TL=$RESULTS_DIR/timeline
  rm -rf "$TL"; mkdir -p "$TL"
  for d in "$RAW"/*/; do
    [ -s "$d/timeline.csv" ] || continue
    n=$(basename "$d"); mkdir -p "$TL/$n"
    cp "$d"/{timeline.csv,upgrades.txt,start.txt,wrk.txt} "$TL/$n/" 2>/dev/null
  done
  [ "$INSTALL" = 1 ] && ensure_tools py:python3-matplotlib
  if pp=$(plot_python); then
    plot_out=$RAW/zero-downtime-timeline.png; [ "$PUBLISH" = 1 ] && plot_out=$REPO_DIR/docs/img/zero-downtime-timeline.png
    "$pp" "$BENCH_DIR/plot.py" "$TL" "${PLOT_OUT:-$plot_out}"
  else
    log "no matplotlib: plot later with bench/plot.py $TL"
  fi
fi

if [ "$CHECK" = 1 ]; then
  # One check per fdhandoff run (system and mode). Fails: did not start, no upgrade done, a failed upgrade,
  # a refused/reset/closed connection or a non-2xx. Reported, not failed (latency on a loaded machine,
  # not lost connections): wrk timeouts (> 2 s) and failed probes (no answer within 1 s).
  "$PY" - "$RAW" <<'PY' || status=1
import glob, json, os, sys
raw = sys.argv[1]; passed = failed = 0
for d in sorted(glob.glob(os.path.join(raw, "fdhandoff-*"))):  # fdhandoff-aot-* too
    if "-baseline-" in os.path.basename(d) or not os.path.isdir(d):
        continue  # the runs without upgrades (--baseline) have nothing to check
    name, bad, warn = os.path.basename(d), [], []
    r = json.load(open(os.path.join(d, "result.json")))
    if r.get("failed_to_start"):
        bad.append("did not start")
    else:
        errs = {k: r[k] for k in ("connect", "read", "write", "non2xx") if r[k]}
        if errs: bad.append(f"errors {errs}")
        if r["upgrades"] < 1: bad.append("no upgrade done")
        ups = open(os.path.join(d, "upgrades.txt")).read()
        if " fail" in ups: bad.append(f"{ups.count(' fail')} upgrades failed")
        if r["timeout"]: warn.append(f"{r['timeout']} wrk timeouts")
        p = os.path.join(d, "probe.json")
        if os.path.exists(p) and json.load(open(p))["failed"]: warn.append(f"{json.load(open(p))['failed']} failed probes")
    print(f"CHECK {name}: {'FAILED ' + '; '.join(bad) if bad else 'ok'}{' (' + '; '.join(warn) + ')' if warn else ''}")
    if bad: failed += 1
    else: passed += 1
print(f"bench: {passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
PY
fi
exit $status
