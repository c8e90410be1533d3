# Shared helpers for the bench scripts (sourced, not run). Needs: BENCH_DIR, REPO_DIR.
# free_port and fdh_publish come from tools/lib.sh, shared with run.sh and tests/.
source "$REPO_DIR/tools/lib.sh"

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The Python used for the bench's stdlib helpers; matplotlib is looked up separately (plot.py).
PY=${PY:-$FDH_PY}   # tools/lib.sh: the system's python3, not a version manager's slower shim

# Installs the Debian packages the bench needs if a command is missing (root + apt-get).
# usage: ensure_tools CMD:PACKAGE...
ensure_tools() {
  local missing=() spec cmd pkg
  for spec in "$@"; do
    cmd=${spec%%:*}; pkg=${spec#*:}
    if [ "$cmd" = "py:matplotlib" ] || [ "$cmd" = py ]; then
      plot_python >/dev/null 2>&1 || missing+=("$pkg")
    else
      command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_install "${missing[@]}"
}

# apt-get install PACKAGE... (root; waits for another apt user's lock; updates the lists if needed).
apt_install() {
  log "installing with apt-get: $*"
  [ "$(id -u)" = 0 ] || die "need root to install $* (or install them yourself)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "$@" >/dev/null 2>&1 \
    || { apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null 2>&1
         apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "$@" >/dev/null; } \
    || die "apt-get install $* failed"
  export PATH="$PATH:/usr/sbin:/sbin"
}

# Prints a Python interpreter that can import matplotlib (Debian's python3-matplotlib lives in /usr/bin/python3).
plot_python() {
  local p
  for p in "${PLOT_PY:-}" python3 /usr/bin/python3; do
    [ -n "$p" ] || continue
    command -v "$p" >/dev/null 2>&1 || continue
    "$p" -c 'import matplotlib' >/dev/null 2>&1 && { command -v "$p"; return 0; }
  done
  return 1
}

# A run's directories. Sets RUN_ID; RAW, this run's raw logs (bench/results/raw/NAME-RUN_ID); BUILD_DIR,
# the publish kept between runs (bench/.build unless set); SOCK_DIR, a short directory for control
# sockets (Unix socket paths are limited to 107 bytes), which the caller removes at exit.
# usage: bench_dirs NAME
bench_dirs() {
  RUN_ID=$(date +%Y%m%d-%H%M%S)
  RAW=$BENCH_DIR/results/raw/$1-$RUN_ID
  BUILD_DIR=${BUILD_DIR:-$REPO_DIR/bench/.build}
  mkdir -p "$RAW" "$BUILD_DIR"
  SOCK_DIR=$(mktemp -d /tmp/fdhb.XXXXXX)
}

# Waits until GET / on the port answers 200; returns 1 after the timeout (seconds).
wait_http() {
  local port=$1 timeout=${2:-15} i
  for ((i = 0; i < timeout * 20; i++)); do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# Publishes the supervisor and the worker (Release, framework-dependent) into $BUILD_DIR once per run;
# SKIP_PUBLISH=1 reuses what is there. The worker is ReadyToRun (precompiled), as run.sh and the package
# publish it: what an operator runs. publish_worker_jit gives the plain (JIT-only) build for comparisons.
publish_fdhandoff() {
  [ -n "${SKIP_PUBLISH:-}" ] || log "publishing supervisor and worker (Release, worker ReadyToRun) to $BUILD_DIR"
  # --if-changed: the bench stages of one CI run (and runs in a row) publish once, not once each
  local mode=--if-changed; [ -n "${SKIP_PUBLISH:-}" ] && mode=--reuse
  fdh_publish --src "$REPO_DIR" $mode --log "$BUILD_DIR/publish-supervisor.log" supervisor "$BUILD_DIR/supervisor" || die "publish of the supervisor failed"
  fdh_publish --src "$REPO_DIR" $mode --r2r --log "$BUILD_DIR/publish-worker.log" worker "$BUILD_DIR/worker" || die "publish of the worker failed"
}

# The worker without ReadyToRun (everything JIT-compiled at start) into $BUILD_DIR/worker-jit: the "before" of R2R.
publish_worker_jit() {
  local mode=--if-changed; [ -n "${SKIP_PUBLISH:-}" ] && mode=--reuse
  fdh_publish --src "$REPO_DIR" $mode --log "$BUILD_DIR/publish-worker-jit.log" worker "$BUILD_DIR/worker-jit" || die "publish of the JIT-only worker failed"
}

# Where a bench writes its Markdown table: bench/results/latest/NAME.md, which git ignores. The committed
# bench/results/NAME.md changes only by a deliberate step: --publish (publish_results), after reading the figures.
results_file() { mkdir -p "$BENCH_DIR/results/latest"; echo "$BENCH_DIR/results/latest/$1.md"; }
# usage: publish_results FILE NAME: copies a run's table to the committed bench/results/NAME.md
publish_results() { cp "$1" "$BENCH_DIR/results/$2.md" && log "published: bench/results/$2.md (commit it with the docs that quote it)"; }

# Time in microseconds since the epoch, without forking (bash 5).
now_us() { local t=$EPOCHREALTIME; echo $(( 10#${t/[.,]/} )); }
# Epoch seconds with microseconds, for logs read by the Python helpers.
now() { local t=$EPOCHREALTIME; echo "${t/,/.}"; }
# Sleeps until the given time (microseconds since the epoch).
sleep_until_us() {
  local d=$(( $1 - $(now_us) ))
  (( d > 0 )) && sleep "$(printf '%d.%06d' $((d / 1000000)) $((d % 1000000)))"
  return 0
}

# NativeAOT publish of the worker into $BUILD_DIR/worker-aot (clang and zlib1g-dev are needed).
publish_worker_aot() {
  [ -n "${BENCH_WORKER_AOT:-}" ] && return 0   # use_aot_programs: the shared NativeAOT worker
  [ -n "${SKIP_PUBLISH:-}" ] && [ -x "$BUILD_DIR/worker-aot/fdhandoff-worker" ] && return 0
  local pk=()
  command -v clang >/dev/null || pk+=(clang)
  dpkg -s zlib1g-dev >/dev/null 2>&1 || pk+=(zlib1g-dev)
  [ ${#pk[@]} -eq 0 ] || apt_install "${pk[@]}"
  log "publishing the worker with NativeAOT to $BUILD_DIR/worker-aot (a few minutes)"
  fdh_publish --src "$REPO_DIR" --aot --if-changed --log "$BUILD_DIR/publish-worker-aot.log" worker "$BUILD_DIR/worker-aot" || die "NativeAOT publish of the worker failed"
}

# The smokes (CI) run the NativeAOT supervisor and worker that the Debian package ships: FDH_PUBLISHED when
# .ci/run published them once for every stage, else the checkout's out/publish (tools/lib.sh fdh_aot_programs:
# republished only when src/ changed). Sets BENCH_SUPERVISOR (the supervisor every fdhandoff system starts and
# upgrades) and BENCH_WORKER_AOT (the worker of the -aot systems); BUILD_DIR's publishes are then not used.
use_aot_programs() {
  local dir
  dir=$(fdh_aot_programs "$REPO_DIR") || die "the NativeAOT supervisor and worker are missing (see above)"
  BENCH_SUPERVISOR=$dir/supervisor/fdhandoff BENCH_WORKER_AOT=$dir/worker/fdhandoff-worker
  log "NativeAOT supervisor and worker from $dir"
}
# The supervisor program a bench starts: use_aot_programs' or BUILD_DIR's (framework-dependent) publish.
supervisor_bin() { echo "${BENCH_SUPERVISOR:-$BUILD_DIR/supervisor/fdhandoff}"; }
