#!/bin/bash
# FdHandoff under a real systemd (PID 1 in systemd-nspawn): build the Debian package
# (deploy/debian/build.sh), `apt-get install` it into the container, then check socket activation,
# reload, restart, crash restart, watchdog, the journal, template instances side by side, and that
# `apt-get remove` / `purge` leave nothing behind.
#   tests/systemd/run.sh [CHECK...]      CHECK: a name below or its letter (default: all)
# Prints "PASS name" / "FAIL name: why" per check, then exactly one line "N passed, N failed";
# exits 1 if any check failed. The container is powered off and our cgroups removed whatever
# happens (trap). Needs root, the .NET SDK on the host; runs setup.sh first (idempotent).
# Env: FDH_KEEP=1   leave the lab running at the end (tests/systemd/lab.sh down to stop it)
#      FDH_PUBLISHED=DIR  build the package from the NativeAOT programs published there (.ci/run publishes
#                        them once for every stage; tools/lib.sh); without it they are published into out/publish
#                        (reused while src/ is unchanged)
#      FDH_NO_PUBLISH=1  take out/publish as it is, even if src/ changed since
#      and those of common.sh (FDH_ROOTFS, FDH_LAB_STATE, ...)
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$HERE/common.sh"
. "$REPO/tools/lib.sh"
LAB="$HERE/lab.sh"
X() { "$LAB" x "$@"; }
LOAD="$FDH_PY $HERE/load.py"   # tools/lib.sh: the system's python3
PUB=""                        # the NativeAOT programs the package is built from, set by build_package
DEB=""                        # the package, set by build_package
UNITS=(fdhandoff.service fdhandoff-http.socket fdhandoff-http6.socket fdhandoff-echo.socket)
SOCKETS=(fdhandoff-http.socket fdhandoff-http6.socket fdhandoff-echo.socket)
mkdir -p "$STATE"

# h..k come last: j and k uninstall the package.
ALL=(a:units_verify b:socket_activation_first_request c:reload_under_load_no_failure
     g:journal_fields_after_upgrade d:restart_under_load_no_failure
     e:kill9_supervisor_adopts_its_workers_under_load f:watchdog_stall_restarts
     h:package_lintian_no_errors i:two_instances_side_by_side l:package_upgrade_reexecutes_supervisors_in_place_under_load
     j:package_remove_leaves_no_process_or_socket k:package_purge_removes_configuration)
PASSED=0 FAILED=0 PIDS=() INSTANCE_PORTS=()

log() { printf '[run] %s\n' "$*"; }
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  if [ "${FDH_KEEP:-0}" = 1 ]; then log "FDH_KEEP=1: lab left running"; else "$LAB" down >/dev/null 2>&1; fi
}
# ---------- helpers (return 0/1; a failing check puts its reason in WHY) ----------
WHY=""
fail() { WHY="$*"; return 1; }
show() { X systemctl show -P "$1" fdhandoff.service 2>/dev/null; }
http_once() { $LOAD --once --target "${1:-127.0.0.1:8080}"; }     # prints a JSON object
jget() { "$FDH_PY" -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"; }
wait_for() {  # wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds
  local end=$(( $(date +%s%N) + ${1%.*} * 1000000000 )); shift
  until "$@" >/dev/null 2>&1; do [ "$(date +%s%N)" -lt "$end" ] || return 1; sleep 0.1; done
}
active() { [ "$(show ActiveState)" = active ] && [ "$(show SubState)" = running ]; }
# Polled every 0.1 s, so curl rather than load.py (a Python start each time) where only the status or the
# generation matters; http_once stays for the answers a check reports.
serving() { [ "$(curl -gs -o /dev/null -w '%{http_code}' --max-time 5 "http://${1:-127.0.0.1:8080}/")" = 200 ]; }
gen_of() { curl -gs --max-time 5 "http://${1:-127.0.0.1:8080}/" | sed -n 's/.* generation \([0-9][0-9]*\).*/\1/p'; }
gen_above() { local g; g=$(gen_of "${2:-}"); [ -n "$g" ] && [ "$g" -gt "$1" ]; }   # gen_above GEN [TARGET]
# replaced UNIT PID: UNIT runs (active/running) under a main process other than PID
replaced() { [ "$(X systemctl show -P MainPID "$1")" != "$2" ] && [ "$(X systemctl show -P SubState "$1")" = running ]; }
journal_since() { X journalctl -u fdhandoff.service --no-pager -o cat --since "@$1" 2>/dev/null; }
hints() {  # why the service may be misbehaving, from systemd's side
  local j; j=$(X journalctl -u fdhandoff.service --no-pager -o short -n 400 2>/dev/null)
  grep -q 'Watchdog timeout' <<<"$j" && printf ' [systemd: watchdog timeout: the supervisor sends no WATCHDOG=1]'
  grep -q 'Failed with result' <<<"$j" && printf ' [systemd: %s]' "$(grep 'Failed with result' <<<"$j" | tail -1 | sed 's/^.*systemd\[1\]: //')"
  # the supervisor's own last words (its fatal errors are one line on stderr)
  local own; own=$(grep -v ' systemd\[1\]: ' <<<"$j" | grep -i 'fdhandoff: \|unhandled exception\|fail\|error' | tail -1 | sed 's/^[^]]*\]: //' | cut -c1-240)
  [ -n "$own" ] && printf ' [journal: %s]' "$own"
  return 0
}
load_start() {  # load_start NAME MODE TARGET...: a client loop in the background, result in $STATE/NAME.json
  local name=$1 mode=$2; shift 2
  local args=() t; for t in "$@"; do args+=(--target "$t"); done
  rm -f "$STATE/$name.json"
  $LOAD --mode "$mode" "${args[@]}" --out "$STATE/$name.json" & PIDS+=($!); eval "LOADPID_$name=$!"
}
load_stop() {  # load_stop NAME: stop it, print its result
  # NB: called as r=$(load_stop NAME), a subshell, where `wait` cannot wait for it: poll instead
  local p i; eval "p=\$LOADPID_$1"; kill -TERM "$p" 2>/dev/null
  for i in $(seq 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  cat "$STATE/$1.json" 2>/dev/null || echo '{"failed": -1, "errors": {"no result": 1}}'
}
fresh_start() {  # the service running with empty state, its sockets up
  X systemctl stop fdhandoff.service >/dev/null 2>&1
  X systemctl reset-failed fdhandoff.service >/dev/null 2>&1
  X systemctl start "${SOCKETS[@]}" fdhandoff.service 2>/dev/null || return 1
  wait_for 30 serving
}

# ---------- stages ----------
build_package() {  # the .deb from deploy/debian/build.sh, from the shared NativeAOT programs
  [ "${FDH_NO_PUBLISH:-0}" = 1 ] && [ -z "${FDH_PUBLISHED:-}" ] && local FDH_PUBLISHED=$REPO/out/publish
  PUB=$(FDH_PUBLISHED=${FDH_PUBLISHED:-} fdh_aot_programs "$REPO" 2>"$STATE/publish.log") ||
    { tail -20 "$STATE/publish.log"; return 1; }
  log "  programs: $PUB"
  DEB=$("$REPO/deploy/debian/build.sh" --out "$STATE/deb" --publish "$PUB" --reuse 2>"$STATE/build-package.log" | tail -1) ||
    { tail -20 "$STATE/build-package.log"; return 1; }
  log "  package: $DEB ($(du -h "$DEB" | cut -f1))"
}

install_into_lab() {  # as docs/systemd.md says: apt-get install the package, enable the sockets
  X sh -c 'cat > /tmp/fdhandoff.deb' < "$DEB" &&
  X mv /tmp/fdhandoff.deb "/tmp/$(basename "$DEB")" || return 1
  # Every dependency (libc6, systemd) is in the rootfs already: apt downloads nothing.
  X env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "/tmp/$(basename "$DEB")" > "$STATE/apt-install.log" 2>&1 ||
    { tail -20 "$STATE/apt-install.log"; return 1; }
  X systemctl enable --now "${SOCKETS[@]}" >/dev/null 2>&1
}

# ---------- checks ----------
check_units_verify() {
  # On the host (the CI runner has no systemd as PID 1): the package's files at their installed
  # paths in a private mount namespace, so verify also checks that ExecStart= exists. Any output
  # (warnings included: unknown keys) fails the check. fdhandoff@.service is verified as an instance.
  local out tree=$STATE/deb-tree
  rm -rf "$tree" && dpkg-deb -x "$DEB" "$tree" || fail "cannot unpack $DEB" || return 1
  out=$(cd "$tree/lib/systemd/system" && unshare --mount --propagation private sh -c '
      mount -t tmpfs tmpfs /usr/sbin && cp "$0/usr/sbin/fdhandoff" /usr/sbin/ &&
      systemd-analyze verify --man=no "$@" 2>&1' "$tree" "${UNITS[@]/#/./}" ./fdhandoff@.service) || fail "host: $out" || return 1
  [ -z "$out" ] || fail "host: warnings: $out" || return 1
  # ... and inside, where the package installed them.
  out=$(X systemd-analyze verify --man=no "${UNITS[@]/#//lib/systemd/system/}" /lib/systemd/system/fdhandoff@.service 2>&1) || fail "container: $out" || return 1
  [ -z "$out" ] || fail "container: warnings: $out"
}

check_socket_activation_first_request() {
  X systemctl stop fdhandoff.service "${SOCKETS[@]}" >/dev/null 2>&1
  X systemctl reset-failed fdhandoff.service >/dev/null 2>&1
  X systemctl start "${SOCKETS[@]}" || fail "the socket units did not start: $(X systemctl status "${SOCKETS[@]}" 2>&1 | grep -i 'fail\|error' | head -3)" || return 1
  [ "$(show ActiveState)" = inactive ] || fail "fdhandoff.service was $(show ActiveState) before any connection" || return 1
  local t0 r ms; t0=$(date +%s%N)
  r=$(http_once 127.0.0.1:8080); ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$(jget "$r" status)" = 200 ] || fail "first request to 127.0.0.1:8080: $r$(hints)" || return 1
  # Type=notify: active once the supervisor sent READY=1 (workers may answer a little earlier)
  wait_for 30 active || fail "served, but fdhandoff.service is $(show ActiveState)/$(show SubState) (no READY=1?)" || return 1
  log "  first request (activation + supervisor + workers ready) answered in $ms ms: $(jget "$r" body | head -c 120)"
  r=$(http_once '[::1]:8080'); [ "$(jget "$r" status)" = 200 ] || fail "[::1]:8080 (http6): $r" || return 1
  r=$("$FDH_PY" -c 'import socket; s=socket.create_connection(("127.0.0.1",7007),timeout=10); s.sendall(b"ping fdhandoff\n"); s.shutdown(socket.SHUT_WR); b=b""
while True:
    d=s.recv(100)
    if not d: break
    b+=d
print(b.decode().strip())' 2>&1)
  [ "$r" = "ping fdhandoff" ] || fail "echo on 127.0.0.1:7007 answered '$r'"
}

check_reload_under_load_no_failure() {
  # The service the previous check's first request activated will do: no stop and start of its own.
  active || fresh_start || fail "service not serving before the reload$(hints)" || return 1
  local main0 gen0 r; main0=$(show MainPID); gen0=$(gen_of)
  [ -n "$gen0" ] || fail "no generation in the HTTP body: $(http_once)" || return 1
  load_start reload new 127.0.0.1:8080 '[::1]:8080'
  sleep 0.5   # the load runs before the first reload
  local i want=$gen0
  for i in 1 2 3; do
    X systemctl reload fdhandoff.service || { load_stop reload >/dev/null; fail "systemctl reload #$i failed$(hints)"; return 1; }
    want=$((want + 1))
    # systemctl reload returns when kill returns (systemd 252): wait for the new generation to answer
    wait_for 60 gen_above $((want - 1)) \
      || { load_stop reload >/dev/null; fail "reload #$i: generation $want never answered (still $(gen_of))$(hints)"; return 1; }
    sleep 1   # let the old generation drain under load (its drain: 300-1000 ms of Connection: close)
  done
  r=$(load_stop reload)
  log "  reload load: $r"
  [ "$(show MainPID)" = "$main0" ] || fail "the supervisor was replaced (MainPID $main0 -> $(show MainPID)): reload must not restart it" || return 1
  [ "$(jget "$r" failed)" = 0 ] || fail "$(jget "$r" failed) of $(jget "$r" requests) requests failed: $(jget "$r" errors)" || return 1
  "$FDH_PY" - "$r" "$gen0" <<'PY' || fail "pids/generations did not change as expected: $(jget "$r" answered_by)"
import json, sys
r, g0 = json.loads(sys.argv[1]), int(sys.argv[2])
by = {tuple(map(int, k.split("/"))): n for k, n in r["answered_by"].items() if "None" not in k}
old = {p for p, g in by if g == g0}
new = {p for p, g in by if g >= g0 + 3}
sys.exit(0 if old and new and not (old & new) else 1)
PY
}

check_journal_fields_after_upgrade() {
  active || fresh_start || fail "service not serving$(hints)" || return 1
  local gen0 since; gen0=$(gen_of); since=$(date +%s)
  X systemctl reload fdhandoff.service || fail "systemctl reload failed" || return 1
  wait_for 60 gen_above "${gen0:-0}" || fail "no new generation answered after the reload" || return 1
  sleep 1
  X journalctl -u fdhandoff.service -o json --no-pager > "$STATE/journal.json" 2>&1
  WHY=$("$FDH_PY" - "$STATE/journal.json" "$(gen_of)" <<'PY'
import json, sys
entries = []
for line in open(sys.argv[1]):
    try: entries.append(json.loads(line))
    except ValueError: pass
gen = sys.argv[2]
def has(ident, g=None):
    return [e for e in entries if e.get("SYSLOG_IDENTIFIER") == ident and "WORKER_PID" in e and "GENERATION" in e
            and (g is None or e["GENERATION"] == g)]
missing = []
for ident in ("fdhandoff", "fdhandoff-worker"):
    if not has(ident, gen):
        idents = sorted({e.get("SYSLOG_IDENTIFIER", "?") for e in entries})
        n_fields = len([e for e in entries if e.get("SYSLOG_IDENTIFIER") == ident and "GENERATION" in e])
        missing.append(f"no entry with SYSLOG_IDENTIFIER={ident} GENERATION={gen} WORKER_PID=... "
                       f"({n_fields} {ident} entries have GENERATION; identifiers seen: {idents})")
    elif not [e for e in has(ident, gen) if e.get("EVENT_ID") and e.get("EVENT_NAME")]:
        missing.append(f"no {ident} entry of generation {gen} with EVENT_ID and EVENT_NAME (docs/operations.md, Log events)")
# The id an operator filters on: journalctl -u fdhandoff EVENT_ID=12 finds the new workers ready.
if not missing and not [e for e in has("fdhandoff", gen) if e.get("EVENT_ID") == "12" and e.get("EVENT_NAME") == "WorkerReady"]:
    missing.append(f"no fdhandoff entry EVENT_ID=12 EVENT_NAME=WorkerReady for generation {gen}")
print("; ".join(missing))
sys.exit(1 if missing else 0)
PY
) || return 1
}

check_restart_under_load_no_failure() {
  active || fresh_start || fail "service not serving before the restart$(hints)" || return 1
  load_start rnew new 127.0.0.1:8080 '[::1]:8080'
  load_start rka keepalive 127.0.0.1:8080 '[::1]:8080'
  load_start ridle idle 127.0.0.1:8080
  sleep 0.5   # the loads run before the first restart
  local i t0 ms worst=0 main
  for i in 1 2 3; do
    main=$(show MainPID); t0=$(date +%s%N)
    X systemctl restart fdhandoff.service || { load_stop rnew >/dev/null; load_stop rka >/dev/null; load_stop ridle >/dev/null; fail "systemctl restart #$i failed$(hints)"; return 1; }
    ms=$(( ($(date +%s%N) - t0) / 1000000 )); [ $ms -gt $worst ] && worst=$ms
    [ "$(show MainPID)" != "$main" ] || { load_stop rnew >/dev/null; load_stop rka >/dev/null; load_stop ridle >/dev/null; fail "MainPID unchanged after restart #$i"; return 1; }
    sleep 0.5   # restart returns once the new supervisor is ready (Type=notify): the loads meet it before the next
  done
  local rn rk ri; rn=$(load_stop rnew); rk=$(load_stop rka); ri=$(load_stop ridle)
  log "  restart, new connection per request: $rn"
  log "  restart, keep-alive:                  $rk"
  log "  restart, an idle keep-alive client:   $ri"
  log "  longest request: $(jget "$rn" max_ms) ms (new connection), $(jget "$rk" max_ms) ms (keep-alive); longest systemctl restart: $worst ms; idle connection held by a stopping worker up to $(jget "$ri" idle_held_max_s) s"
  [ "$(jget "$rn" failed)" = 0 ] && [ "$(jget "$rk" failed)" = 0 ] ||
    fail "failed requests: new connection $(jget "$rn" failed)/$(jget "$rn" requests) $(jget "$rn" errors), keep-alive $(jget "$rk" failed)/$(jget "$rk" requests) $(jget "$rk" errors)$(hints)" || return 1
  # Nothing accepts between the old supervisor's exit and the new workers' readiness: every
  # request in that window waits. A drain that waits for idle keep-alive clients stretches it.
  local max; max=$("$FDH_PY" -c 'import json,sys; print(int(max(json.loads(a).get("max_ms") or 0 for a in sys.argv[1:])))' "$rn" "$rk")
  [ "$max" -le "${FDH_MAX_RESTART_LATENCY_MS:-10000}" ] ||
    fail "0 failed, but a request waited $max ms (> FDH_MAX_RESTART_LATENCY_MS=${FDH_MAX_RESTART_LATENCY_MS:-10000}); longest systemctl restart $worst ms; idle keep-alive connection held up to $(jget "$ri" idle_held_max_s) s by a stopping worker"
}

listen_inode() {  # inode of the LISTEN socket on 127.0.0.1:8080, from the shared network namespace
  port_inode 8080
}
port_inode() {  # inode of the LISTEN socket on 127.0.0.1:PORT
  awk -v a="0100007F:$(printf '%04X' "$1")" '$2 == a && $4 == "0A" { print $10 }' /proc/net/tcp
}
status_json() {  # the supervisor's status as JSON (fdhandoff status --json), from inside the container
  X fdhandoff status --json --control-socket "${1:-/run/fdhandoff/control.sock}" 2>/dev/null
}
worker_pids() {  # the worker pids `fdhandoff status` lists, sorted, on one line
  status_json "$@" | "$FDH_PY" -c 'import json,sys
d = {k.lower(): v for k, v in json.load(sys.stdin).items()}
print(" ".join(sorted(str({k.lower(): v for k, v in w.items()}["pid"]) for w in d["workers"])))' 2>/dev/null
}
status_field() {  # status_field PATH.TO.FIELD: one field of the status (case-insensitive names), "" if absent
  status_json | "$FDH_PY" -c 'import json,sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = {a.lower(): b for a, b in v.items()}.get(k.lower()) if isinstance(v, dict) else None
print("" if v is None else v)' "$1" 2>/dev/null
}
same_workers() { [ "$(worker_pids)" = "$1" ]; }
# nonblocking_in PID INODE: PID (in the container) holds socket INODE with O_NONBLOCK set (fdinfo flags, octal).
# The flag is the socket's, shared by every process holding it: systemd sets it at each start as NonBlocking= says.
nonblocking_in() {
  X sh -c 'for f in /proc/$1/fd/*; do
             [ "$(readlink "$f")" = "socket:[$2]" ] || continue
             fl=$(sed -n "s/^flags:[[:space:]]*//p" "/proc/$1/fdinfo/${f##*/}")
             [ $(( 0$fl & 04000 )) -ne 0 ]; exit
           done; exit 2' sh "$1" "$2"
}
check_kill9_supervisor_adopts_its_workers_under_load() {
  # KillMode=process: the workers outlive the killed supervisor, keep serving (new connections and
  # established keep-alive ones) and the one Restart= starts adopts them on the same sockets.
  active || fresh_start || fail "service not serving$(hints)" || return 1
  local main ino n0 r rk before; main=$(show MainPID); ino=$(listen_inode); n0=$(show NRestarts)
  before=$(worker_pids)
  [ -n "$before" ] || fail "fdhandoff status lists no worker before the kill" || return 1
  load_start k9 new 127.0.0.1:8080
  load_start k9ka keepalive 127.0.0.1:8080 '[::1]:8080'
  sleep 0.5
  X kill -9 "$main"
  wait_for 60 replaced fdhandoff.service "$main" \
    || { load_stop k9 >/dev/null; load_stop k9ka >/dev/null; fail "no new supervisor after kill -9 of $main (state $(show ActiveState)/$(show SubState))$(hints)"; return 1; }
  wait_for 30 same_workers "$before" \
    || { load_stop k9 >/dev/null; load_stop k9ka >/dev/null; fail "the restarted supervisor did not adopt workers $before (status lists: $(worker_pids))$(hints)"; return 1; }
  sleep 0.5
  r=$(load_stop k9); rk=$(load_stop k9ka)
  log "  kill -9 under load, new connections: $r"
  log "  kill -9 under load, keep-alive: $rk"
  [ "$(show NRestarts)" -gt "$n0" ] || fail "NRestarts did not grow ($n0 -> $(show NRestarts))" || return 1
  [ -n "$ino" ] && [ "$(listen_inode)" = "$ino" ] || fail "the listening socket changed (inode $ino -> $(listen_inode)): not systemd's socket" || return 1
  [ "$(status_field supervisor.adoptions)" = 1 ] || fail "status says $(status_field supervisor.adoptions) adoptions, want 1" || return 1
  # The restart did not turn the listener the surviving workers accept on into a blocking one (their accepts could
  # no longer be cancelled: each drain would wait for its deadline).
  local w; for w in $before; do
    nonblocking_in "$w" "$ino" || fail "worker $w holds the listening socket without O_NONBLOCK after the restart (NonBlocking=yes in the unit; the supervisor sets it again)" || return 1
  done
  [ "$(jget "$r" failed)" = 0 ] || fail "$(jget "$r" failed) of $(jget "$r" requests) new-connection requests failed: $(jget "$r" errors)" || return 1
  [ "$(jget "$rk" failed)" = 0 ] || fail "$(jget "$rk" failed) of $(jget "$rk" requests) keep-alive requests failed: $(jget "$rk" errors)"
}

check_watchdog_stall_restarts() {
  # A drop-in for the test only: a short watchdog to keep the test fast. The stall comes from outside
  # (SIGSTOP): the supervisor has no switch for it.
  X mkdir -p /etc/systemd/system/fdhandoff.service.d
  printf '[Service]\nWatchdogSec=3\n' | X sh -c 'cat > /etc/systemd/system/fdhandoff.service.d/50-test-watchdog.conf'
  X systemctl daemon-reload
  local ok=0
  _watchdog_body && ok=1
  X rm -f /etc/systemd/system/fdhandoff.service.d/50-test-watchdog.conf
  X systemctl daemon-reload
  [ $ok = 1 ]
}
_watchdog_body() {
  fresh_start || fail "service not serving$(hints)" || return 1
  sleep 4  # longer than WatchdogSec=3: a supervisor that does not ping at all is caught here
  local main since; main=$(show MainPID); since=$(date +%s)
  [ "$(show ActiveState)" = active ] && [ "$main" != 0 ] || fail "the service did not survive 4 s with WatchdogSec=3 while NOT stalled: does the supervisor send WATCHDOG=1 every WATCHDOG_USEC/2?$(hints)" || return 1
  journal_since "$since" | grep -q 'Watchdog timeout' && { fail "watchdog fired while not stalled"; return 1; }
  # Wedge it: every thread stopped, so no WATCHDOG=1. systemd's SIGABRT comes with a SIGCONT, and the
  # SIGKILL after TimeoutAbortSec= works on a stopped process anyway.
  X kill -STOP "$main"
  wait_for 15 sh -c "'$LAB' x journalctl -u fdhandoff.service --no-pager -o cat --since @$since | grep -q 'Watchdog timeout'" \
    || { X kill -CONT "$main"; fail "no 'Watchdog timeout' 15 s after SIGSTOP of the supervisor ($main): systemd's watchdog is not armed"; } || return 1
  wait_for 60 replaced fdhandoff.service "$main" \
    || fail "watchdog fired but the service was not restarted (state $(show ActiveState)/$(show SubState))" || return 1
  wait_for 30 serving || fail "restarted after the watchdog, but not serving$(hints)"
}

lintian_start() {  # lintian takes ~8 s of one core and needs only the .deb: it runs while the container boots and the checks before h run
  rm -f "$STATE/lintian.out" "$STATE/lintian.rc"
  { lintian --fail-on error --tag-display-limit 0 "$DEB" > "$STATE/lintian.out" 2>&1; echo $? > "$STATE/lintian.rc"; } &
  LINTIAN_PID=$!; PIDS+=("$LINTIAN_PID")
}
check_package_lintian_no_errors() {
  # On the host. The warnings accepted, and why: deploy/debian/README.md.
  local out rc=0
  [ -n "${LINTIAN_PID:-}" ] || lintian_start   # a run of selected checks only
  wait "$LINTIAN_PID"; out=$(cat "$STATE/lintian.out" 2>/dev/null); rc=$(cat "$STATE/lintian.rc" 2>/dev/null || echo "no exit status")
  log "  lintian: $(grep -c '^E: ' <<<"$out") errors, $(grep -c '^W: ' <<<"$out") warnings$(grep '^W: ' <<<"$out" | sed 's/^W: [^ ]* / /' | cut -d' ' -f2 | sort -u | tr '\n' ' ' | sed 's/^/ (/; s/ $/)/')"
  [ "$rc" = 0 ] || fail "lintian (exit $rc): $(grep '^E: ' <<<"$out" | head -5 | tr '\n' ';')"
}

instance_json() {  # instance_json HTTP_PORT ECHO_PORT: an instance's configuration (it binds both itself)
  printf '{ "Listeners": { "http": "tcp://127.0.0.1:%s", "echo": "tcp://127.0.0.1:%s" },\n  "Workers": { "Command": "/usr/libexec/fdhandoff/fdhandoff-worker", "Count": 2 } }\n' "$1" "$2"
}
ishow() { X systemctl show -P "$2" "fdhandoff@$1.service" 2>/dev/null; }
workers_of() { X pgrep -P "$(ishow "$1" MainPID)" | sort | tr '\n' ' '; }
check_two_instances_side_by_side() {
  local pa pb ea eb; pa=$(free_port); pb=$(free_port); ea=$(free_port); eb=$(free_port)
  instance_json "$pa" "$ea" | X sh -c 'cat > /etc/fdhandoff/a.json'
  instance_json "$pb" "$eb" | X sh -c 'cat > /etc/fdhandoff/b.json'
  X systemctl start fdhandoff@a.service fdhandoff@b.service || fail "systemctl start fdhandoff@a fdhandoff@b failed: $(X journalctl -u fdhandoff@a -u fdhandoff@b -n 5 --no-pager -o cat 2>&1 | tr '\n' ' ')" || return 1
  wait_for 30 serving "127.0.0.1:$pa" && wait_for 30 serving "127.0.0.1:$pb" || fail "an instance does not serve (a on $pa: $(http_once "127.0.0.1:$pa"), b on $pb: $(http_once "127.0.0.1:$pb"))" || return 1
  X systemctl start fdhandoff@missing.service >/dev/null 2>&1 && { fail "fdhandoff@missing started without /etc/fdhandoff/missing.json"; return 1; }
  # Each its own control socket, found by `fdhandoff status --control-socket`, and runtime directory.
  local i
  for i in a b; do
    X test -S "/run/fdhandoff-$i/control.sock" || fail "no control socket /run/fdhandoff-$i/control.sock" || return 1
    X fdhandoff status --control-socket "/run/fdhandoff-$i/control.sock" >/dev/null 2>&1 || fail "fdhandoff status --control-socket /run/fdhandoff-$i/control.sock: $(X fdhandoff status --control-socket "/run/fdhandoff-$i/control.sock" 2>&1 | head -2)" || return 1
  done
  local ga gb wb r; ga=$(gen_of "127.0.0.1:$pa"); gb=$(gen_of "127.0.0.1:$pb"); wb=$(workers_of b)
  [ -n "$wb" ] || fail "no workers under fdhandoff@b" || return 1
  load_start inst new "127.0.0.1:$pa"
  sleep 0.5
  X systemctl reload fdhandoff@a.service || { load_stop inst >/dev/null; fail "systemctl reload fdhandoff@a failed$(X journalctl -u fdhandoff@a -n 3 --no-pager -o cat | tr '\n' ' ')"; return 1; }
  wait_for 30 gen_above "$ga" "127.0.0.1:$pa" \
    || { load_stop inst >/dev/null; fail "fdhandoff@a: no new generation after the reload (still $(gen_of "127.0.0.1:$pa"))"; return 1; }
  sleep 1
  r=$(load_stop inst)
  log "  fdhandoff@a reload under load: $r"
  [ "$(jget "$r" failed)" = 0 ] || fail "fdhandoff@a reload: $(jget "$r" failed) of $(jget "$r" requests) requests failed: $(jget "$r" errors)" || return 1
  [ "$(workers_of b)" = "$wb" ] && [ "$(gen_of "127.0.0.1:$pb")" = "$gb" ] || fail "fdhandoff@b was touched by the reload of a: workers $wb-> $(workers_of b), generation $gb -> $(gen_of "127.0.0.1:$pb")" || return 1
  # a's new workers warm up at a lower priority (Workers:StartNice, 5 by default) when the supervisor may raise them
  # back (the unit's LimitNICE=+0 on a real host); where it may not, it lowers nothing and says so in one line
  # (event 462). In this container it may not: the host gives no CAP_SYS_RESOURCE, so the hard RLIMIT_NICE stays 0
  # (prlimit --nice=40 fails even for root) and LimitNICE=+0 cannot apply. Either line; silence is a failure.
  local pri; pri=$(X journalctl -u fdhandoff@a.service --no-pager -o cat 2>/dev/null | grep -E 'starts at nice 5 while generation|start at normal CPU priority' | tail -2 | tr '\n' ' ')
  local soft; soft=$(X sh -c 'grep "Max nice" /proc/$(systemctl show -P MainPID fdhandoff@a.service)/limits' | awk '{print $4}')
  if [ "${soft:-0}" -ge 20 ] 2>/dev/null; then
    [[ $pri == *"starts at nice 5"* ]] || fail "fdhandoff@a's new workers were not started at nice 5 although RLIMIT_NICE is $soft (journal: ${pri:-nothing about it})" || return 1
  else
    [[ $pri == *"normal CPU priority"* ]] || fail "fdhandoff@a: RLIMIT_NICE is ${soft:-?}, yet no line says new generations start at normal priority (journal: ${pri:-nothing about it})" || return 1
    log "  fdhandoff@a: RLIMIT_NICE ${soft:-?} here: new generations start at normal priority, said once"
  fi
  # b's listeners are its own (no socket unit): a restart finds them in its fd store, same socket.
  local ino; ino=$(port_inode "$pb")
  X systemctl restart fdhandoff@b.service || fail "systemctl restart fdhandoff@b failed" || return 1
  wait_for 30 serving "127.0.0.1:$pb" || fail "fdhandoff@b not serving after a restart" || return 1
  [ -n "$ino" ] && [ "$(port_inode "$pb")" = "$ino" ] || fail "fdhandoff@b's listener on $pb changed across a restart (inode $ino -> $(port_inode "$pb")): not kept in the fd store" || return 1
  # The journal tells them apart by unit: what the supervisor and workers of a logged is a's alone.
  local units
  units=$(X journalctl -u fdhandoff@a.service --no-pager -o json | "$FDH_PY" -c 'import json, sys
e = [json.loads(l) for l in sys.stdin]
print(" ".join(sorted({x.get("_SYSTEMD_UNIT", "?") for x in e if x.get("SYSLOG_IDENTIFIER", "").startswith("fdhandoff")})))')
  [ "$units" = fdhandoff@a.service ] || fail "journalctl -u fdhandoff@a: fdhandoff entries from units '$units' (want fdhandoff@a.service only)"
}

next_package() {  # next_package DEB: prints the path of a newer package (VERSION+next1) whose supervisor says another commit
  # A second NativeAOT publish would cost ~90 s of CPU. What the upgrade needs is a newer package whose supervisor is
  # another file that says another version: its informational version "<package version>+<sha>" is in the binary once; rewritten
  # to the same length (the sha reversed), this build reports another commit, as the next build would.
  local dir=$STATE/deb-next out=$STATE/deb-next.deb
  rm -rf "$dir" "$out" && dpkg-deb -R "$1" "$dir" || return 1
  "$FDH_PY" - "$dir/usr/sbin/fdhandoff" "$(dpkg-deb -f "$1" Version)" <<'PY' || return 1
import re, sys
path, version = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
# Ours only: the runtime's own assemblies carry stamps of their own ("10.0.12+<sha>").
stamps = re.findall(rb"(?<![0-9.])" + re.escape(version.encode()) + rb"\+[0-9a-f]{40}", data)
if len(stamps) != 1:
    sys.exit("next_package: %d version stamps in %s, expected 1" % (len(stamps), path))
old = stamps[0]
plus = old.index(b"+")
open(path, "wb").write(data.replace(old, old[:plus + 1] + old[plus + 1:][::-1]))
PY
  sed -i 's/^Version: .*/&+next1/' "$dir/DEBIAN/control"
  (cd "$dir" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$dir/DEBIAN/md5sums"
  dpkg-deb --root-owner-group -Zgzip --build "$dir" "$out" >/dev/null || return 1
  echo "$out"
}
check_package_upgrade_reexecutes_supervisors_in_place_under_load() {
  # An upgrade to a newer package (its supervisor another file, saying another version; the worker the same)
  # re-executes every running supervisor in place (postinst: fdhandoff reexec): same pid, /proc/PID/exe the newly
  # installed file, the version status reports changed, the same workers, and no request fails, on new
  # connections or established keep-alive ones.
  active || fresh_start || fail "service not serving before the upgrade$(hints)" || return 1
  local units=(fdhandoff.service) u before=() inode=() r rk i=0 workers
  X systemctl is-active -q fdhandoff@a.service && units+=(fdhandoff@a.service fdhandoff@b.service)
  for u in "${units[@]}"; do
    before+=("$(X systemctl show -P MainPID "$u")")
    inode+=("$(X stat -L -c %i "/proc/${before[-1]}/exe")")
  done
  workers=$(worker_pids)
  local next version0; next=$(next_package "$DEB") || fail "could not make the newer package from $DEB" || return 1
  X sh -c 'cat > /tmp/fdhandoff-next.deb' < "$next" || fail "could not copy $next into the lab" || return 1
  version0=$(status_field supervisor.version)
  load_start upg new 127.0.0.1:8080 '[::1]:8080'
  load_start upgka keepalive 127.0.0.1:8080 '[::1]:8080'
  sleep 0.5
  X env DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/fdhandoff-next.deb > "$STATE/apt-upgrade.log" 2>&1 ||
    { load_stop upg >/dev/null; load_stop upgka >/dev/null; fail "apt-get install of the newer package failed: $(tail -3 "$STATE/apt-upgrade.log")"; return 1; }
  wait_for 30 serving || { load_stop upg >/dev/null; load_stop upgka >/dev/null; fail "not serving after the upgrade$(hints)"; return 1; }
  sleep 1
  r=$(load_stop upg); rk=$(load_stop upgka)
  log "  upgrade under load, new connections: $r"
  log "  upgrade under load, keep-alive: $rk"
  for u in "${units[@]}"; do
    [ "$(X systemctl show -P MainPID "$u")" = "${before[$i]}" ] && [ "$(X systemctl show -P SubState "$u")" = running ] ||
      fail "$u was restarted by the upgrade, not re-executed (MainPID ${before[$i]} -> $(X systemctl show -P MainPID "$u"), $(X systemctl show -P SubState "$u"))" || return 1
    [ "$(X stat -L -c %i "/proc/${before[$i]}/exe")" != "${inode[$i]}" ] ||
      fail "$u (pid ${before[$i]}) still runs the previous file (inode ${inode[$i]}): not re-executed" || return 1
    i=$((i + 1))
  done
  [ "$(status_field supervisor.reexecs)" -ge 1 ] 2>/dev/null || fail "status says $(status_field supervisor.reexecs) re-execs, want at least 1" || return 1
  local version1; version1=$(status_field supervisor.version)
  log "  supervisor version: $version0 -> $version1 (package $(X dpkg-query -W -f '${Version}' fdhandoff))"
  [ -n "$version0" ] && [ -n "$version1" ] && [ "$version1" != "$version0" ] ||
    fail "status reports the supervisor's version '$version0' before the upgrade and '$version1' after: not the newer build" || return 1
  [ "$(worker_pids)" = "$workers" ] || fail "the workers changed ($workers -> $(worker_pids)): the worker binary did not change, nothing should have been upgraded" || return 1
  [ "$(jget "$r" failed)" = 0 ] || fail "$(jget "$r" failed) of $(jget "$r" requests) requests failed during the upgrade: $(jget "$r" errors)" || return 1
  [ "$(jget "$rk" failed)" = 0 ] || fail "$(jget "$rk" failed) of $(jget "$rk" requests) keep-alive requests failed during the upgrade: $(jget "$rk" errors)"
}

fdh_ports_listening() {  # the LISTEN sockets of fdhandoff left in the shared network namespace, as "ADDR:PORT"
  local p ports=(8080 7007 "${INSTANCE_PORTS[@]}")
  for p in "${ports[@]}"; do
    awk -v hex="$(printf '%04X' "$p")" '$4 == "0A" && substr($2, length($2) - 3) == hex { print $2 }' /proc/net/tcp /proc/net/tcp6
  done
}
check_package_remove_leaves_no_process_or_socket() {
  # Everything running: the main service (with its sockets) and two instances, if check i left them.
  active || fresh_start || fail "service not serving before the remove$(hints)" || return 1
  INSTANCE_PORTS=($(X sh -c 'cat /etc/fdhandoff/[ab].json 2>/dev/null' | grep -o '127.0.0.1:[0-9]*' | cut -d: -f2))
  X env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q fdhandoff > "$STATE/apt-remove.log" 2>&1 || fail "apt-get remove failed: $(tail -3 "$STATE/apt-remove.log")" || return 1
  local procs socks units ctl
  procs=$(X pgrep -a 'fdhandoff' | tr '\n' ';')
  socks=$(fdh_ports_listening | tr '\n' ' ')
  ctl=$(X sh -c 'ls -d /run/fdhandoff /run/fdhandoff-* 2>/dev/null' | tr '\n' ' ')
  units=$(X systemctl list-units --plain --no-legend --state=active 'fdhandoff*' | tr '\n' ';')
  [ -z "$procs" ] || fail "processes left: $procs" || return 1
  [ -z "$socks" ] || fail "listening sockets left: $socks" || return 1
  [ -z "$ctl" ] || fail "runtime directories (control sockets) left: $ctl" || return 1
  [ -z "$units" ] || fail "units still active: $units" || return 1
  X test -f /etc/fdhandoff/fdhandoff.json || fail "remove (not purge) deleted /etc/fdhandoff/fdhandoff.json"
}

check_package_purge_removes_configuration() {
  X env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q fdhandoff > "$STATE/apt-purge.log" 2>&1 || fail "apt-get purge failed: $(tail -3 "$STATE/apt-purge.log")" || return 1
  X test ! -e /etc/fdhandoff || fail "/etc/fdhandoff left after purge: $(X ls -A /etc/fdhandoff | tr '\n' ' ')" || return 1
  X sh -c '! dpkg-query -W -f "\${Status}" fdhandoff 2>/dev/null | grep -q "installed\|config-files"' || fail "dpkg still knows fdhandoff: $(X dpkg-query -W -f '${Status}' fdhandoff 2>&1)" || return 1
  X sh -c '! ls /etc/systemd/system/*.wants/fdhandoff* 2>/dev/null' >/dev/null || fail "unit links left: $(X sh -c 'ls /etc/systemd/system/*.wants/fdhandoff*' | tr '\n' ' ')"
}

# ---------- main ----------
want() {  # is check $1 (letter:name) selected on the command line?
  [ ${#SEL[@]} = 0 ] && return 0
  local s; for s in "${SEL[@]}"; do [ "$s" = "${1%%:*}" ] || [ "$s" = "${1#*:}" ] && return 0; done
  return 1
}
main() {
  SEL=("$@")
  T0=$(now)
  stage() {  # stage NAME CMD...: run a stage, print its time; a failed stage is fatal
    local t0 rc=0; t0=$(now); "${@:2}" || rc=$?
    printf '[run] stage %-22s %6.1f s%s\n' "$1" "$(since "$t0")" "$([ $rc = 0 ] || echo "  FAILED")"
    return $rc
  }
  fatal() { echo "FAIL $1: $2"; echo "0 passed, 1 failed"; exit 1; }
  stage setup "$HERE/setup.sh" || fatal setup "tests/systemd/setup.sh failed"
  stage package build_package || fatal package "deploy/debian/build.sh failed (log: $STATE/build-package.log)"
  want h:package_lintian_no_errors && lintian_start
  "$LAB" down >/dev/null 2>&1   # a lab left over from an interrupted run
  # The container shares the host's network namespace: the listeners' ports must be free here.
  busy=$(ss -Hltn '( sport = :8080 or sport = :7007 )' 2>/dev/null | awk '{print $4}' | tr '\n' ' ')
  [ -z "$busy" ] || fatal ports "already listening on the host: $busy(ss -ltnp shows who)"
  # No .NET in the container: the package must not need one.
  stage boot "$LAB" up || fatal boot "the container did not boot (see $STATE/*.console.log)"
  stage install install_into_lab || fatal install "installing into the container failed"

  for c in "${ALL[@]}"; do
    want "$c" || continue
    name=${c#*:}; WHY=""; t0=$(now)
    if "check_$name"; then
      echo "PASS $name ($(since "$t0") s)"; PASSED=$((PASSED + 1))
    else
      echo "FAIL $name: ${WHY:-no reason given} ($(since "$t0") s)"; FAILED=$((FAILED + 1))
    fi
  done
  X journalctl -u fdhandoff.service -o short-precise --no-pager > "$STATE/journal.txt" 2>&1
  log "journal of fdhandoff.service: $STATE/journal.txt; total $(since "$T0") s"
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}

# `. tests/systemd/run.sh` (with a lab up: lab.sh up; then DEB=out/deb/fdhandoff_*.deb) defines the
# helpers and checks without running anything, to call them one by one while debugging.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0
trap cleanup EXIT
trap 'exit 130' INT TERM
main "$@"
