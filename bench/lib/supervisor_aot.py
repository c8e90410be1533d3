"""The NativeAOT supervisor against the framework-dependent one: start-up and memory over many upgrades.

Called by bench/supervisor-aot.sh with builds as LABEL=SUPERVISOR_PATH; every build runs the same worker
(the NativeAOT one, so that upgrades are short), so only the supervisor differs. Stdlib only.

1. Start rounds, alternating between the builds (A B A B ...): exec -> the supervisor's `Generation 1
   serving` line, exec -> first HTTP 200 through a worker, and VmRSS right after that.
2. The long run, every build at the same time (one thread each, to save wall-clock): start, then N upgrades
   by SIGHUP, each done when the supervisor logs `Upgrade to generation G done` and `Generation G-1 retired` (so the
   upgrades never overlap), a GET / through the new generation after each one; VmRSS and open fds sampled
   after start and every --sample-every upgrades.
--check LABEL turns the run into a smoke: checks on that build's samples, last line "N passed, N failed".
"""
import argparse
import datetime
import json
import os
import platform
import re
import signal
import socket
import statistics as st
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from machine import cpu_model

ap = argparse.ArgumentParser()
ap.add_argument("--build", action="append", required=True, help="LABEL=PATH to a supervisor executable")
ap.add_argument("--worker", required=True, help="the worker executable every build runs")
ap.add_argument("--workers", type=int, default=1)
ap.add_argument("--rounds", type=int, default=10, help="start rounds per build")
ap.add_argument("--upgrades", type=int, default=1000)
ap.add_argument("--sample-every", type=int, default=100)
ap.add_argument("--check", help="smoke: check this build's samples and print 'N passed, N failed'")
ap.add_argument("--rss-limit-mb", type=float, default=40.0)
ap.add_argument("--growth-limit-mb", type=float, default=4.0)
ap.add_argument("--work", required=True)
ap.add_argument("--out", help="the Markdown table (not written in a smoke)")
ap.add_argument("--note", default="")
a = ap.parse_args()
builds = [b.split("=", 1) for b in a.build]
os.makedirs(a.work, exist_ok=True)
# The supervisors run as configured here, not as the caller's shell would have them.
env = {k: v for k, v in os.environ.items() if not k.startswith("FDHANDOFF_") and not k.startswith("DOTNET_")}
env["FDHANDOFF_LOG"] = "console"
MIB = 1024.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


RUNNING = []  # every Supervisor started, so that a SIGTERM to this script leaves none behind


def on_sigterm(signum, _frame):
    for s in RUNNING:
        if s.p.poll() is None:
            s.p.send_signal(signal.SIGTERM)
    print(f"supervisor_aot.py: stopped by signal {signum}; supervisors told to stop", file=sys.stderr, flush=True)
    os._exit(128 + signum)


signal.signal(signal.SIGTERM, on_sigterm)
signal.signal(signal.SIGINT, on_sigterm)


class Supervisor:
    """One supervisor process; its output (the workers' too) is read by a thread of its own, line by line."""

    def __init__(self, label, path, tag):
        self.label = label
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=f"fdh-aot-{tag}-", dir=a.work)
        config = {
            "Listeners": {"http": f"tcp://127.0.0.1:{self.port}"},
            "ControlSocket": os.path.join(self.dir, "control.sock"),
            "Workers": {"Command": a.worker, "Count": a.workers},
        }
        cfg = os.path.join(self.dir, "fdhandoff.json")
        with open(cfg, "w") as f:
            json.dump(config, f)
        self.log = open(os.path.join(self.dir, "output.txt"), "w")
        self.cond = threading.Condition()
        self.serving = set()   # generations that logged "serving"
        self.retired = set()   # generations that logged "retired"
        self.first_serving = None
        self.exited = None
        self.t0 = time.monotonic()
        self.p = subprocess.Popen([path, "--config", cfg], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        RUNNING.append(self)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        # Generation 1 logs "serving"; every later one "Upgrade to generation G done" (SupervisorLog).
        serving = re.compile(rb"Generation (\d+) serving|Upgrade to generation (\d+) done")
        retired = re.compile(rb"Generation (\d+) retired")
        for line in self.p.stdout:
            self.log.write(line.decode(errors="replace"))
            with self.cond:
                if m := serving.search(line):
                    if self.first_serving is None:
                        self.first_serving = time.monotonic() - self.t0
                    self.serving.add(int(m.group(1) or m.group(2)))
                    self.cond.notify_all()
                elif m := retired.search(line):
                    self.retired.add(int(m.group(1)))
                    self.cond.notify_all()
        with self.cond:
            self.exited = self.p.wait()
            self.cond.notify_all()

    def wait_for(self, what, timeout=60):
        with self.cond:
            if not self.cond.wait_for(lambda: what() or self.exited is not None, timeout):
                raise RuntimeError(f"{self.label}: timed out after {timeout} s (see {self.dir}/output.txt)")
            if not what():
                raise RuntimeError(f"{self.label}: the supervisor exited with {self.exited} (see {self.dir}/output.txt)")

    def get(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5) as r:
            r.read()
            return r.status

    def first_200(self):
        while True:
            try:
                if self.get() == 200:
                    return time.monotonic() - self.t0
            except OSError:
                if time.monotonic() - self.t0 > 60:
                    raise RuntimeError(f"{self.label}: no HTTP 200 on port {self.port} within 60 s")
                time.sleep(0.005)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        with self.cond:
            self.cond.wait_for(lambda: self.exited is not None, 10)
        self.log.close()


def start_round(label, path, n):
    s = Supervisor(label, path, f"start{n}")
    try:
        s.wait_for(lambda: 1 in s.serving)
        first = s.first_200()
        return {"serving_ms": s.first_serving * 1000, "first_200_ms": first * 1000, "rss_kb": rss_kb(s.p.pid)}
    finally:
        s.stop()


def long_run(label, path, out):
    s = Supervisor(label, path, "long")
    samples, failed_gets, upgrade_ms = [], 0, []
    out["samples"], out["upgrade_ms"] = samples, upgrade_ms
    try:
        s.wait_for(lambda: 1 in s.serving)
        out["first_200_ms"] = s.first_200() * 1000
        samples.append({"upgrades": 0, "rss_kb": rss_kb(s.p.pid), "fds": open_fds(s.p.pid)})
        for g in range(2, a.upgrades + 2):
            t = time.monotonic()
            s.p.send_signal(signal.SIGHUP)
            s.wait_for(lambda: g in s.serving and g - 1 in s.retired)
            upgrade_ms.append((time.monotonic() - t) * 1000)
            try:
                if s.get() != 200:
                    failed_gets += 1
            except OSError:
                failed_gets += 1
            done = g - 1
            if done % a.sample_every == 0 or done == a.upgrades:
                samples.append({"upgrades": done, "rss_kb": rss_kb(s.p.pid), "fds": open_fds(s.p.pid)})
                print(f"{label:>22}: {done:>5} upgrades, VmRSS {samples[-1]['rss_kb'] / MIB:6.1f} MiB, "
                      f"{samples[-1]['fds']} fds, median upgrade {st.median(upgrade_ms):.0f} ms", flush=True)
        out["failed_gets"] = failed_gets
    except Exception as e:  # reported by the main thread
        out["error"] = str(e)
    finally:
        s.stop()
        out["exit_code"] = s.exited


starts = {label: [] for label, _ in builds}
for n in range(1, a.rounds + 1):
    for label, path in builds:
        r = start_round(label, path, n)
        starts[label].append(r)
        print(f"start round {n:>2} {label:>22}: serving {r['serving_ms']:6.0f} ms, first 200 {r['first_200_ms']:6.0f} ms, "
              f"VmRSS {r['rss_kb'] / MIB:5.1f} MiB", flush=True)

runs = {label: {} for label, _ in builds}
t_long = time.monotonic()
threads = [threading.Thread(target=long_run, args=(label, path, runs[label])) for label, path in builds]
for t in threads:
    t.start()
for t in threads:
    t.join()
long_s = time.monotonic() - t_long
with open(os.path.join(a.work, "results.json"), "w") as f:
    json.dump({"starts": starts, "runs": runs}, f, indent=1)


def mib(kb):
    return kb / MIB


if a.check:
    run = runs[a.check]
    checks = []

    def check(ok, what):
        checks.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {what}")

    samples = run.get("samples", [])
    check("error" not in run, f"{a.check}: {a.upgrades} upgrades done" + (f" ({run['error']})" if "error" in run else ""))
    check(run.get("failed_gets", 1) == 0, f"{a.check}: every GET / after an upgrade answered 200 ({run.get('failed_gets', '?')} failed)")
    check(run.get("exit_code") == 0, f"{a.check}: the supervisor exited 0 on SIGTERM (exit {run.get('exit_code')})")
    if samples:
        top = max(s["rss_kb"] for s in samples)
        check(mib(top) <= a.rss_limit_mb, f"{a.check}: VmRSS at most {a.rss_limit_mb:.0f} MiB at every sample (highest {mib(top):.1f} MiB)")
        growth = mib(samples[-1]["rss_kb"] - samples[0]["rss_kb"])
        check(growth <= a.growth_limit_mb, f"{a.check}: VmRSS grew at most {a.growth_limit_mb:.0f} MiB from start to the last upgrade ({growth:+.1f} MiB)")
        # Flat: the GC's gen0 budget (2 MiB, src/Supervisor's csproj) fills in the first upgrades; after that, nothing grows.
        half = next(x for x in samples if x["upgrades"] >= a.upgrades / 2)
        late = mib(samples[-1]["rss_kb"] - half["rss_kb"])
        check(late <= 1.0, f"{a.check}: VmRSS grew at most 1 MiB over the second half of the upgrades ({late:+.1f} MiB)")
        check(samples[-1]["fds"] <= samples[0]["fds"] + 2, f"{a.check}: open fds flat ({samples[0]['fds']} -> {samples[-1]['fds']})")
    else:
        check(False, f"{a.check}: no RSS sample")
    passed = sum(checks)
    print(f"{passed} passed, {len(checks) - passed} failed")
    sys.exit(0 if passed == len(checks) else 1)

for label, run in runs.items():
    if "error" in run:
        sys.exit(f"{label}: {run['error']}")


def spread(values, fmt="{:,.0f}"):
    return f"{fmt.format(st.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


points = [s["upgrades"] for s in runs[builds[0][0]]["samples"]]
lines = [
    "# NativeAOT supervisor against the framework-dependent one, in one run",
    "",
    f"{datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {os.cpu_count()} cores ({cpu_model()}), "
    f"`bench/supervisor-aot.sh` ({a.rounds} start rounds alternating between the builds, then {a.upgrades:,} upgrades by SIGHUP "
    f"with both supervisors running at the same time, {long_s:.0f} s). Every build runs the same NativeAOT worker, {a.workers} per generation. {a.note}",
    "",
    "Start = exec of the supervisor; *serving* = its `Generation 1 serving` line; *first 200* = first `GET /` answered "
    "through a worker; VmRSS read right after that. Median (min-max) over the start rounds.",
    "",
    "| supervisor build | serving, ms | first 200, ms | VmRSS after start, MiB |",
    "|---|---|---|---|",
]
for label, _ in builds:
    r = starts[label]
    lines.append(f"| {label} | {spread([x['serving_ms'] for x in r])} | {spread([x['first_200_ms'] for x in r])} "
                 f"| {spread([mib(x['rss_kb']) for x in r], '{:.1f}')} |")
lines += [
    "",
    f"VmRSS in MiB (open fds) after start and every {a.sample_every} upgrades (an upgrade = SIGHUP until the new "
    "generation serves and the old one is retired; a GET / through the new generation after each):",
    "",
    "| upgrades | " + " | ".join(label for label, _ in builds) + " |",
    "|---|" + "---|" * len(builds),
]
for i, n in enumerate(points):
    lines.append(f"| {n:,} | " + " | ".join(
        f"{mib(runs[label]['samples'][i]['rss_kb']):.1f} ({runs[label]['samples'][i]['fds']})" for label, _ in builds) + " |")
lines += [
    "",
    "| supervisor build | RSS growth, start -> last, MiB | RSS growth, last half of the run, MiB | median upgrade, ms | failed GETs |",
    "|---|---|---|---|---|",
]
for label, _ in builds:
    s = runs[label]["samples"]
    half = next(x for x in s if x["upgrades"] >= a.upgrades / 2)
    lines.append(f"| {label} | {mib(s[-1]['rss_kb'] - s[0]['rss_kb']):+.1f} | {mib(s[-1]['rss_kb'] - half['rss_kb']):+.1f} "
                 f"| {st.median(runs[label]['upgrade_ms']):.0f} | {runs[label]['failed_gets']} |")
text = "\n".join(lines) + "\n"
if a.out:
    with open(a.out, "w") as f:
        f.write(text)
print(text)
