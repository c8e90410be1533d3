# Helpers shared by run.sh, bench/ and tests/ (sourced by bash, not run): publishing the supervisor
# and the worker, and a free port. wrk's output is read by bench/lib/wrk_result.py (only bench runs wrk).
FDH_TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FDH_CHECKOUT=$(cd "$FDH_TOOLS_DIR/.." && pwd)

# The Python the scripts start: the system's /usr/bin/python3 (Debian's; every client and helper here needs
# only the standard library). A version manager's shim first on PATH (pyenv's is a bash script) cost ~0.45 s of
# CPU per start on these machines, against ~0.05 s: it adds up where a check polls with Python.
FDH_PY=${FDH_PY:-$(if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3 || echo python3; fi)}

# A TCP port on 127.0.0.1 that nothing listens on right now (one copy: tools/free_port.py).
free_port() { "${PY:-$FDH_PY}" "$FDH_TOOLS_DIR/free_port.py"; }

# Publishes one program (Release) into a directory. Every caller's publish goes through here, so
# the programs the tests, the bench and run.sh start are built the same way.
# usage: fdh_publish [OPTION...] supervisor|worker OUT_DIR
#   --src DIR     the checkout whose src/ to build (default: this one)
#   --log FILE    dotnet's output goes there; on failure its last 20 lines go to stderr (default: the terminal)
#   --rid RID     a runtime-specific, framework-dependent publish (-r RID --no-self-contained)
#   --r2r         ReadyToRun (precompiled: far less JIT at start-up); implies --rid linux-x64 unless given
#   --aot         NativeAOT (-r linux-x64, self-contained; needs clang and zlib1g-dev)
#   --reuse       do nothing when OUT_DIR already has the program (the caller asked not to build)
#   --if-changed  do nothing when OUT_DIR was published by this function from the same sources and
#                 options (a hash of src/ and Directory.Build.props in OUT_DIR.src-hash, beside the
#                 directory so that copying OUT_DIR does not carry it); else OUT_DIR is emptied
#                 first, so no file of an older publish stays behind
# Returns non-zero (after one line saying so on stderr) when the publish failed.
fdh_publish() {
  local src=$FDH_CHECKOUT log="" rid="" r2r=0 aot=0 reuse=0 if_changed=0
  while [ $# -gt 0 ]; do
    case $1 in
      --src) src=$2; shift ;;
      --log) log=$2; shift ;;
      --rid) rid=$2; shift ;;
      --r2r) r2r=1 ;;
      --aot) aot=1 ;;
      --reuse) reuse=1 ;;
      --if-changed) if_changed=1 ;;
      -*) echo "fdh_publish: unknown option $1 (--src, --log, --rid, --r2r, --aot, --reuse, --if-changed)" >&2; return 2 ;;
      *) break ;;
    esac
    shift
  done
  [ $# = 2 ] || { echo "fdh_publish: usage: fdh_publish [OPTION...] supervisor|worker OUT_DIR" >&2; return 2; }
  local project exe out=$2
  case $1 in
    supervisor) project=Supervisor exe=fdhandoff ;;
    worker) project=Worker exe=fdhandoff-worker ;;
    *) echo "fdh_publish: the program is supervisor or worker, not '$1'" >&2; return 2 ;;
  esac
  if [ $reuse = 1 ] && [ -x "$out/$exe" ]; then echo "fdh_publish: reusing $out (not built)" >&2; return 0; fi
  command -v dotnet >/dev/null || { echo "fdh_publish: dotnet is needed to publish src/$project (install the .NET SDK)" >&2; return 1; }

  local args=(-c Release -o "$out" --nologo -v q)
  if [ $aot = 1 ]; then
    args+=(-r linux-x64 -p:PublishAot=true)
  else
    [ $r2r = 1 ] && [ -z "$rid" ] && rid=linux-x64
    [ -n "$rid" ] && args+=(-r "$rid" --no-self-contained)
    [ $r2r = 1 ] && args+=(-p:PublishReadyToRun=true)
  fi

  local hash="" stamp=${out%/}.src-hash
  if [ $if_changed = 1 ]; then
    # The options are part of the hash: a ReadyToRun publish is not an up-to-date plain one.
    hash=$( (cd "$src" && find src Directory.Build.props -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 |
               sort -z | xargs -0 sha256sum; echo "$project ${args[*]}") | sha256sum | cut -c1-16)
    if [ -x "$out/$exe" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
      echo "fdh_publish: sources unchanged since the last publish: reusing $out" >&2; return 0
    fi
    rm -rf "$out"
  fi
  rm -f "$stamp"   # from here on OUT_DIR no longer matches it, whatever the outcome

  local rc=0
  if [ -n "$log" ]; then
    mkdir -p "$(dirname "$log")"
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish "$src/src/$project" "${args[@]}" >"$log" 2>&1 || rc=$?
    [ $rc = 0 ] || tail -20 "$log" >&2
  else
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish "$src/src/$project" "${args[@]}" || rc=$?
  fi
  [ $rc = 0 ] && [ ! -x "$out/$exe" ] && rc=1
  if [ $rc != 0 ]; then
    echo "fdh_publish: publish of src/$project into $out failed${log:+ (log: $log)}" >&2
    return 1
  fi
  [ -z "$hash" ] || echo "$hash" > "$stamp"
}

# The NativeAOT supervisor and worker that the real-environment stages run: the Debian package ships them,
# the systemd stage installs that package, the SCTP VM runs them in the guest (no JIT on an emulated CPU) and
# the bench smokes put them under load. A NativeAOT publish costs ~3 min of CPU on 2 cores, so a CI run does it
# once (.ci/run) and hands the directory to every stage in FDH_PUBLISHED; a stage run on its own publishes
# into the checkout's out/publish (reused while src/ is unchanged).
# Layout: DIR/supervisor/{fdhandoff,appsettings.json}, DIR/worker/fdhandoff-worker (logs beside them).

# fdh_publish_aot_pair SRC DIR: publish both programs of checkout SRC with NativeAOT into DIR (--if-changed).
fdh_publish_aot_pair() {
  local src=$1 dir=$2
  mkdir -p "$dir" || return 1
  fdh_publish --src "$src" --aot --if-changed --log "$dir/supervisor.log" supervisor "$dir/supervisor" &&
    fdh_publish --src "$src" --aot --if-changed --log "$dir/worker.log" worker "$dir/worker"
}

# fdh_is_aot_pair DIR: both programs there, and NativeAOT (a NativeAOT publish carries no managed .dll of its own).
fdh_is_aot_pair() {
  [ -x "$1/supervisor/fdhandoff" ] && [ -x "$1/worker/fdhandoff-worker" ] &&
    [ ! -e "$1/supervisor/fdhandoff.dll" ] && [ ! -e "$1/worker/fdhandoff-worker.dll" ]
}

# fdh_aot_programs [SRC]: prints the directory holding the NativeAOT pair: FDH_PUBLISHED as it is (never
# rebuilt: the caller published it), else SRC/out/publish (default: this checkout), published now if needed.
# Progress goes to stderr; returns 1 after one line saying why.
fdh_aot_programs() {
  local src=${1:-$FDH_CHECKOUT} dir
  if [ -n "${FDH_PUBLISHED:-}" ]; then
    dir=$(cd "$FDH_PUBLISHED" 2>/dev/null && pwd) && fdh_is_aot_pair "$dir" ||
      { echo "fdh: FDH_PUBLISHED=$FDH_PUBLISHED holds no NativeAOT supervisor/fdhandoff and worker/fdhandoff-worker" >&2; return 1; }
    echo "fdh: using the NativeAOT programs in $dir (FDH_PUBLISHED)" >&2
  else
    dir=$src/out/publish
    echo "fdh: NativeAOT publish of $src/src into $dir (republished only when src/ changed)" >&2
    fdh_publish_aot_pair "$src" "$dir" || return 1
  fi
  echo "$dir"
}
