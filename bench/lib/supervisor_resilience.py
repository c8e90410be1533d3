"""Figures of one bench/supervisor-resilience.sh run. Stdlib only.

usage: supervisor_resilience.py RAW_DIR OUT_MD --commit C --workers W --rate R --before S --after S [--command CMD]

Reads from RAW_DIR (all times epoch seconds, the bench's clock, which is the supervisor's: CLOCK_REALTIME):
  supervisors.txt        one line per supervisor started: "K PID START_TIME" (its output: supervisor-K.log,
                         FDHANDOFF_LOG=json: one JSON object per line with "time", "pid", "id", "properties")
  reexec/                the re-exec phase (absent with --reexecs 0):
    round.txt            key=value lines: connections, interval_ms, ready, baseline_end, end, sup_pid,
                         pids_before, pids_after, sup_pid_after, fds_before, rss_kb_before, fds_after, rss_kb_after
    reexec.txt           one line per `fdhandoff reexec --json`: "T0 T1 RC FDS RSS_KB JSON" (FDS, RSS_KB: the
                         supervisor's after that re-exec)
    client.json, lines.bin   live_client.py's counts and per-line (sent, answered) times
  adopt-N/               one crash adoption with N counter connections:
    round.txt            key=value lines: connections, interval_ms, ready, t_kill, t_dead, t_started, old_pid,
                         new_pid, log (the new supervisor's log file), t_status (empty if never), t_status_call (when
                         the status call that listed them started), polls,
                         pids_before, pids_after, end, fds_after, rss_kb_after
    client.json, lines.bin
  leftovers.txt          worker pids still running after the last supervisor's SIGTERM (killed then), or empty
Writes OUT_MD and RAW_DIR/report.json, prints the table, then "CHECK name: ok|FAIL why" lines and
"bench: N passed, N failed"; exits 1 if a check failed.

Line latency = answered - sent of each counter line. An event's window runs from BEFORE s before it (the re-exec
request, the kill) to AFTER s after it ended (the CLI's return; the new supervisor's "Adopted" line or the moment
status listed the same pids, whichever is later); a line belongs to it when answered in it. The baseline is the
same client's lines answered from one interval after its connections opened (every connection ticking) to BEFORE s
before the first event.
"""
import argparse
import array
import datetime
import json
import math
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine import cpu_model  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("raw")
ap.add_argument("out")
ap.add_argument("--commit", default="unknown")
ap.add_argument("--workers", type=int, default=2)
ap.add_argument("--rate", type=float, default=0)
ap.add_argument("--before", type=float, default=0.5)
ap.add_argument("--after", type=float, default=2.0)
ap.add_argument("--command", default="bench/supervisor-resilience.sh")
ap.add_argument("--load", default="")
a = ap.parse_args()
P = lambda *p: os.path.join(a.raw, *p)  # noqa: E731


def kv(path):
    d = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                d[k] = v
    return d


def num(d, k):
    v = d.get(k, "")
    try:
        return float(v)
    except ValueError:
        return None


def pct(xs, p):
    """Nearest-rank percentile of xs (None when empty)."""
    if not xs:
        return None
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def fmt(v, nd=0):
    if v is None:
        return "n/a"
    return f"{v:,.{nd}f}"


def mib(kb):
    return "n/a" if kb is None else f"{kb / 1024:.1f}"


def fd_diff(before, after):
    """Targets of the fds in AFTER that BEFORE has not (by target, sockets and pipes by kind), as "2 x anon_inode:..."."""
    def targets(path):
        out = {}
        if os.path.exists(path):
            for line in open(path):
                t = line.rstrip("\n").split(" -> ", 1)[-1]
                t = t.split(":[")[0] if t.startswith(("socket:[", "pipe:[")) else t
                out[t] = out.get(t, 0) + 1
        return out
    b, a_ = targets(before), targets(after)
    if not b or not a_:
        return ""
    diff = {t: n - b.get(t, 0) for t, n in a_.items() if n > b.get(t, 0)}
    return ", ".join(f"{n} x `{t}`" for t, n in sorted(diff.items()))


def lines_of(d):
    pairs = array.array("d")
    f = os.path.join(d, "lines.bin")
    if os.path.exists(f):
        with open(f, "rb") as fh:
            pairs.frombytes(fh.read())
    return list(zip(pairs[0::2], pairs[1::2]))


def latencies(lines, windows):
    """Latencies (ms) of the lines answered inside any of the windows [(t0, t1)]."""
    return [(r - s) * 1000 for s, r in lines if any(t0 <= r <= t1 for t0, t1 in windows)]


def lat_summary(xs):
    return {"lines": len(xs), "p50_ms": pct(xs, 50), "p99_ms": pct(xs, 99), "max_ms": max(xs) if xs else None}


def log_events(path, pid):
    """(epoch, id, properties) of the supervisor's own JSON log lines (program fdhandoff, that pid)."""
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path, errors="replace"):
        if not line.startswith("{"):
            continue
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e.get("program") != "fdhandoff" or e.get("pid") != pid or "id" not in e:
            continue
        t = datetime.datetime.fromisoformat(e["time"]).timestamp()
        out.append((t, e["id"], e.get("properties", {})))
    return out


def client_bad(c, n):
    bad = []
    if not c:
        return ["no client.json (the client failed)"]
    if c.get("opened", 0) < n:
        bad.append(f"only {c.get('opened', 0)} of {n} connections opened")
    if c.get("open_at_stop", 0) < c.get("opened", 0):
        bad.append(f"{c['opened'] - c['open_at_stop']} connections lost")
    for k in ("disconnects", "stalls", "protocol_errors", "unanswered"):
        if c.get(k):
            bad.append(f"{k.replace('_', ' ')} {c[k]}" + (f" ({c['errors'][:2]})" if c.get("errors") else ""))
    return bad


def load_json(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


sups = {}
if os.path.exists(P("supervisors.txt")):
    for line in open(P("supervisors.txt")):
        k, pid, t = line.split()[:3]
        sups[int(pid)] = f"supervisor-{k}.log"

checks = []   # (name, [why...])
report = {"commit": a.commit, "workers": a.workers, "before_s": a.before, "after_s": a.after}

# ---------------------------------------------------------------- re-exec
rx = None
if os.path.exists(P("reexec", "round.txt")):
    r = kv(P("reexec", "round.txt"))
    runs = []
    for line in open(P("reexec", "reexec.txt")) if os.path.exists(P("reexec", "reexec.txt")) else []:
        parts = line.rstrip("\n").split(" ", 5)
        t0, t1, rc, fds, rss = float(parts[0]), float(parts[1]), int(parts[2]), parts[3], parts[4]
        res = None
        try:
            res = json.loads(parts[5]) if len(parts) > 5 and parts[5].strip() else None
        except ValueError:
            pass
        runs.append({"t0": t0, "t1": t1, "rc": rc, "fds": int(fds) if fds.isdigit() else None,
                     "rss_kb": int(rss) if rss.isdigit() else None, "result": res})
    ok = [x for x in runs if x["rc"] == 0 and x["result"] and x["result"].get("ok")]
    elapsed = [x["result"]["elapsedMs"] for x in ok]
    wall = [(x["t1"] - x["t0"]) * 1000 for x in runs if x["rc"] == 0]
    sup_pid = int(r.get("sup_pid") or 0)
    evs = log_events(P(sups.get(sup_pid, "supervisor-1.log")), sup_pid)
    ev475 = [p.get("ElapsedMs") for t, i, p in evs if i == 475]
    # Where a re-exec's time goes, from the log: requested (471) -> trial passed (472: the binary at the supervisor's
    # path started as a child read this image's state) -> executing (474) -> the new image serving (475).
    phases = {"trial": [], "pause": [], "exec": []}
    seq = {}
    for t, i, p in evs:
        if i == 471:
            seq = {471: t}
        elif i in (472, 474, 475) and seq:
            seq[i] = t
            if i == 475 and all(k in seq for k in (471, 472, 474)):
                phases["trial"].append((seq[472] - seq[471]) * 1000)
                phases["pause"].append((seq[474] - seq[472]) * 1000)
                phases["exec"].append((seq[475] - seq[474]) * 1000)
                seq = {}
    lines = lines_of(P("reexec"))
    interval = num(r, "interval_ms") / 1000
    first = runs[0]["t0"] if runs else num(r, "end")
    base_w = [(num(r, "ready") + interval * 1.1, first - a.before)]
    ev_w = [(x["t0"] - a.before, x["t1"] + a.after) for x in runs]
    client = load_json(P("reexec", "client.json"))
    rx = {
        "connections": int(num(r, "connections")), "interval_ms": num(r, "interval_ms"), "requested": len(runs),
        "ok": len(ok), "elapsed_ms": elapsed, "wall_ms": wall, "log_475": len(ev475), "log_475_elapsed_ms": ev475,
        "phases_ms": phases,
        "fds": [num(r, "fds_before"), num(r, "fds_after")], "rss_kb": [num(r, "rss_kb_before"), num(r, "rss_kb_after")],
        "fds_first": runs[0]["fds"] if runs else None, "rss_kb_first": runs[0]["rss_kb"] if runs else None,
        "fds_max": max([x["fds"] for x in runs if x["fds"] is not None] or [0]),
        "fds_min": min([x["fds"] for x in runs if x["fds"] is not None] or [0]),
        "rss_kb_max": max([x["rss_kb"] for x in runs if x["rss_kb"] is not None] or [0]),
        "rss_kb_min": min([x["rss_kb"] for x in runs if x["rss_kb"] is not None] or [0]),
        "baseline": lat_summary(latencies(lines, base_w)), "event": lat_summary(latencies(lines, ev_w)),
        "client": {k: v for k, v in (client or {}).items() if k != "errors"},
        "same_pid": r.get("sup_pid") == r.get("sup_pid_after"), "same_workers": r.get("pids_before") == r.get("pids_after"),
        "pids_before": r.get("pids_before"), "pids_after": r.get("pids_after"),
    }
    report["reexec"] = rx
    bad = []
    if len(ok) < len(runs) or not runs:
        bad.append(f"{len(runs) - len(ok)} of {len(runs)} re-execs failed")
    if len(ev475) < len(ok):
        bad.append(f"{len(ok)} re-execs answered ok but the log has {len(ev475)} event 475 lines")
    if not rx["same_pid"]:
        bad.append(f"supervisor pid {r.get('sup_pid')} -> {r.get('sup_pid_after')}")
    if not rx["same_workers"]:
        bad.append(f"worker pids {r.get('pids_before')} -> {r.get('pids_after')}")
    bad += client_bad(client, rx["connections"])
    checks.append(("reexec", bad))
    # Flat = no growth from the first re-exec on: the first image (started by exec) and a re-executed one differ
    # by what a re-exec keeps (the fds listed in fds-before.txt / fds-after-first.txt).
    bad = []
    f1 = rx["fds"][1]
    if f1 is None or rx["fds_first"] is None or f1 > rx["fds_first"] or rx["fds_max"] > rx["fds_first"]:
        bad.append(f"fds {fmt(rx['fds'][0])} before, {fmt(rx['fds_first'])} after the first re-exec, {fmt(f1)} after the last (max {rx['fds_max']})")
    m1 = rx["rss_kb"][1]
    # NativeAOT supervisor: some GC noise is normal (bench/supervisor-aot.sh allows 4 MiB over 30 upgrades)
    if m1 is None or rx["rss_kb_first"] is None or m1 - rx["rss_kb_first"] > 4096:
        bad.append(f"VmRSS {fmt(rx['rss_kb_first'] and rx['rss_kb_first'] / 1024, 1)} MiB after the first re-exec, "
                   f"{fmt(m1 and m1 / 1024, 1)} after the last")
    checks.append(("reexec-footprint", bad))

# ---------------------------------------------------------------- crash adoption
adoptions = []
for name in sorted((d for d in os.listdir(a.raw) if d.startswith("adopt-")), key=lambda d: int(d.split("-")[1])):
    d = P(name)
    r = kv(os.path.join(d, "round.txt"))
    n = int(num(r, "connections"))
    t_kill = num(r, "t_kill")
    new_pid = int(r.get("new_pid") or 0)
    evs = log_events(P(r.get("log", "")), new_pid) if r.get("log") else []
    e485 = next(((t, p) for t, i, p in evs if i == 485), None)
    e489 = next(((t, p) for t, i, p in evs if i == 489), None)
    e486 = [t for t, i, p in evs if i == 486]
    e488 = next(((t, p) for t, i, p in evs if i == 488), None)
    t_status = num(r, "t_status")
    lines = lines_of(d)
    interval = num(r, "interval_ms") / 1000
    done = max([t for t in (e489 and e489[0], t_status) if t] or [t_kill or 0])
    base_w = [(num(r, "ready") + interval * 1.1, (t_kill or 0) - a.before)]
    ev_w = [((t_kill or 0) - a.before, max((t_kill or 0) + a.after, done + a.after))]
    after_adoption = sum(1 for s, rr in lines if s >= done) if t_kill else 0
    client = load_json(os.path.join(d, "client.json"))
    x = {
        "connections": n, "interval_ms": num(r, "interval_ms"), "old_pid": r.get("old_pid"), "new_pid": new_pid,
        "kill_to_dead_ms": (num(r, "t_dead") - t_kill) * 1000 if t_kill and num(r, "t_dead") else None,
        "kill_to_started_ms": (num(r, "t_started") - t_kill) * 1000 if t_kill and num(r, "t_started") else None,
        "kill_to_485_ms": (e485[0] - t_kill) * 1000 if e485 and t_kill else None,
        "kill_to_489_ms": (e489[0] - t_kill) * 1000 if e489 and t_kill else None,
        "kill_to_486_ms": [(t - t_kill) * 1000 for t in e486] if t_kill else [],
        "kill_to_status_ms": (t_status - t_kill) * 1000 if t_status and t_kill else None,
        "status_polls": int(num(r, "polls") or 0),
        "kill_to_status_call_ms": (num(r, "t_status_call") - t_kill) * 1000 if t_status and t_kill and num(r, "t_status_call") else None,
        "adopted": e489[1].get("Adopted") if e489 else None, "reattached": e489[1].get("Reattached") if e489 else None,
        "not_back": e489[1].get("NotBack") if e489 else None, "listeners": e489[1].get("Listeners") if e489 else None,
        "adoption_impossible": e488[1] if e488 else None,
        "pids_before": r.get("pids_before"), "pids_after": r.get("pids_after"),
        "fds_after": num(r, "fds_after"), "rss_kb_after": num(r, "rss_kb_after"),
        "baseline": lat_summary(latencies(lines, base_w)), "event": lat_summary(latencies(lines, ev_w)),
        "lines_sent_after_adoption": after_adoption,
        "client": {k: v for k, v in (client or {}).items() if k != "errors"},
    }
    adoptions.append(x)
    bad = []
    if not t_kill:
        bad.append("no kill (the round did not get that far)")
    elif e489 is None:
        bad.append("no 'Adopted' (489) line from the new supervisor" + (f"; 488: {e488[1]}" if e488 else ""))
    elif x["adopted"] != a.workers or x["not_back"]:
        bad.append(f"{x['adopted']} of {a.workers} workers adopted, {x['not_back']} not back")
    if t_kill and not t_status:
        bad.append(f"status never listed the same worker pids ({r.get('pids_before')}; last: {r.get('pids_after')})")
    bad += client_bad(client, n)
    if t_kill and client and after_adoption < n:
        bad.append(f"only {after_adoption} lines sent after the adoption for {n} connections")
    checks.append((f"adoption-{n}", bad))
report["adoptions"] = adoptions

left = open(P("leftovers.txt")).read().split() if os.path.exists(P("leftovers.txt")) else None
if left is not None:
    checks.append(("workers-left", [f"worker pids still running after the supervisor stopped (killed): {' '.join(left)}"] if left else []))
report["checks"] = {name: bad for name, bad in checks}

# ---------------------------------------------------------------- table
starts = [float(line.split()[2]) for line in open(P("supervisors.txt"))] if os.path.exists(P("supervisors.txt")) else []
now = time.strftime("%Y-%m-%d %H:%M", time.localtime(starts[0] if starts else time.time()))
md = ["# Supervisor resilience: re-exec and crash adoption under live connections", ""]
md.append(f"{now}, {platform.node()}, {os.cpu_count()} cores ({cpu_model()}), commit {a.commit}{', load average ' + a.load if a.load else ''}. "
          f"`{a.command}`: the NativeAOT supervisor and {a.workers} NativeAOT workers (out/publish), counter connections "
          f"(bench/lib/live_client.py) sending ~{a.rate:,.0f} lines/s in all (one line per connection every max(100 ms, N / rate)). "
          f"Event window: {a.before:g} s before the event to {a.after:g} s after it ended; baseline: the same client's lines before it.")
md.append("")
if rx:
    e, w = rx["elapsed_ms"], rx["wall_ms"]
    med = pct(e, 50)
    md += [f"## Re-exec: {rx['requested']} x `fdhandoff reexec --json` in a row, {rx['connections']:,} counter connections open", "",
           "| figure | median | p90 | max |", "|---|--:|--:|--:|",
           f"| request → new image serving (the supervisor's ElapsedMs), ms | {fmt(med, 1)} | {fmt(pct(e, 90), 1)} | {fmt(max(e) if e else None, 1)} |",
           f"| CLI wall time (`fdhandoff reexec` start → exit), ms | {fmt(pct(w, 50), 1)} | {fmt(pct(w, 90), 1)} | {fmt(max(w) if w else None, 1)} |",
           *[f"| {label}, ms | {fmt(pct(v, 50), 1)} | {fmt(pct(v, 90), 1)} | {fmt(max(v) if v else None, 1)} |"
             for label, v in (("of which: requested (471) → trial passed (472): the binary started as a child reads the state", rx["phases_ms"]["trial"]),
                              ("of which: trial passed (472) → executing (474): pause, hand-off written", rx["phases_ms"]["pause"]),
                              ("of which: executing (474) → new image serving (475): execve and the new image's start", rx["phases_ms"]["exec"]))],
           "",
           f"Re-execs ok: {rx['ok']} / {rx['requested']} (log event 475: {rx['log_475']}); same supervisor pid: "
           f"{'yes' if rx['same_pid'] else 'NO'}; same worker pids: {'yes' if rx['same_workers'] else 'NO'} ({rx['pids_after']}). "
           f"Target (issue 21) under 100 ms: **{'met' if med is not None and med < 100 else 'not met'}** on the median"
           + (f", {sum(1 for v in e if v >= 100)} of {len(e)} at or over 100 ms." if e else "."), "",
           f"| supervisor | before the first re-exec | after the first | after each (min-max) | after the last (+{a.after + 0.5:g} s) |",
           "|---|--:|--:|--:|--:|",
           f"| open fds (/proc/PID/fd) | {fmt(rx['fds'][0])} | {fmt(rx['fds_first'])} | {rx['fds_min']}-{rx['fds_max']} | {fmt(rx['fds'][1])} |",
           f"| VmRSS, MiB | {mib(rx['rss_kb'][0])} | {mib(rx['rss_kb_first'])} | {mib(rx['rss_kb_min'])}-{mib(rx['rss_kb_max'])} | {mib(rx['rss_kb'][1])} |",
           ""]
    extra = fd_diff(P("reexec", "fds-before.txt"), P("reexec", "fds-after-first.txt"))
    if extra:
        md += [f"Descriptors a re-executed image has and the first image had not: {extra}.", ""]
cnt = lambda c, k: f"{c[k]:,}" if isinstance(c.get(k), int) else "n/a"  # noqa: E731
adopt_rows = []
for x in adoptions:
    c = x["client"]
    adopt_rows.append(
        f"| {x['connections']:,} | {fmt(x['kill_to_485_ms'])} | {', '.join(fmt(v) for v in x['kill_to_486_ms']) or 'n/a'} | **{fmt(x['kill_to_489_ms'])}** | {fmt(x['kill_to_status_ms'])} | "
        f"{x['adopted'] if x['adopted'] is not None else 'n/a'} / {x['reattached'] if x['reattached'] is not None else 'n/a'} | "
        f"{cnt(c, 'open_at_stop')} / {cnt(c, 'opened')} | {cnt(c, 'disconnects')} / {cnt(c, 'protocol_errors')} / "
        f"{cnt(c, 'stalls')} / {cnt(c, 'unanswered')} |")
if adoptions:
    md += ["## Crash adoption: `kill -9` the supervisor, the same command line started at once", "",
           "| connections | kill → `Adopting` (485: the new supervisor up, waiting), ms | kill → each worker reattached (486), ms | "
           "kill → `Adopted` (489), ms | kill → status lists the same pids, ms | "
           "workers adopted / reattached | connections open at the end / opened | disconnects / protocol errors / stalls / unanswered |",
           "|--:|--:|--:|--:|--:|--:|--:|--:|", *adopt_rows, "",
           "Status is polled from the restart on (`fdhandoff status --json`, each a process of its own); a request that "
           "arrives while the supervisor adopts is refused or waits, so its figure includes the rest of the supervisor's start.", ""]
lat_rows = []
if rx:
    lat_rows.append(("re-exec", rx))
lat_rows += [(f"adoption, {x['connections']:,} connections", x) for x in adoptions]
if lat_rows:
    md += ["Counter line latency (answered - sent), lines answered in the window:", "",
           "| event | lines/s asked | baseline p99, ms (lines) | event window p99, ms (lines) | event window max, ms |",
           "|---|--:|--:|--:|--:|"]
    for name, x in lat_rows:
        asked = x["connections"] / (x["interval_ms"] / 1000)
        b, e = x["baseline"], x["event"]
        md.append(f"| {name} | {asked:,.0f} | {fmt(b['p99_ms'], 1)} ({b['lines']:,}) | {fmt(e['p99_ms'], 1)} ({e['lines']:,}) | {fmt(e['max_ms'], 1)} |")
    md.append("")
    md.append("Each adoption round starts its own client (new connections); the kills follow each other, the supervisor "
              "that adopted in one round is the one killed in the next, the workers are the same processes throughout.")
    md.append("")
failed = [(n, b) for n, b in checks if b]
md.append(f"Checks: {len(checks) - len(failed)} passed, {len(failed)} failed" + ("" if not failed else ": " + "; ".join(f"{n}: {', '.join(b)}" for n, b in failed)))
md.append("")
text = "\n".join(md)
with open(a.out, "w") as f:
    f.write(text)
with open(P("report.json"), "w") as f:
    json.dump(report, f, indent=1)
print(text)
for name, bad in checks:
    print(f"CHECK {name}: {'ok' if not bad else 'FAIL ' + '; '.join(str(b) for b in bad)}")
print(f"bench: {len(checks) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
