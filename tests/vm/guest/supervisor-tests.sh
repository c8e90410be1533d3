# Sourced by run-tests.sh inside the guest: the real supervisor and workers, SCTP listeners
# v4, v6 and multi-homed, a Python SCTP client. Uses V, O, G, PY, res() and up() from run-tests.sh.
# The programs are the NativeAOT builds (tests/vm/run.sh): no JIT on the emulated CPU. They run from a copy in
# the guest's tmpfs: the 9p run directory is mounted without a page cache (both sides write it), so every page
# fault of a 10-13 MB executable was a 9p round trip (the supervisor took 7 s to its first log line from there).
A=/tmp/fdh-app; rm -rf $A; mkdir -p $A && cp -r $V/app/supervisor $V/app/worker $A/
FDH=$A/supervisor/fdhandoff
CTL=/run/fdhandoff-vm/control.sock
P4=7401; P6=7402; PM=7403; PC=7404
WORKERS=2
# upgrades the long-lived counter associations go through (the first is the one under load in (c))
LIVE_UPGRADES=${FDH_LIVE_UPGRADES:-2}
# Everything runs ~30x slower under TCG than on the host, on a host that may itself be busy: the limits
# stay well above what a sound run needs (a NativeAOT worker is Ready a few seconds after its spawn here);
# they only bound how long a broken run waits.
READY_TIMEOUT=00:01:30; DRAIN_TIMEOUT=00:00:30
# The new workers' HTTP warm-up (a GET / through their own pipeline before they accept) is off: this stage's
# subject is SCTP, and the warm-up is CPU the emulated machine would spend on every spawn.
export FdHandoffWorker__WarmUp=
# each line with the guest's CPU time so far (user+nice+system, all vCPUs, in s): where the emulated CPU goes
log() { read -r _c _u _n _s _r < /proc/stat; echo "GUEST $(date +%T.%3N) up $(up) cpu $(( (_u + _n + _s) / 100 )): $*"; }
since() { echo "$(up) $1" | awk '{printf "%.1f", $1-$2}'; }
# alive PID: exists and is not a zombie waiting to be reaped by this shell
alive() { [ -e /proc/$1 ] && [ "$(awk '{print $3}' /proc/$1/stat 2>/dev/null)" != Z ]; }
status_json() { $FDH status --json --control-socket $CTL > $O/status.json 2>>$O/status.err; }

# wait_ready N SECONDS: until N Ready workers of the current generation (`fdhandoff status --json`, read by
# sctp_client.py ready); sets GEN and PIDS. The CLI and Python are asked only once the supervisor's log says
# a generation serves (grep costs little; a Python start costs seconds on the emulated CPU).
wait_ready() {
  _end=$(echo "$(up) $2" | awk '{print $1+$2}')
  while :; do
    if grep -qE 'Generation [0-9]+ serving with|Upgrade to generation [0-9]+ done' $O/supervisor.log 2>/dev/null &&
       status_json && _r=$($PY ready $O/status.json $1); then
      GEN=${_r%% *}; PIDS=${_r#* }; return 0
    fi
    if awk "BEGIN{exit !($(up) > $_end)}"; then return 1; fi
    alive $SUP || return 1   # the supervisor gave up: no point waiting
    sleep 0.5
  done
}

mkdir -p /run/fdhandoff-vm
# Control:FirstMessageTimeout: the default 5 s drops a worker's Hello or a CLI request, which need
# longer than that from connect to their first send in this guest.
t0=$(up)
$FDH --listen "sctp4=sctp://127.0.0.1:$P4" --listen "sctp6=sctp://[::1]:$P6" \
     --listen "sctpmh=sctp://127.0.0.1,127.0.0.2:$PM" --listen "counter-sctp=sctp://127.0.0.1:$PC" \
     --workers $WORKERS --worker $A/worker/fdhandoff-worker --control-socket $CTL \
     --Workers:ReadyTimeout=$READY_TIMEOUT --Workers:DrainTimeout=$DRAIN_TIMEOUT \
     --Control:FirstMessageTimeout=00:01:00 \
     > $O/supervisor.log 2>&1 &
SUP=$!
log "supervisor pid $SUP"

if wait_ready $WORKERS 120; then
  res "PASS supervisor-start supervisor up, generation $GEN, $WORKERS workers ready (pids $PIDS) in $(since $t0) s"
  STARTED=1
else
  res "FAIL supervisor-start no $WORKERS ready workers after $(since $t0) s (supervisor $(alive $SUP && echo running || echo exited)); log tail: $(tail -5 $O/supervisor.log | tr '\n' '|')"
  STARTED=0
fi

if [ $STARTED = 1 ]; then
  # (a) an echo round trip through each handed-off listener; both addresses of the multi-homed one
  $PY echo echo-sctp-v4 127.0.0.1 $P4 + echo echo-sctp-v6 ::1 $P6 \
      + echo echo-sctp-multihomed-127.0.0.1 127.0.0.1 $PM + echo echo-sctp-multihomed-127.0.0.2 127.0.0.2 $PM

  # (b) SO_PROTOCOL on the listening fds the workers hold (read on a pidfd_getfd copy of the
  # worker's own fd), cross-checked with /proc/net/sctp/eps
  ss -Sln > $O/ss-before-upgrade.txt 2>&1; cat /proc/net/sctp/eps > $O/sctp-eps-before-upgrade.txt 2>&1
  export FDH_PIDS="$PIDS"
  $PY protocol so-protocol-sctp-v4 4 $P4 127.0.0.1 + protocol so-protocol-sctp-v6 6 $P6 ::1 \
      + protocol so-protocol-sctp-multihomed 4 $PM 127.0.0.1 127.0.0.2
  unset FDH_PIDS

  # (e) long-lived associations to the counter service, open from before the first upgrade to after
  # the last: each must go on through every upgrade (handed to the new generation), every line
  # answered once, n continuous. The first upgrade is the one of (c); the others follow it.
  LSTOP=$O/live.stop; rm -f $LSTOP $LSTOP.open $LSTOP.gone $LSTOP.served
  log "live associations start"
  FDH_LIVE_ANSWER_TIMEOUT=${FDH_LIVE_ANSWER_TIMEOUT:-60} nice -n 19 $PY live $O/live.json $LSTOP 127.0.0.1 $PC 50 > $O/live.out 2>&1 &
  LIVE=$!
  i=0; while [ ! -s $LSTOP.open ] && alive $LIVE && [ $i -lt 120 ]; do sleep 0.5; i=$((i+1)); done
  log "live associations: $(cat $LSTOP.open 2>/dev/null || echo 'not open')"

  # (c) an upgrade under SCTP client load: a new association per request, across all endpoints.
  # The load runs at nice 19: it soaks up idle CPU but must not starve the supervisor, the new
  # workers and the CLI (2 emulated CPUs; see Control:FirstMessageTimeout above).
  GEN0=$GEN; PIDS0=$PIDS
  STOP=$O/load.stop; rm -f $STOP $STOP.start $STOP.end $STOP.running $STOP.after
  log "load starts"
  FDH_LOAD_THREADS=${FDH_LOAD_THREADS:-4} nice -n 19 $PY load $O/load.json $STOP 127.0.0.1:$P4 "[::1]:$P6" 127.0.0.1:$PM 127.0.0.2:$PM > $O/load.out 2>&1 &
  LOAD=$!
  # the upgrade starts once every endpoint has answered the load (STOP.running), not after a fixed time
  i=0; while [ ! -e $STOP.running ] && alive $LOAD && [ $i -lt 240 ]; do sleep 0.5; i=$((i+1)); done
  log "load: $( [ -e $STOP.running ] && echo 'every endpoint answered' || echo 'not answering') after $((i / 2)) s"
  date +%s.%N > $STOP.start; t0=$(up); log "fdhandoff upgrade"
  $FDH upgrade --control-socket $CTL --timeout 150 > $O/upgrade.out 2>&1; URC=$?
  date +%s.%N > $STOP.end; UT=$(since $t0); log "fdhandoff upgrade returned $URC"
  if [ $URC = 0 ]; then res "PASS upgrade-command fdhandoff upgrade exit 0 in $UT s: $(head -1 $O/upgrade.out)"
  else res "FAIL upgrade-command fdhandoff upgrade exit $URC after $UT s: $(tr '\n' ' ' < $O/upgrade.out)"; fi
  # keep the load on while the old generation drains and the new one serves alone: until 8 more answers came
  # after the upgrade returned (STOP.after), bounded
  i=0; while [ "$(cat $STOP.after 2>/dev/null || echo 0)" -lt 8 ] && alive $LOAD && [ $i -lt 120 ]; do sleep 0.5; i=$((i+1)); done
  touch $STOP; wait $LOAD; log "load stopped ($(cat $STOP.after 2>/dev/null || echo 0)+ answers after the upgrade returned)"
  wait_ready $WORKERS 60
  OLD_LEFT=""; for p in $PIDS0; do case " $PIDS " in *" $p "*) OLD_LEFT="$OLD_LEFT $p";; esac; done
  if [ "$GEN" -gt "$GEN0" ] 2>/dev/null && [ -z "$OLD_LEFT" ]; then
    res "PASS upgrade-replaced-workers generation $GEN0 -> $GEN, workers $PIDS0 -> $PIDS"
  else
    res "FAIL upgrade-replaced-workers generation $GEN0 -> $GEN, workers $PIDS0 -> $PIDS (still serving:${OLD_LEFT:- none})"
  fi
  # (e) continued: the old workers leave once their associations are handed over; then more upgrades
  # wait_gone PIDS SECONDS: until none of the processes is left
  wait_gone() { _i=0; while [ $_i -lt $(( $2 * 2 )) ]; do _l=; for p in $1; do alive $p && _l="$_l $p"; done; [ -z "$_l" ] && return 0; sleep 0.5; _i=$((_i+1)); done; return 1; }
  t0=$(up); wait_gone "$PIDS0" 60 && log "generation $GEN0 gone $(since $t0) s after the check" || log "generation $GEN0 still there after 60 s"
  for u in $(seq 2 $LIVE_UPGRADES); do
    GENB=$GEN; PIDSB=$PIDS; t0=$(up); log "fdhandoff upgrade $u for the live associations"
    $FDH upgrade --control-socket $CTL --timeout 150 >> $O/upgrade-live.out 2>&1; LRC=$?
    log "fdhandoff upgrade $u returned $LRC after $(since $t0) s"
    wait_ready $WORKERS 60
    t0=$(up); wait_gone "$PIDSB" 60 && log "generation $GENB gone $(since $t0) s after the new one was ready" || log "generation $GENB still there after 60 s"
  done
  # every worker left is of the newest generation: each association must still be answered by it. The client
  # writes LSTOP.served once every open association has had 3 answers since LSTOP.gone (livecheck wants 1).
  date +%s.%N > $LSTOP.gone
  i=0; while [ ! -e $LSTOP.served ] && alive $LIVE && [ $i -lt 120 ]; do sleep 0.5; i=$((i+1)); done
  log "live associations: $( [ -e $LSTOP.served ] && echo 'each answered since the old workers left' || echo 'not all answered') after $((i / 2)) s"
  touch $LSTOP; wait $LIVE; log "live associations stopped"
  $PY livecheck live-sctp-upgrade $O/live.json
  FDH_PIDS="$PIDS" $PY loadcheck upgrade-under-sctp-load $O/load.json \
      + protocol so-protocol-after-upgrade 4 $PM 127.0.0.1 127.0.0.2 + echo echo-after-upgrade-multihomed-127.0.0.2 127.0.0.2 $PM
  ss -Sln > $O/ss-after-upgrade.txt 2>&1
fi

# stop: SIGTERM to the supervisor; it must exit and take its workers with it
# cpu PID: user+system clock ticks the process has used so far
cpu() { awk '{print $14+$15}' /proc/$1/stat 2>/dev/null; }
t0=$(up); C0=$(cpu $SUP); log "SIGTERM to the supervisor"; kill -TERM $SUP 2>/dev/null
i=0; C1=$C0
while alive $SUP && [ $i -lt 120 ]; do
  C1=$(cpu $SUP || echo $C1)
  # post-mortem of a slow stop: what each supervisor thread waits on
  [ $i = 16 ] && for t in /proc/$SUP/task/*; do echo "$(cat $t/comm 2>/dev/null) state $(awk '{print $3}' $t/stat 2>/dev/null) wchan $(cat $t/wchan 2>/dev/null) cpu $(awk '{print $14+$15}' $t/stat 2>/dev/null)"; done > $O/stop-threads.txt 2>&1
  sleep 0.5; i=$((i+1))
done
ST=$(since $t0)
log "supervisor stop took $ST s, $(( (${C1:-0} - ${C0:-0}) / 100 )) s of CPU (ticks ${C0:-?} -> ${C1:-?})"
# one grep, not a fork per process: fork+exec is slow under TCG (a shell loop over /proc took 30+ s)
# (argv[0] ends in fdhandoff-worker; the [r] keeps grep from matching its own command line)
LEFT=$(grep -la '^[^[:cntrl:]]*fdhandoff-worke[r]' /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3 | tr '\n' ' ')
if alive $SUP; then
  res "FAIL supervisor-stop still running $ST s after SIGTERM"; kill -KILL $SUP
elif [ -n "$LEFT" ]; then
  wait $SUP; res "FAIL supervisor-stop exited on SIGTERM in $ST s but workers are left: $LEFT"
else
  wait $SUP; res "PASS supervisor-stop exited $? on SIGTERM in $ST s, no worker left"
fi
