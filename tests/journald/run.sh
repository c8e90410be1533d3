#!/bin/bash
# Checks JournaldSink against a real systemd-journald (systemd 252 binaries; systemd need not be PID 1).
# journald runs in a private mount namespace with tmpfs over /run/systemd, /run/log and /var/log/journal,
# so the host's journal and /run are untouched. Run as root: tests/journald/run.sh
# Seen 2026-11-24: all four entries stored, dropped=0; the 300 KiB one (sent as a sealed memfd) kept
# MESSAGE (307204 chars) and PAYLOAD (307200); WORKER_PID=4242, GENERATION=7, ADDRESS unquoted.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
dotnet build "$here/JournaldProbe.csproj" -o "$out" >/dev/null
exec unshare --mount --propagation private bash -eu -c '
  mount -t tmpfs tmpfs /run/systemd
  mkdir -p /run/log && mount -t tmpfs tmpfs /run/log
  if [ -d /var/log/journal ]; then mount -t tmpfs tmpfs /var/log/journal; fi
  /lib/systemd/systemd-journald >"$1/journald.log" 2>&1 &
  journald=$!
  for i in $(seq 1 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
  dotnet "$1/JournaldProbe.dll"
  journalctl --sync
  journalctl -t journald-probe -o json --all --no-pager | python3 -c "
import sys, json
for line in sys.stdin:
    e = json.loads(line)
    print({k: v if not isinstance(v, str) or len(v) < 100 else v[:40] + \"...(%d chars)\" % len(v)
           for k, v in e.items() if not k.startswith(\"_\")})"
  kill $journald; wait $journald || true
' run "$out"
