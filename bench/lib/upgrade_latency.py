"""Upgrade latency of the supervisor, next to the bare start-to-ready time of one worker process.

Called by bench/upgrade-latency.sh (which publishes and passes the paths). Stdlib only.
  1. bare start: the worker binding a port itself (ASPNETCORE_URLS), spawn -> first 200, STARTS times;
  2. the supervisor with WORKERS workers on one http listener, idle; a probe (fresh connection every ~1 ms);
  3. UPGRADES times `fdhandoff upgrade`: request -> CLI returns (every new worker ready), -> every old
     worker process gone; the probe gives request -> first response from a new process;
  4. the supervisor's log gives where the time goes (spawn -> hello/hand-off -> ready, drain -> exit);
  5. supervisor RSS and open fds before and after the upgrades.
"""
import argparse
import json
import os
import re
import signal
import socket
import statistics as st
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from free_port import free_port  # noqa: E402  (tools/free_port.py: the one copy, shared with the shell)

ap = argparse.ArgumentParser()
ap.add_argument("--supervisor", required=True)
ap.add_argument("--worker", required=True)
ap.add_argument("--workers", type=int, default=2)
ap.add_argument("--upgrades", type=int, default=20)
ap.add_argument("--starts", type=int, default=10)
ap.add_argument("--pause", type=float, default=0.3, help="seconds between one upgrade's end and the next")
ap.add_argument("--work", required=True)
ap.add_argument("--sock-dir", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--label", default="framework-dependent")
ap.add_argument("--via", choices=("sighup", "cli"), default="sighup",
                help="sighup: kill -HUP, done when the supervisor logs it (no client process start in the figure); cli: fdhandoff upgrade")
a = ap.parse_args()
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(a.work, exist_ok=True)
clean_env = {k: v for k, v in os.environ.items() if not k.startswith("FDHANDOFF_")}


def get_ok(port):
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = s.recv(4096)
        return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False
    finally:
        s.close()


def wait_ok(port, timeout=60.0, step=0.001):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if get_ok(port):
            return True
        time.sleep(step)
    return False


def q(v):
    return (st.median(v), max(v)) if v else (float("nan"), float("nan"))


def fmt(v):
    return f"{v[0]:.0f} / {v[1]:.0f}"


# 1. bare start-to-ready of one worker
bare = []
with open(os.path.join(a.work, "bare-worker.log"), "w") as blog:
    for i in range(a.starts):
        port = free_port()
        env = dict(clean_env, ASPNETCORE_URLS=f"http://127.0.0.1:{port}")
        t0 = time.monotonic()
        p = subprocess.Popen([a.worker], env=env, stdout=blog, stderr=subprocess.STDOUT)
        ok = wait_ok(port)
        t1 = time.monotonic()
        p.send_signal(signal.SIGTERM)
        p.wait()
        if ok:
            bare.append((t1 - t0) * 1000)
        time.sleep(0.2)

# 2. the supervisor
port = free_port()
ctl = os.path.join(a.sock_dir, f"lat-{port}.sock")
cfg = os.path.join(a.work, "fdhandoff.json")
json.dump({"Listeners": {"http": f"tcp://127.0.0.1:{port}"}, "Workers": {"Command": a.worker, "Count": a.workers}},
          open(cfg, "w"))
slog_path = os.path.join(a.work, "supervisor.log")
slog = open(slog_path, "w")
sup = subprocess.Popen([a.supervisor, "--config", cfg, "--control-socket", ctl], env=clean_env, stdout=slog,
                       stderr=subprocess.STDOUT)


def children():
    out = set()
    try:
        for t in os.listdir(f"/proc/{sup.pid}/task"):
            with open(f"/proc/{sup.pid}/task/{t}/children") as f:
                out |= {int(x) for x in f.read().split()}
    except OSError:
        pass
    return out


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def footprint():
    rss = None
    with open(f"/proc/{sup.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    return rss, len(os.listdir(f"/proc/{sup.pid}/fd"))


def cli(*args, timeout=120):
    return subprocess.run([a.supervisor, *args, "--control-socket", ctl], env=clean_env, capture_output=True,
                          text=True, timeout=timeout)


try:
    if not wait_ok(port, 60, 0.01):
        sys.exit("the supervisor's workers did not answer (see " + slog_path + ")")
    end = time.monotonic() + 30
    while time.monotonic() < end and len([c for c in children() if alive(c)]) < a.workers:
        time.sleep(0.05)
    time.sleep(1.0)
    fp_before = footprint()
    probe_log = os.path.join(a.work, "probe.txt")
    probe = subprocess.Popen([sys.executable, os.path.join(here, "probe.py"), str(port), probe_log])
    time.sleep(0.5)
    ups, ready_cli, ready_sup, gone, failed = [], [], [], [], 0
    gen = 1
    logf = open(slog_path)
    logf.seek(0, 2)

    def wait_log(done_re, failed_re, timeout=120):
        buf, end = "", time.monotonic() + timeout
        while time.monotonic() < end:
            chunk = logf.read()
            if chunk:
                buf += chunk
                m = re.search(done_re, buf)
                if m:
                    return True, m
                if re.search(failed_re, buf):
                    return False, None
            else:
                time.sleep(0.001)
        return False, None

    for i in range(a.upgrades):
        old = {c for c in children() if alive(c)}
        want = gen + 1
        t0 = time.time()
        if a.via == "sighup":
            sup.send_signal(signal.SIGHUP)
            ok, m = wait_log(rf"Upgrade to generation {want} done: every new worker ready in (\d+) ms",
                             rf"Upgrade to generation {want} failed")
            t1 = time.time()
            out = f"ready in {m.group(1)} ms" if ok else ""
        else:
            r = cli("upgrade", "--timeout", "60")
            t1 = time.time()
            ok, out = r.returncode == 0, r.stdout
            wait_log(rf"Upgrade to generation {want} (done|failed)", r"$^", 5)
        gen = want
        if not ok:
            failed += 1
            ups.append((t0, t1, "fail"))
            sys.stderr.write(f"upgrade {i + 1} failed\n")
            continue
        ups.append((t0, t1, "ok"))
        ready_cli.append((t1 - t0) * 1000)
        m = re.search(r"ready in (\d+) ms", out)
        if m:
            ready_sup.append(float(m.group(1)))
        while any(alive(p) for p in old):
            time.sleep(0.002)
        gone.append((time.time() - t0) * 1000)
        time.sleep(a.pause)
    # what a person's `fdhandoff upgrade` adds: the CLI process's own start and round trip
    cli_ms = []
    for _ in range(5):
        c0 = time.time()
        cli("status")
        cli_ms.append((time.time() - c0) * 1000)
    time.sleep(0.5)
    probe.send_signal(signal.SIGTERM)
    probe.wait()
    fp_after = footprint()
    with open(os.path.join(a.work, "upgrades.txt"), "w") as f:
        f.writelines(f"{x:.6f} {y:.6f} {s}\n" for x, y, s in ups)
    pr = subprocess.run([sys.executable, os.path.join(here, "probe_report.py"), probe_log,
                         os.path.join(a.work, "upgrades.txt"), "fdhandoff", "idle", os.path.join(a.work, "probe.json")],
                        capture_output=True, text=True)
    probe_line = pr.stdout.strip()
    pj = json.load(open(os.path.join(a.work, "probe.json")))
finally:
    sup.send_signal(signal.SIGTERM)
    try:
        sup.wait(30)
    except subprocess.TimeoutExpired:
        sup.kill()
    slog.close()

# 4. where the time goes, from the supervisor's log (generations >= 2 are upgrades)
ts = lambda s: sum(float(x) * m for x, m in zip(s.split(":"), (3600, 60, 1))) * 1000
ev = {}
for line in open(slog_path):
    m = re.match(r"(\d\d:\d\d:\d\d\.\d+) \S+ fdhandoff\[\d+\] (.*)", line)
    if not m:
        continue
    t, msg = ts(m.group(1)), m.group(2)
    for pat, key in ((r"Upgrade from generation (\d+) starting", "start_from"),
                     (r"Spawned worker (\d+) for generation (\d+)", "spawn"),
                     (r"Handed \d+ listeners to worker (\d+) of generation (\d+) in ([\d.]+) ms", "handoff"),
                     (r"Worker (\d+) of generation (\d+) ready (\d+) ms after spawn", "ready"),
                     (r"Upgrade to generation (\d+) done", "done"),
                     (r"Worker (\d+) of generation (\d+) draining", "drain"),
                     (r"Worker (\d+) of generation (\d+) exited", "exit")):
        mm = re.search(pat, msg)
        if mm:
            ev.setdefault(key, []).append((t, mm.groups()))
start = {int(g[0]) + 1: t for t, g in ev.get("start_from", [])}
done = {int(g[0]): t for t, g in ev.get("done", [])}
spawn_first = {}
for t, (pid, gen) in ev.get("spawn", []):
    spawn_first.setdefault(int(gen), t)
handoff_ms = [float(g[2]) for t, g in ev.get("handoff", []) if int(g[1]) >= 2]
hand_t = {int(g[0]): t for t, g in ev.get("handoff", [])}
spawn_t = {int(g[0]): t for t, g in ev.get("spawn", [])}
spawn_to_hello = [hand_t[p] - spawn_t[p] for p in hand_t if p in spawn_t]
ready_after_spawn = [float(g[2]) for t, g in ev.get("ready", []) if int(g[1]) >= 2]
req_to_spawn = [spawn_first[g] - start[g] for g in start if g in spawn_first]
drain_t = {}
for t, (pid, gen) in ev.get("drain", []):
    drain_t[int(pid)] = t
exit_t = {int(g[0]): t for t, g in ev.get("exit", [])}
drain_to_exit = [exit_t[p] - drain_t[p] for p in drain_t if p in exit_t]
done_to_drain = []
for g, t in done.items():
    ds = [drain_t[int(pid)] for tt, (pid, gen) in ev.get("drain", []) if int(gen) == g - 1]
    ds = [x for x in ds if x >= t - 1000]  # the drains of this upgrade, not of an earlier life of that generation
    if ds and min(ds) - t < 60000:
        done_to_drain.append(min(ds) - t)

R = {
    "label": a.label, "workers": a.workers, "upgrades": len(ups), "failed": failed,
    "bare_start_to_first_response_ms": q(bare),
    "via": a.via, "cli_status_round_trip_ms": q(cli_ms),
    "request_to_all_new_ready_cli_ms": q(ready_cli), "request_to_all_new_ready_supervisor_ms": q(ready_sup),
    "request_to_old_gone_ms": q(gone),
    "request_to_first_new_response_ms": (pj["new_process_ms_median"], pj["new_process_ms_max"]),
    "probe_failed": pj["failed"], "probe_gap_ms": (pj["gap_ms_median"], pj["gap_ms_max"]),
    "probe_baseline_gap_ms": pj["baseline_gap_ms"],
    "supervisor_request_to_first_spawn_ms": q(req_to_spawn),
    "worker_spawn_to_handoff_done_ms": q(spawn_to_hello), "handoff_ms": q(handoff_ms),
    "worker_spawn_to_ready_ms": q(ready_after_spawn), "upgrade_done_to_old_draining_ms": q(done_to_drain),
    "old_drain_to_exit_ms": q(drain_to_exit),
    "supervisor_rss_mb_before_after": (fp_before[0], fp_after[0]), "supervisor_fds_before_after": (fp_before[1], fp_after[1]),
}
json.dump(R, open(os.path.join(a.work, "latency.json"), "w"), indent=1)
print(probe_line)
print(f"UPGRADE_LATENCY worker={a.label} workers={a.workers} upgrades={len(ups)} failed={failed} "
      f"bare_start_ms={fmt(R['bare_start_to_first_response_ms'])} all_new_ready_ms={fmt(R['request_to_all_new_ready_cli_ms'])} "
      f"all_new_ready_supervisor_ms={fmt(R['request_to_all_new_ready_supervisor_ms'])} old_gone_ms={fmt(R['request_to_old_gone_ms'])} "
      f"first_new_response_ms={fmt(R['request_to_first_new_response_ms'])} (median / max)".replace(" / ", "/"))
print(f"FOOTPRINT supervisor_rss_mb={fp_before[0]:.1f}->{fp_after[0]:.1f} fds={fp_before[1]}->{fp_after[1]} after {len(ups)} upgrades")

rows = [
    ("one worker alone: spawn -> first 200 (self-bound, bare start-to-ready)", R["bare_start_to_first_response_ms"]),
    (("upgrade request (SIGHUP) -> the supervisor logs every new worker ready" if a.via == "sighup" else
      "upgrade request -> every new worker ready (`fdhandoff upgrade` returns; includes the CLI's own start)"), R["request_to_all_new_ready_cli_ms"]),
    ("the same, measured by the supervisor (request received -> last Ready)", R["request_to_all_new_ready_supervisor_ms"]),
    ("upgrade request -> first response from a new process (probe)", R["request_to_first_new_response_ms"]),
    ("upgrade request -> every old worker process gone", R["request_to_old_gone_ms"]),
    ("  supervisor: upgrade start -> first spawn", R["supervisor_request_to_first_spawn_ms"]),
    ("  worker: spawn -> listeners handed over (runtime start + Hello)", R["worker_spawn_to_handoff_done_ms"]),
    ("  hand-off itself (sendmsg of the listeners)", R["handoff_ms"]),
    ("  worker: spawn -> Ready (includes Kestrel start)", R["worker_spawn_to_ready_ms"]),
    ("  upgrade done -> old generation told to drain", R["upgrade_done_to_old_draining_ms"]),
    ("  old worker: drain -> exit", R["old_drain_to_exit_ms"]),
    ("`fdhandoff status` run from a shell (the CLI's start + a round trip; what `fdhandoff upgrade` adds)", R["cli_status_round_trip_ms"]),
]
md = [f"## Upgrade latency, {a.label} worker, {a.workers} workers, {len(ups)} upgrades ({failed} failed) by {a.via}, no load but the probe", "",
      "| step | median ms | max ms |", "|---|--:|--:|"]
md += [f"| {n} | {v[0]:.1f} | {v[1]:.1f} |" if not isinstance(v[0], float) or v[0] == v[0] else f"| {n} | n/a | n/a |" for n, v in rows]
md += ["", f"Probe across the upgrades: {R['probe_failed']} failed probes, longest gap without a successful response "
           f"{R['probe_gap_ms'][0]:.1f} ms median / {R['probe_gap_ms'][1]:.1f} ms max per upgrade "
           f"(before any upgrade: {R['probe_baseline_gap_ms']:.1f} ms).",
       f"Supervisor footprint: RSS {fp_before[0]:.1f} MB -> {fp_after[0]:.1f} MB, open fds {fp_before[1]} -> {fp_after[1]} "
       f"across these {len(ups)} upgrades.", "", "```", probe_line,
       f"UPGRADE_LATENCY ...: see {os.path.basename(a.work)}/latency.json", "```", ""]
with open(a.out, "a") as f:
    f.write("\n".join(md))
