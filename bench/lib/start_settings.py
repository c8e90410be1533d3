"""One worker alone, spawn -> first 200 and its CPU by then, per runtime setting, rounds alternating.

The worker binds 127.0.0.1:<free port> itself (ASPNETCORE_URLS); the first GET / is sent as soon as the port
accepts a connection, so the time includes the first request's own cost (its JIT). CPU: utime + stime of
the worker from /proc/PID/stat right after the answer. Stdlib only.
"""
import argparse
import os
import socket
import statistics
import subprocess
import time

from machine import cpu_model

p = argparse.ArgumentParser()
p.add_argument("--worker", required=True)
p.add_argument("--worker-jit", required=True)
p.add_argument("--rounds", type=int, default=10)
p.add_argument("--out", required=True)
p.add_argument("--commit", default="unknown")
a = p.parse_args()

# (name, executable, extra environment, what it is)
SETTINGS = [
    ("ReadyToRun (default)", a.worker, {}, "what run.sh and the benchmarks run"),
    ("no ReadyToRun", a.worker_jit, {}, "the plain publish: everything JIT-compiled"),
    ("ReadyToRun, workstation GC", a.worker, {"DOTNET_gcServer": "0"}, "the Web SDK turns server GC on"),
    ("ReadyToRun, TieredPGO off", a.worker, {"DOTNET_TieredPGO": "0"}, "no instrumented tier"),
    ("ReadyToRun, workstation GC, TieredPGO off", a.worker, {"DOTNET_gcServer": "0", "DOTNET_TieredPGO": "0"}, ""),
    ("ReadyToRun, TieredCompilation off", a.worker, {"DOTNET_TieredCompilation": "0"}, "every JIT at full optimisation"),
    ("ReadyToRun, quick JIT for loops off", a.worker, {"DOTNET_TC_QuickJitForLoops": "0"}, ""),
]
TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_ms(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 / TCK


def one_start(exe, extra):
    port = free_port()
    env = dict(os.environ, ASPNETCORE_URLS=f"http://127.0.0.1:{port}", **extra)
    for k in [k for k in env if k.startswith("FDHANDOFF_")]:
        del env[k]
    t0 = time.monotonic()
    proc = subprocess.Popen([exe], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = t0 + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{exe} exited with {proc.returncode} before answering")
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{exe} did not listen within 60 s")
                time.sleep(0.002)
        with s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            head = s.recv(64)
            while s.recv(65536):
                pass
        t1 = time.monotonic()
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"{exe} answered {head[:20]!r}")
        return (t1 - t0) * 1000, cpu_ms(proc.pid)
    finally:
        proc.terminate()
        proc.wait()


results = {name: [] for name, *_ in SETTINGS}
for r in range(a.rounds):
    for name, exe, extra, _ in SETTINGS:
        results[name].append(one_start(exe, extra))

lines = [
    "# Start-up settings of the framework-dependent worker", "",
    f"`bench/start-settings.sh --rounds {a.rounds}` at commit {a.commit}, on {os.cpu_count()} cores ({cpu_model()}).", "",
    "One worker alone binding its own port: spawn → first 200 (the first request's JIT included), and the CPU",
    "(utime + stime) it had used by then. Each setting once per round, rounds alternating; medians (min-max).", "",
    "| setting | spawn → first 200, ms | CPU by then, ms | note |", "|---|--:|--:|---|",
]
for name, _, extra, note in SETTINGS:
    w = [x[0] for x in results[name]]
    c = [x[1] for x in results[name]]
    env = " ".join(f"`{k}={v}`" for k, v in extra.items())
    lines.append(f"| {name} | {statistics.median(w):.0f} ({min(w):.0f}-{max(w):.0f}) | "
                 f"{statistics.median(c):.0f} ({min(c):.0f}-{max(c):.0f}) | {' '.join(x for x in (env, note) if x)} |")
    print(f"START setting={name.replace(' ', '_')} wall_ms={statistics.median(w):.0f} cpu_ms={statistics.median(c):.0f} "
          f"({min(c):.0f}-{max(c):.0f})")
with open(a.out, "w") as f:
    f.write("\n".join(lines) + "\n")
