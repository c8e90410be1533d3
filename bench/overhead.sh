#!/usr/bin/env bash
# Data-path overhead: the real worker serving through sockets handed off by the supervisor vs the
# same worker binding the port itself (ASPNETCORE_URLS), no upgrades, side by side in one run.
# Rounds alternate handoff / self-bound so the machine's drift hits both alike; the medians are compared.
#
# usage: bench/overhead.sh [--duration S] [--rounds N] [--connections C] [--threads T] [--modes LIST]
#                          [--workers N] [--out FILE] [--no-install]
#   --duration S     wrk duration per measurement (OVH_DURATION, 10)
#   --rounds N       measurements per side and mode  (OVH_ROUNDS, 3)
#   --connections C  wrk connections                 (OVH_CONNECTIONS, 64)
#   --modes LIST     keepalive and/or close          (OVH_MODES, keepalive,close)
#   --workers N      supervisor workers; the self-bound side always runs one process (OVH_WORKERS, 1)
#   --out FILE       Markdown                        (bench/results/overhead.md)
# Prints per mode:  OVERHEAD mode=<m> handoff_rps=<n> self_rps=<n> ratio=<x> handoff_p99_ms=<x> self_p99_ms=<x>
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
source "$BENCH_DIR/lib/common.sh"
source "$BENCH_DIR/lib/systems.sh"

DURATION=${OVH_DURATION:-10} ROUNDS=${OVH_ROUNDS:-3} CONNS=${OVH_CONNECTIONS:-64} THREADS=${OVH_THREADS:-2}
MODES=${OVH_MODES:-keepalive,close} FDH_WORKERS=${OVH_WORKERS:-1} INSTALL=1 OUT=$BENCH_DIR/results/overhead.md
while [ $# -gt 0 ]; do
  case $1 in
    --duration) DURATION=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --connections) CONNS=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --modes) MODES=$2; shift ;;
    --workers) FDH_WORKERS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --no-install) INSTALL=0 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
bench_dirs overhead
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
      wrk "${args[@]}" "http://127.0.0.1:$port/" > "$work/wrk.txt" 2>&1
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
         "| mode | handoff req/s | self-bound req/s | ratio | handoff p99 ms | self-bound p99 ms | errors (handoff / self) |",
         "|---|--:|--:|--:|--:|--:|--:|"]
for m in modes.split(","):
    R = {s: [json.load(open(f)) for f in sorted(glob.glob(os.path.join(raw, f"{m}-{s}-*", "result.json")))] for s in ("handoff", "self")}
    if not R["handoff"] or not R["self"]:
        continue
    med = lambda s, k: st.median(r[k] for r in R[s])
    errs = lambda s: sum(r[k] for r in R[s] for k in ("connect", "read", "write", "timeout", "non2xx"))
    h, s_ = med("handoff", "rps"), med("self", "rps")
    ratio = h / s_ if s_ else float("nan")
    hp, sp = med("handoff", "p99_ms"), med("self", "p99_ms")
    each = lambda s: ", ".join(f"{r['rps']:,}" for r in R[s])
    print(f"OVERHEAD mode={m} handoff_rps={h:.0f} self_rps={s_:.0f} ratio={ratio:.3f} handoff_p99_ms={hp:.2f} self_p99_ms={sp:.2f} errors_handoff={errs('handoff')} errors_self={errs('self')}")
    lines.append(f"| {m} | {h:,.0f} ({each('handoff')}) | {s_:,.0f} ({each('self')}) | {ratio:.3f} | {hp:.2f} | {sp:.2f} | {errs('handoff')} / {errs('self')} |")
lines += ["", "Target (issue 3): handoff req/s >= 0.97 x self-bound.", ""]
open(out, "w").write("\n".join(lines))
PY
log "table: $OUT; raw logs: $RAW"
