"""Supervisor start-up: time to "Generation 1 serving", time to the first HTTP 200, and the supervisor's RSS.

Called by bench/supervisor-start.sh with two or more builds (LABEL=SUPERVISOR_PATH); every build runs
the same worker, so only the supervisor differs. Rounds alternate between the builds (A B A B ...), so
the machine's noise falls on both alike. One round: a fresh config on free ports (http, http6, echo),
start, read the supervisor's output line by line as it comes (no polling) until "Generation 1 serving",
then GET / until it answers 200, then read VmRSS from /proc/PID/status and count the ASP.NET Core
assemblies mapped into the supervisor; SIGTERM and wait. Stdlib only.
"""
import argparse
import datetime
import json
import os
import platform
import selectors
import signal
import socket
import statistics as st
import subprocess
import tempfile
import time
import urllib.request
from machine import cpu_model

ap = argparse.ArgumentParser()
ap.add_argument("--build", action="append", required=True, help="LABEL=PATH to a supervisor apphost")
ap.add_argument("--worker", required=True)
ap.add_argument("--rounds", type=int, default=10)
ap.add_argument("--workers", type=int, default=2)
ap.add_argument("--work", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--note", default="")
a = ap.parse_args()
builds = [b.split("=", 1) for b in a.build]
os.makedirs(a.work, exist_ok=True)
env = {k: v for k, v in os.environ.items() if not k.startswith("FDHANDOFF_") and not k.startswith("DOTNET_")}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def mapped_aspnetcore(pid):
    with open(f"/proc/{pid}/maps") as f:
        return len({line.split()[-1] for line in f if "Microsoft.AspNetCore" in line})


def one_round(label, supervisor, n):
    http, echo = free_port(), free_port()
    d = tempfile.mkdtemp(prefix=f"fdh-start-{label}-", dir=a.work)
    config = {
        "Listeners": {"http": f"tcp://127.0.0.1:{http}", "http6": f"tcp://[::1]:{http}", "echo": f"tcp://127.0.0.1:{echo}"},
        "ControlSocket": os.path.join(d, "control.sock"),
        "Workers": {"Command": a.worker, "Count": a.workers},
    }
    path = os.path.join(d, "fdhandoff.json")
    with open(path, "w") as f:
        json.dump(config, f)
    log = open(os.path.join(d, "output.txt"), "w")
    t0 = time.monotonic()
    p = subprocess.Popen([supervisor, "--config", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    serving = spawned = None
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    buf = b""
    try:
        while serving is None:
            left = 60 - (time.monotonic() - t0)
            if left <= 0 or not sel.select(left):
                raise RuntimeError(f"{label} round {n}: no 'Generation 1 serving' within 60 s (see {d}/output.txt)")
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError(f"{label} round {n}: the supervisor exited with {p.wait()} before serving (see {d}/output.txt)")
            buf += chunk
            log.write(chunk.decode(errors="replace"))
            if spawned is None and b"Spawned worker" in buf:
                spawned = time.monotonic() - t0
            if b"Generation 1 serving" in buf:
                serving = time.monotonic() - t0
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{http}/", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() - t0 > 60:
                    raise RuntimeError(f"{label} round {n}: no HTTP 200 on port {http} within 60 s")
                time.sleep(0.005)
        first_200 = time.monotonic() - t0
        rss = status_kb(p.pid, "VmRSS")
        aspnet = mapped_aspnetcore(p.pid)
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            rest, _ = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            rest, _ = p.communicate()
        log.write((rest or b"").decode(errors="replace"))
        log.close()
    return {"spawned_ms": spawned * 1000, "serving_ms": serving * 1000, "first_200_ms": first_200 * 1000, "rss_kb": rss, "aspnetcore_files": aspnet}


results = {label: [] for label, _ in builds}
for n in range(1, a.rounds + 1):
    for label, supervisor in builds:
        r = one_round(label, supervisor, n)
        results[label].append(r)
        print(f"round {n:>2} {label:>7}: first spawn {r['spawned_ms']:7.1f} ms, serving {r['serving_ms']:7.1f} ms, first 200 {r['first_200_ms']:7.1f} ms, "
              f"VmRSS {r['rss_kb'] / 1024:6.1f} MiB, ASP.NET Core files mapped: {r['aspnetcore_files']}", flush=True)
with open(os.path.join(a.work, "rounds.json"), "w") as f:
    json.dump(results, f, indent=1)


def med(label, key):
    return st.median(r[key] for r in results[label])


def spread(label, key):
    v = [r[key] for r in results[label]]
    return f"{min(v):,.0f}-{max(v):,.0f}"


cpu = cpu_model()
lines = [
    "# Supervisor start-up: before and after, in one run",
    "",
    f"{datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {os.cpu_count()} cores ({cpu}), "
    f"{a.rounds} rounds alternating between the builds, {a.workers} workers each, the same worker for every build "
    f"(`bench/supervisor-start.sh`). {a.note}",
    "",
    "Start = exec of the supervisor. *First spawn* = its first `Spawned worker` line (the supervisor's own start-up: "
    "host, configuration, listeners, control socket); *serving* = its `Generation 1 serving` line (the workers' start-up too); *first 200* = first `GET /` "
    "answered through a worker; VmRSS read right after that. Median (min-max).",
    "",
    "| build | first spawn, ms | serving, ms | first 200, ms | supervisor VmRSS, MiB | ASP.NET Core files mapped |",
    "|---|---|---|---|---|---|",
]
for label, _ in builds:
    rss = [r["rss_kb"] / 1024 for r in results[label]]
    lines.append(
        f"| {label} | {med(label, 'spawned_ms'):,.0f} ({spread(label, 'spawned_ms')}) "
        f"| {med(label, 'serving_ms'):,.0f} ({spread(label, 'serving_ms')}) "
        f"| {med(label, 'first_200_ms'):,.0f} ({spread(label, 'first_200_ms')}) "
        f"| {st.median(rss):.1f} ({min(rss):.1f}-{max(rss):.1f}) "
        f"| {max(r['aspnetcore_files'] for r in results[label])} |")
text = "\n".join(lines) + "\n"
with open(a.out, "w") as f:
    f.write(text)
print(text)
