#!/usr/bin/env bash
# Runs the supervisor with its worker on the default config (src/Supervisor/appsettings.json):
# two workers serving HTTP on 127.0.0.1:8080 and [::1]:8080 and TCP echo on 127.0.0.1:7007.
# Builds both (Release) into out/ first. Extra arguments go to the supervisor, e.g.
#   ./run.sh --workers 4 --listen http=tcp://0.0.0.0:9090
# Then, from another terminal: out/supervisor/fdhandoff status | upgrade
set -euo pipefail
cd "$(dirname "$0")"
source tools/lib.sh
fdh_publish supervisor out/supervisor
fdh_publish --r2r worker out/worker   # ReadyToRun: precompiled, a shorter start (docs/benchmarks.md)
exec out/supervisor/fdhandoff "$@"
