#!/usr/bin/env bash
# Data-path overhead: the real worker serving through sockets handed off by the supervisor vs the
# same worker binding the port itself (ASPNETCORE_URLS), no upgrades, side by side in one run.
# Rounds alternate handoff / self-bound so the machine's drift hits both alike; the medians are compared.
# Besides req/s (which follows whatever else the machine does), the worker's own CPU time per 100,000
# requests: utime + stime of the serving process from /proc/PID/stat over the measurement, divided by the
# requests wrk counted. The ratio self-bound / handed-off is >= 1 when the hand-off costs nothing.
#
# usage: bench/overhead.sh [--duration S] [--rounds N] [--connections C] [--threads T] [--modes LIST]
#                          [--workers N] [--out FILE] [--no-install]
#   --duration S     wrk duration per measurement (OVH_DURATION, 10)
#   --rounds N       measurements per side and mode  (OVH_ROUNDS, 3)
#   --connections C  wrk connections                 (OVH_CONNECTIONS, 64)
#   --modes LIST     keepalive and/or close          (OVH_MODES, keepalive,close)
#   --workers N      supervisor workers; the self-bound side always runs one process (OVH_WORKERS, 1)
#   --out FILE       Markdown                        (bench/results/latest/overhead.md, ignored by git)
#   --publish        also copy it to bench/results/overhead.md
# Prints per mode:  OVERHEAD mode=<m> handoff_rps=<n> self_rps=<n> ratio=<x> handoff_p99_ms=<x> self_p99_ms=<x>
#                   cpu_ms_per_100k_handoff=<x> cpu_ms_per_100k_self=<x> cpu_ratio=<x> (min-max over rounds)
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
source "$BENCH_DIR/lib/systems.sh"

DURATION=${OVH_DURATION:-10} ROUNDS=${OVH_ROUNDS:-3} CONNS=${OVH_CONNECTIONS:-64} THREADS=${OVH_THREADS:-2}
MODES=${OVH_MODES:-keepalive,close} FDH_WORKERS=${OVH_WORKERS:-1} INSTALL=1 OUT=$(results_file overhead) PUBLISH=0
while [ $# -gt 0 ]; do
  case $1 in
    --duration) DURATION=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --connections) CONNS=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --modes) MODES=$2; shift ;;
    --workers) FDH_WORKERS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --publish) PUBLISH=1 ;;
    --no-install) INSTALL=0 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
bench_dirs overhead
# cpu_ticks PID: user + system clock ticks the process (all its threads) has used so far
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
[ "$INSTALL" = 1 ] && ensure_tools wrk:wrk curl:curl
publish_fdhandoff
trap '[ -n "$_sys" ] && sys_stop; rm -rf "$SOCK_DIR"' EXIT
trap 'exit 130' INT TERM
log "run $RUN_ID: wrk -t$THREADS -c$CONNS -d${DURATION}s, $ROUNDS rounds, modes=$MODES, handoff with $FDH_WORKERS worker(s)"

IFS=, read -ra mode_list <<<"$MODES"
for mode in "${mode_list[@]}"; do
  for ((r = 1; r <= ROUNDS; r++)); do
    for side in handoff self; do
      sys=fdhandoff; [ $side = self ] && sys=kestrel-restart
      work=$RAW/$mode-$side-$r; mkdir -p "$work"; port=$(free_port)
      sys_start "$sys" "$work" "$port"
      wait_http "$port" 60 || { sys_stop; die "$side did not come up (logs: $work)"; }
      # warm-up (JIT, connection set-up), then the measurement
      wrk -t"$THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$port/" >/dev/null 2>&1
      args=(-t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency)
      [ "$mode" = close ] && args+=(-H "Connection: close")
      # the process that serves: the self-bound worker itself, or the supervisor's only worker
      serving=$_pid; [ $side = handoff ] && serving=$(pgrep -P "$_pid" | head -1)
      c0=$(cpu_ticks "$serving")
      wrk "${args[@]}" "http://127.0.0.1:$port/" > "$work/wrk.txt" 2>&1
      c1=$(cpu_ticks "$serving")
      echo "{\"pid\": $serving, \"ticks\": $(( c1 - c0 )), \"clk_tck\": $(getconf CLK_TCK)}" > "$work/cpu.json"
      sys_stop
      "$PY" "$BENCH_DIR/lib/wrk_result.py" "$work/wrk.txt" "$side" "$mode" 0 "$work/result.json" > "$work/result.txt"
      log "$mode round $r $side: $(cut -d' ' -f5,11- "$work/result.txt")"
    done
  done
done

"$PY" - "$RAW" "$OUT" "$MODES" "wrk -t$THREADS -c$CONNS -d${DURATION}s after a 2 s warm-up, $ROUNDS rounds alternating, handoff with $FDH_WORKERS worker(s)" <<'PY'
import glob, json, os, statistics as st, sys, datetime
raw, out, modes, load = sys.argv[1:5]
lines = ["# Data-path overhead: handed-off sockets vs self-bound", "",
         f"Run {datetime.datetime.now():%Y-%m-%d %H:%M} by `bench/overhead.sh`, {os.cpu_count()} CPUs, loopback. {load}.",
         "Same worker binary both sides; `self` = ASPNETCORE_URLS, no supervisor. Medians over the rounds (each round's figure in brackets).", "",
         "Worker CPU = utime + stime of the serving process over the measurement (/proc/PID/stat), per 100,000 requests; "
         "CPU ratio = self-bound / handed-off (>= 1: the hand-off costs no CPU per request), with each round's pair.", "",
         "| mode | handoff req/s | self-bound req/s | ratio | handoff p99 ms | self-bound p99 ms | handoff CPU ms / 100k req | self-bound CPU ms / 100k req | CPU ratio (rounds) | errors (handoff / self) |",
         "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
def cpu_per_100k(r, work):
    c = json.load(open(os.path.join(work, "cpu.json")))
    return c["ticks"] / c["clk_tck"] * 1000 / r["requests"] * 100000 if r["requests"] else float("nan")

for m in modes.split(","):
    dirs = {s: sorted(glob.glob(os.path.join(raw, f"{m}-{s}-*"))) for s in ("handoff", "self")}
    R = {s: [json.load(open(os.path.join(d, "result.json"))) for d in dirs[s]] for s in dirs}
    if not R["handoff"] or not R["self"]:
        continue
    C = {s: [cpu_per_100k(r, d) for r, d in zip(R[s], dirs[s])] for s in dirs}
    med = lambda s, k: st.median(r[k] for r in R[s])
    errs = lambda s: sum(r[k] for r in R[s] for k in ("connect", "read", "write", "timeout", "non2xx"))
    h, s_ = med("handoff", "rps"), med("self", "rps")
    ratio = h / s_ if s_ else float("nan")
    hp, sp = med("handoff", "p99_ms"), med("self", "p99_ms")
    hc, sc = st.median(C["handoff"]), st.median(C["self"])
    rounds = [b / a for a, b in zip(C["handoff"], C["self"])]  # each round's pair, run back to back
    each = lambda s: ", ".join(f"{r['rps']:,}" for r in R[s])
    each_cpu = lambda s: ", ".join(f"{c:,.0f}" for c in C[s])
    print(f"OVERHEAD mode={m} handoff_rps={h:.0f} self_rps={s_:.0f} ratio={ratio:.3f} handoff_p99_ms={hp:.2f} self_p99_ms={sp:.2f} "
          f"cpu_ms_per_100k_handoff={hc:.0f} cpu_ms_per_100k_self={sc:.0f} cpu_ratio={sc / hc:.3f} cpu_ratio_rounds={min(rounds):.3f}-{max(rounds):.3f} "
          f"errors_handoff={errs('handoff')} errors_self={errs('self')}")
    lines.append(f"| {m} | {h:,.0f} ({each('handoff')}) | {s_:,.0f} ({each('self')}) | {ratio:.3f} | {hp:.2f} | {sp:.2f} "
                 f"| {hc:,.0f} ({each_cpu('handoff')}) | {sc:,.0f} ({each_cpu('self')}) | **{sc / hc:.3f}** ({', '.join(f'{x:.3f}' for x in rounds)}) "
                 f"| {errs('handoff')} / {errs('self')} |")
lines += ["", "Targets: handoff req/s >= 0.97 x self-bound (issue 3); CPU per request, self-bound / handed-off >= 0.97 (issue 13).", ""]
open(out, "w").write("\n".join(lines))
PY
log "table: $OUT; raw logs: $RAW"
[ "$PUBLISH" = 1 ] && publish_results "$OUT" overhead
