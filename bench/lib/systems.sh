# The systems under test: start, upgrade (reload/restart) and stop each one on a given port.
# Sourced by bench/zero-downtime.sh; needs BENCH_DIR, BUILD_DIR and common.sh.
#   sys_start SYSTEM WORKDIR PORT   starts it (returns once started; the caller waits for HTTP)
#   sys_upgrade                      one upgrade of the running system; returns non-zero if it failed
#   sys_stop                         stops it and waits for its processes to go
#   sys_pid                          the pid of the running system's main process (fdhandoff: the supervisor)
#   fdh_control_socket               fdhandoff: the supervisor's control socket
# Every system answers GET / with 200 and a body naming the serving process, so the probe can tell
# a new process from an old one.

SYSTEMS_ALL="fdhandoff nginx-reload haproxy-reload kestrel-restart fdhandoff-aot kestrel-restart-aot fdhandoff-jit kestrel-restart-jit fdhandoff-cold fdhandoff-aot-cold"
# fdhandoff and kestrel-restart run the ReadyToRun publish of the worker; -aot: its NativeAOT publish;
# -jit: the plain publish (everything JIT-compiled at start), the build before ReadyToRun.
# -cold (last): fdhandoff with the worker's warm-up turned off (FdHandoffWorker__WarmUp empty), the before of it.
FDH_WORKERS=${FDH_WORKERS:-2}
# sighup: kill -HUP the supervisor, then wait for its log to say the upgrade is done (or failed);
# cli: `fdhandoff upgrade --control-socket` (returns when done; a .NET process of its own, whose start
# costs ~0.1 s idle and ~1 s on a saturated machine, which wrk's figures then include).
FDH_UPGRADE=${FDH_UPGRADE:-sighup}

_sys= _work= _port= _pid= _worker= _gen=

_fill() { sed "s#WORKDIR#$_work#g; s#SOCKDIR#$SOCK_DIR#g; s#PORT#$_port#g" "$1" > "$2"; }

sys_start() {
  _sys=$1 _work=$2 _port=$3 _pid=
  local build=${_sys%-cold}
  [[ $_sys == *-cold && $_sys != fdhandoff* ]] && die "$_sys: -cold (the worker's warm-up off) applies to fdhandoff systems only"
  _worker=$BUILD_DIR/worker/fdhandoff-worker
  [[ $build == *-aot ]] && _worker=${BENCH_WORKER_AOT:-$BUILD_DIR/worker-aot/fdhandoff-worker}
  [[ $build == *-jit ]] && _worker=$BUILD_DIR/worker-jit/fdhandoff-worker
  case $(_base) in
    nginx-reload)
      mkdir -p "$_work/nginx-tmp"
      _fill "$BENCH_DIR/peers/nginx.conf" "$_work/nginx.conf"
      nginx -c "$_work/nginx.conf" -e "$_work/nginx-error.log" ;;
    haproxy-reload)
      _fill "$BENCH_DIR/peers/haproxy.cfg" "$_work/haproxy.cfg"
      haproxy -W -D -f "$_work/haproxy.cfg" -p "$_work/haproxy.pid" >>"$_work/haproxy.log" 2>&1 ;;
    kestrel-restart)
      _kestrel_start ;;
    fdhandoff)
      _fdh_start ;;
    *) die "unknown system $_sys (known: $SYSTEMS_ALL)" ;;
  esac
}

# The system without its suffixes (-aot, -jit, -cold).
_base() { local b=${_sys%-cold}; b=${b%-aot}; echo "${b%-jit}"; }

sys_upgrade() {
  case $(_base) in
    nginx-reload) nginx -c "$_work/nginx.conf" -e "$_work/nginx-error.log" -s reload ;;
    haproxy-reload) kill -USR2 "$(head -1 "$_work/haproxy.pid")" ;;
    kestrel-restart)
      # What a .NET user does today (systemctl restart, a container restart): SIGTERM, wait for the exit,
      # start again, and (like systemctl restart of a Type=notify service) return once it answers, so a
      # slow start is not cut short by the next restart.
      kill -TERM "$_pid" 2>/dev/null; wait "$_pid" 2>/dev/null; _kestrel_start; wait_http "$_port" 60 ;;
    fdhandoff) _fdh_upgrade ;;
  esac
}

sys_stop() {
  case $(_base) in
    nginx-reload)
      local p; p=$(cat "$_work/nginx.pid" 2>/dev/null)
      nginx -c "$_work/nginx.conf" -e "$_work/nginx-error.log" -s stop 2>/dev/null
      _wait_gone "$p" ;;
    haproxy-reload)
      local p; p=$(head -1 "$_work/haproxy.pid" 2>/dev/null)
      [ -n "$p" ] && kill -TERM "$p" 2>/dev/null; _wait_gone "$p" ;;
    kestrel-restart)
      kill -TERM "$_pid" 2>/dev/null; wait "$_pid" 2>/dev/null ;;
    fdhandoff) _fdh_stop ;;
  esac
  _sys=
}

sys_pid() { echo "$_pid"; }

# Waits (up to 15 s) for a pid that is not our child to disappear.
_wait_gone() {
  local p=$1 i
  [ -n "$p" ] || return 0
  for ((i = 0; i < 300; i++)); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.05; done
  log "warning: pid $p still there after 15 s"
}

# --- the real worker, binding the port itself (no supervisor in its environment) ---
_kestrel_start() {
  env -u FDHANDOFF_SOCKET ASPNETCORE_URLS="http://127.0.0.1:$_port" \
    "$_worker" >>"$_work/worker.log" 2>&1 &
  _pid=$!
}

# --- our supervisor with the real worker ---
# One listener (http on the bench port), FDH_WORKERS workers, control socket in the short SOCK_DIR.
# --config replaces the appsettings.json beside the binary (its default listeners would clash).
# FDH_START_NICE, when set, is Workers:StartNice (the nice value a new generation warms up at; 0: off).
fdh_control_socket() { echo "$SOCK_DIR/fdhandoff-$_port.sock"; }
_fdh_start() {
  local nice=""; [ -n "${FDH_START_NICE:-}" ] && nice=", \"StartNice\": $FDH_START_NICE"
  local cold=(); [[ $_sys == *-cold ]] && cold=(FdHandoffWorker__WarmUp=)   # the workers inherit it: no warm-up
  # BENCH_NO_WARM_UP=1 (soak and live smokes, whose subject is not HTTP latency): the same, CPU saved per upgrade
  [ "${BENCH_NO_WARM_UP:-0}" = 1 ] && cold=(FdHandoffWorker__WarmUp=)
  cat > "$_work/fdhandoff.json" <<JSON
{
  "Listeners": { "http": "tcp://127.0.0.1:$_port" },
  "Workers": { "Command": "$_worker", "Count": $FDH_WORKERS$nice }
}
JSON
  env -u FDHANDOFF_SOCKET -u FDHANDOFF_TOKEN -u FDHANDOFF_GENERATION -u FDHANDOFF_SLOT -u FDHANDOFF_CONTROL_SOCKET "${cold[@]}" \
    "$(supervisor_bin)" --config "$_work/fdhandoff.json" --control-socket "$(fdh_control_socket)" \
    >>"$_work/supervisor.log" 2>&1 &
  _pid=$! _gen=1
}
_fdh_upgrade() {
  case $FDH_UPGRADE in
    cli) "$(supervisor_bin)" upgrade --control-socket "$(fdh_control_socket)" --timeout 60 ;;
    sighup)
      local want=$((_gen + 1)) i
      kill -HUP "$_pid" || return 1
      for ((i = 0; i < 3000; i++)); do
        if grep -q "Upgrade to generation $want done" "$_work/supervisor.log"; then _gen=$want; return 0; fi
        if grep -q "Upgrade to generation $want failed" "$_work/supervisor.log"; then _gen=$want; return 1; fi
        sleep 0.02
      done
      log "fdhandoff: upgrade to generation $want not done after 60 s"; return 1 ;;
    *) die "--fdhandoff-upgrade: cli or sighup, not $FDH_UPGRADE" ;;
  esac
}
_fdh_stop() {
  # This supervisor's own workers (its children): another bench may run the same worker binary beside this one.
  local mine left p; mine=$(pgrep -P "$_pid" 2>/dev/null)
  kill -TERM "$_pid" 2>/dev/null; wait "$_pid" 2>/dev/null
  # The supervisor drains and reaps its workers before it exits; make sure none is left behind.
  left=$(for p in $mine; do kill -0 "$p" 2>/dev/null && echo "$p"; done)
  [ -z "$left" ] || log "warning: workers left after the supervisor stopped: $left"
}
