#!/usr/bin/env bash
# Soak: N upgrades (default 1,000) under continuous HTTP load, two wrk loads at once: a new connection
# per request (Connection: close) and keep-alive. Checks zero failed requests, every upgrade ok, and a
# flat supervisor fd count; prints the supervisor's RSS and fd count at start and end.
#
#   bench/soak.sh                 # 1,000 upgrades
#   bench/soak.sh --upgrades 200
#   bench/soak.sh --smoke         # 20 upgrades, for CI
#   bench/soak.sh --no-build      # reuse out/ from ./run.sh or an earlier soak
#   bench/soak.sh --aot           # a NativeAOT worker (out/worker-aot; needs clang and zlib1g-dev)
#
# A request counts as failed as in the tests' HttpLoad: refused, reset, closed early, not 200, or no
# answer within 10 s (wrk --timeout; wrk's default of 2 s counts a slow answer on a busy 2-core box).
# The last line is "N passed, M failed" (one check per upgrade, plus zero failed requests for each
# load and a flat fd count); the exit code is 1 when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

upgrades=1000 build=1 workers=2 aot=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) upgrades=20 ;;
    --upgrades) upgrades="$2"; shift ;;
    --workers) workers="$2"; shift ;;
    --no-build) build=0 ;;
    --aot) aot=1 ;;
    *) echo "soak.sh: unknown argument $1 (--smoke, --upgrades N, --workers N, --no-build, --aot)" >&2; exit 2 ;;
  esac
  shift
done
command -v wrk >/dev/null || { echo "soak.sh: wrk not found: apt-get install wrk" >&2; exit 2; }

if [ "$build" = 1 ]; then
  dotnet publish src/Supervisor -c Release -o out/supervisor --nologo -v q
  if [ "$aot" = 1 ]; then
    dotnet publish src/Worker -c Release -r linux-x64 -p:PublishAot=true -o out/worker-aot --nologo -v q
  else
    dotnet publish src/Worker -c Release -o out/worker --nologo -v q
  fi
fi
worker="$PWD/out/worker/fdhandoff-worker"
[ "$aot" = 1 ] && worker="$PWD/out/worker-aot/fdhandoff-worker"
fdhandoff="$PWD/out/supervisor/fdhandoff"

dir=$(mktemp -d /tmp/fdh-soak-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sock="$dir/run/control.sock"
cat > "$dir/fdhandoff.json" <<JSON
{
  "Listeners": { "http": "tcp://127.0.0.1:$port" },
  "Workers": { "Command": "$worker", "Count": $workers, "ReadyTimeout": "00:00:30", "DrainTimeout": "00:00:10" },
  "ControlSocket": "$sock"
}
JSON

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${supervisor:-}" ] && kill -TERM "$supervisor" 2>/dev/null && wait "$supervisor" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

"$fdhandoff" --config "$dir/fdhandoff.json" > "$dir/supervisor.log" 2>&1 &
supervisor=$!
for _ in $(seq 600); do
  grep -q "Generation 1 serving" "$dir/supervisor.log" && break
  kill -0 "$supervisor" 2>/dev/null || { cat "$dir/supervisor.log"; exit 1; }
  sleep 0.1
done
grep -q "Generation 1 serving" "$dir/supervisor.log" || { echo "soak.sh: generation 1 not serving after 60 s" >&2; cat "$dir/supervisor.log"; exit 1; }

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$supervisor/status"; }
# Open fds other than mapped assemblies (.dll, .so): those grow by two when a code path first loads one.
fds() { find "/proc/$supervisor/fd" -mindepth 1 -printf '%l\n' | grep -cvE '\.dll$|\.so$|\.so\.' ; }
# Waits until only generation $1 runs (the older ones drained and exited).
settle() {
  for _ in $(seq 300); do
    "$fdhandoff" status --control-socket "$sock" 2>/dev/null | awk -v g="$1" '$1 == "pid" && $4 != g { old = 1 } END { exit old }' && return 0
    sleep 0.1
  done
  return 1
}

# One warm-up upgrade, so first-time allocations are not counted as growth.
"$fdhandoff" upgrade --control-socket "$sock" > /dev/null
settle 2 || true
rss_start=$(rss) fds_start=$(fds)

wrk -t1 -c8 -d10h --timeout 10s -H 'Connection: close' "http://127.0.0.1:$port/" > "$dir/wrk-close.txt" 2>&1 &
pids+=($!)
wrk -t1 -c8 -d10h --timeout 10s "http://127.0.0.1:$port/" > "$dir/wrk-keepalive.txt" 2>&1 &
pids+=($!)
sleep 2

passed=0 failed=0 start=$(date +%s)
for i in $(seq "$upgrades"); do
  if out=$("$fdhandoff" upgrade --control-socket "$sock" 2>&1); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "upgrade $i failed: $out" >&2
  fi
  [ $((i % 100)) -eq 0 ] && echo "soak: $i upgrades, rss $(rss) kB, fds $(fds)"
done
generation=$((upgrades + 2))
settle "$generation" || echo "soak: old generations still running after 30 s" >&2
sleep 2
for p in "${pids[@]}"; do kill -INT "$p"; wait "$p" || true; done
pids=()
elapsed=$(( $(date +%s) - start ))
rss_end=$(rss) fds_end=$(fds)

# wrk: "N requests in", "Socket errors: connect a, read b, write c, timeout d", "Non-2xx or 3xx responses: n"
requests() { awk '/requests in/ { print $1 }' "$1"; }
errors() { awk '/Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } /Non-2xx/ { n += $5 } END { print n + 0 }' "$1"; }
close_ok=$(requests "$dir/wrk-close.txt") close_failed=$(errors "$dir/wrk-close.txt")
keep_ok=$(requests "$dir/wrk-keepalive.txt") keep_failed=$(errors "$dir/wrk-keepalive.txt")

echo "soak: $upgrades upgrades in ${elapsed} s ($passed ok), generation $generation serving"
echo "soak: new connection per request: $close_ok requests, $close_failed failed"
echo "soak: keep-alive:                 $keep_ok requests, $keep_failed failed"
echo "soak: supervisor RSS start ${rss_start} kB, end ${rss_end} kB"
echo "soak: supervisor fds start ${fds_start}, end ${fds_end}"
if [ "$close_failed" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); cat "$dir/wrk-close.txt" >&2; fi
if [ "$keep_failed" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); cat "$dir/wrk-keepalive.txt" >&2; fi
if [ "$fds_end" -le "$fds_start" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "fd count grew: $fds_start -> $fds_end" >&2; find "/proc/$supervisor/fd" -mindepth 1 -printf '%f -> %l\n' | grep -vE '\.dll$|\.so$|\.so\.' >&2; fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
