#!/bin/sh
# Runs inside the SCTP test VM as root, chrooted into the host's root (read-only); the run
# directory (read-write) is /tmp/fdh-vm. Writes out/results.txt for tests/vm/run.sh:
# "PASS|FAIL|SKIP <name> <detail>" lines, "TIME ..." lines, and "DONE" when it got to the end.
V=/tmp/fdh-vm; O=$V/out; G=$V/guest
export FDH_RESULTS=$O/results.txt
: > $FDH_RESULTS
up() { cut -d' ' -f1 /proc/uptime; }
T0=$(up)
res() { echo "$*" | tee -a $FDH_RESULTS; }
PY="/usr/bin/python3 $G/sctp_client.py"
exec >> $O/guest.log 2>&1
echo "GUEST: kernel $(uname -r) uptime=$T0"

# (d) the kernel's SCTP, driven by Python alone: is the VM sound at all?
if grep -q '^sctp ' /proc/modules; then res "PASS vm-sctp-module sctp loaded in $(uname -r)"
else res "FAIL vm-sctp-module sctp module not loaded"; fi
$PY raw
read -r _c _u _n _s _r < /proc/stat; echo "GUEST: raw checks done uptime=$(up) cpu=$(( (_u + _n + _s) / 100 ))"

# (a)-(c) with the real supervisor and worker
if [ -x $V/app/supervisor/fdhandoff ] && [ -x $V/app/worker/fdhandoff-worker ]; then
  . $G/supervisor-tests.sh
else
  res "FAIL supervisor-tests the supervisor or worker was not built (see out/build.log)"
fi

res "TIME guest-tests $(echo "$(up) $T0" | awk '{printf "%.1f", $1-$2}') s"
echo DONE >> $FDH_RESULTS
sync
