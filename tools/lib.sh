# Helpers shared by run.sh, bench/ and tests/ (sourced by bash, not run): publishing the supervisor
# and the worker, and a free port. wrk's output is read by bench/lib/wrk_result.py (only bench runs wrk).
FDH_TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FDH_CHECKOUT=$(cd "$FDH_TOOLS_DIR/.." && pwd)

# A TCP port on 127.0.0.1 that nothing listens on right now (one copy: tools/free_port.py).
free_port() { "${PY:-python3}" "$FDH_TOOLS_DIR/free_port.py"; }

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
