"""Figures of one bench/live-connections.sh run. Stdlib only.

usage: live_report.py RAW_DIR OUT_MD DESCRIPTION COMMIT

Reads from RAW_DIR:
  client.json, lines.bin   live_client.py's counts and per-line (sent, answered) epoch seconds
  phases.txt               "baseline START END" and "upgrades START END" (epoch seconds)
  upgrades.txt             one line per upgrade request: "T0 T1 ok|fail" (epoch seconds)
  supervisor.log           the supervisor's output, each line prefixed by its arrival time: "EPOCH<TAB>line";
                           a line's own HH:MM:SS.fff is used instead when it agrees with the arrival
                           (absent with --target unless --supervisor-log)
Writes OUT_MD, RAW_DIR/report.json, and prints one RESULT line.

An upgrade's window runs from its request to the exit of the last worker of the generation it
replaced (from the log), or to the request's return when the log says nothing. A line "crosses an
upgrade" when it was in flight at some moment of a window: sent before the window's end and answered
after its start. The baseline is the lines answered in the baseline phase (no upgrade yet).
"""
import array
import json
import os
import platform
import re
import statistics as stat
import sys
import time

raw, out, description, commit = sys.argv[1:5]
P = lambda name: os.path.join(raw, name)
client = json.load(open(P("client.json")))
pairs = array.array("d")
with open(P("lines.bin"), "rb") as f:
    pairs.frombytes(f.read())
lines = list(zip(pairs[0::2], pairs[1::2]))

phases = {}
for line in open(P("phases.txt")):
    name, a, b = line.split()
    phases[name] = (float(a), float(b))
upgrades = []
if os.path.exists(P("upgrades.txt")):
    for line in open(P("upgrades.txt")):
        t0, t1, status = line.split()[:3]
        upgrades.append({"t0": float(t0), "t1": float(t1), "ok": status == "ok"})

# --- the supervisor's log: "EPOCH\tHH:MM:SS.fff LEVEL fdhandoff[pid] message" (the format may change: match loosely)
events = []  # (epoch, log's own seconds of day or None, message)


def on_own_clock(arrival, own):
    """The line's own time of day as epoch seconds (the day nearest its arrival), when it agrees with the
    arrival within 5 s (a log in local time vs UTC, or a clock the bench cannot read, keeps the arrival)."""
    if own is None:
        return arrival
    lt = time.localtime(arrival)
    t = arrival - (lt.tm_hour * 3600 + lt.tm_min * 60 + lt.tm_sec + arrival % 1) + own
    t = min((t - 86400, t, t + 86400), key=lambda x: abs(x - arrival))
    return t if abs(t - arrival) <= 5 else arrival


log_seen = os.path.exists(P("supervisor.log"))
if log_seen:
    for raw_line in open(P("supervisor.log"), errors="replace"):
        arrival, _, text = raw_line.rstrip("\n").partition("\t")
        if "fdhandoff-worker[" in text:
            continue  # the supervisor's lines only: a worker may log about itself in the same words
        try:
            arrival = float(arrival)
        except ValueError:
            continue
        m = re.match(r"\s*(\d\d):(\d\d):(\d\d\.\d+)\s", text)
        own = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3)) if m else None
        events.append((on_own_clock(arrival, own), own, text))


def find(pattern):
    rx = re.compile(pattern)
    return [(a, o, m) for a, o, t in events for m in [rx.search(t)] if m]


starting = find(r"Upgrade from generation (\d+) starting")
draining = {(int(m.group(1)), int(m.group(2))): (a, o) for a, o, m in find(r"Worker (\d+) of generation (\d+) draining")}
exited = {(int(m.group(1)), int(m.group(2))): (a, o) for a, o, m in find(r"Worker (\d+) of generation (\d+) (?:exited|crashed)")}
# "Generation G retired in X ms: M connections moved to generation N, K kept and closed by their worker,
# C closed by the supervisor" (X: the old generation's drain start -> its last worker's exit)
retired = [(a, int(m.group(1)), float(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5)))
           for a, o, m in find(r"Generation (\d+) retired in ([\d.]+) ms: (\d+) connections moved to generation \d+, "
                               r"(\d+) kept\D+(\d+) closed")]
# (arrival, generation, connections moved, ms)
moved = [(a, g, n, ms) for a, g, ms, n, k, c in retired]
kept_total = sum(r[4] for r in retired)
closed_total = sum(r[5] for r in retired)
closed_lines = [t for a, o, t in events if re.search(r"Closed a connection on ", t)]

# Each upgrade request: which generation it retired (the "starting" line that arrived within its request).
for u in upgrades:
    u["end"] = u["t1"]
    u["retired"] = None
    for a, o, m in starting:
        if u["t0"] - 0.05 <= a <= u["t1"] + 0.05:
            u["retired"] = int(m.group(1))
            break
    if u["retired"] is not None:
        exits = [a for (pid, gen), (a, o) in exited.items() if gen == u["retired"]]
        if exits:
            u["end"] = max(u["t1"], max(exits))


def delta(start, end):
    """Seconds between two log events: the log's own clock when both have it, else arrival times."""
    if start[1] is not None and end[1] is not None:
        d = end[1] - start[1]
        return d + 86400 if d < -43200 else d
    return end[0] - start[0]


drain_to_exit = [round(delta(draining[k], exited[k]) * 1000, 1) for k in draining if k in exited]


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, max(0, -(-len(v) * p // 100) - 1))]


lat = lambda sel: [(r - s) * 1000 for s, r in sel]
b0, b1 = phases.get("baseline", (0, 0))
baseline = [(s, r) for s, r in lines if b0 <= r <= b1]
windows = [(u["t0"], u["end"]) for u in upgrades]
crossing = [(s, r) for s, r in lines if any(s <= e and r >= w for w, e in windows)]
u0, u1 = phases.get("upgrades", (0, 0))
calm = [(s, r) for s, r in lines if u0 <= s and r <= u1 and not any(s <= e and r >= w for w, e in windows)]

moved_total = sum(m[2] for m in moved)
moved_rate = [m[2] / (m[3] / 1000) for m in moved if m[3] > 0]
R = {
    "connections": client["connections"], "opened": client["opened"], "connect_failed": client["connect_failed"],
    "survived": client["open_at_stop"], "disconnects": client["disconnects"], "stalls": client["stalls"],
    "protocol_errors": client["protocol_errors"], "unanswered": client["unanswered"],
    "lines_sent": client["lines_sent"], "lines_answered": client["lines_answered"], "lines_split": client["lines_split"],
    "late_ticks": client["late_ticks"],
    "lines_per_s": client["lines_answered"] / max(1e-9, client["stopped"] - client["started"]),
    "lines_per_s_asked": client["connections"] * 1000 / client["interval_ms"], "failures": client["failures"], "errors": client["errors"],
    "upgrades": len(upgrades), "upgrades_ok": sum(u["ok"] for u in upgrades),
    "upgrade_windows_s": [round(e - w, 3) for w, e in windows],
    "baseline_lines": len(baseline), "baseline_p50_ms": pct(lat(baseline), 50), "baseline_p99_ms": pct(lat(baseline), 99),
    "baseline_max_ms": max(lat(baseline), default=None),
    "crossing_lines": len(crossing), "crossing_p50_ms": pct(lat(crossing), 50), "crossing_p99_ms": pct(lat(crossing), 99),
    "crossing_max_ms": max(lat(crossing), default=None),
    "calm_lines": len(calm), "calm_p99_ms": pct(lat(calm), 99),
    "log": log_seen, "moved_logged": len(moved), "moved_total": moved_total,
    "moved_per_s_median": stat.median(moved_rate) if moved_rate else None,
    "moved_ms": [m[3] for m in moved], "kept_total": kept_total, "closed_total": closed_total,
    "drain_to_exit_ms": drain_to_exit, "drain_to_exit_median_ms": stat.median(drain_to_exit) if drain_to_exit else None,
    "drain_to_exit_max_ms": max(drain_to_exit) if drain_to_exit else None,
    "closed_log_lines": closed_lines[:5],
}
json.dump(R, open(P("report.json"), "w"), indent=1)


def f(v, nd=0, unit=""):
    if v is None:
        return "n/a"
    return f"{v:,.{nd}f}{unit}"


surv_pct = 100.0 * R["survived"] / R["connections"] if R["connections"] else 0
doc = [
    "# Live connections through upgrades",
    "",
    f"Run by `bench/live-connections.sh` at commit `{commit}`, {os.cpu_count()} CPUs ({platform.machine()}); other jobs may share the machine.",
    f"{description}.",
    "Targets (issue 10): every connection survives, no line-protocol error, drain -> old worker's exit under 1 s.",
    "",
    "| figure | value |",
    "|---|--:|",
    f"| connections survived / opened | {R['survived']:,} / {R['opened']:,} ({surv_pct:.1f}% of {R['connections']:,} asked) |",
    f"| disconnects (EOF, reset) / stalls (no answer in 10 s) / failed connects | {R['disconnects']} / {R['stalls']} / {R['connect_failed']} |",
    f"| line-protocol errors (wrong n, wrong line, duplicate) | {R['protocol_errors']} |",
    f"| lines sent / answered / never answered (split in two pieces) | {R['lines_sent']:,} / {R['lines_answered']:,} / {R['unanswered']} ({R['lines_split']:,}) |",
    f"| lines per second answered / asked (ticks that found the previous line still in flight) | "
    f"{f(R['lines_per_s'])} / {f(R['lines_per_s_asked'])} ({R['late_ticks']:,}) |",
    f"| upgrades done / requested | {R['upgrades_ok']} / {R['upgrades']} |",
    f"| p99 line latency, baseline phase (no upgrade; {R['baseline_lines']:,} lines) | {f(R['baseline_p99_ms'], 1, ' ms')} |",
    f"| p99 line latency, lines crossing an upgrade ({R['crossing_lines']:,} lines) | {f(R['crossing_p99_ms'], 1, ' ms')} |",
    f"| p99 line latency, upgrade phase between upgrades ({R['calm_lines']:,} lines) | {f(R['calm_p99_ms'], 1, ' ms')} |",
    f"| max line latency, baseline / crossing | {f(R['baseline_max_ms'], 1)} / {f(R['crossing_max_ms'], 1)} ms |",
    f"| upgrade window (request -> last old worker exited), median / max | "
    f"{f(stat.median(R['upgrade_windows_s']) if R['upgrade_windows_s'] else None, 2)} / {f(max(R['upgrade_windows_s'], default=None), 2)} s |",
    f"| connections moved per second of retirement (drain -> last old worker's exit; median over upgrades) | "
    + (f"{f(R['moved_per_s_median'])} ({R['moved_total']:,} moved in {R['moved_logged']} retirements)" if moved else "n/a (no 'Generation G retired' log line)") + " |",
    f"| connections kept and closed by the old worker / closed by the supervisor | "
    + (f"{kept_total} / {closed_total}" if retired else "n/a") + " |",
    f"| drain -> old worker's exit, median / max ({len(drain_to_exit)} workers) | "
    + (f"{f(R['drain_to_exit_median_ms'])} / {f(R['drain_to_exit_max_ms'])} ms" if drain_to_exit else "n/a") + " |",
    "",
]
if not log_seen:
    doc += ["No supervisor log (`--target`): no moved-connections or drain figures.", ""]
if R["closed_log_lines"]:
    doc += ["The supervisor logged connections closed (first 5):", "", *[f"    {t}" for t in R["closed_log_lines"]], ""]
if R["errors"]:
    doc += ["First errors seen by the client:", "", *[f"    {e}" for e in R["errors"]], ""]
result = (f"RESULT connections={R['connections']} opened={R['opened']} survived={R['survived']} disconnects={R['disconnects']} "
          f"stalls={R['stalls']} protocol_errors={R['protocol_errors']} unanswered={R['unanswered']} lines={R['lines_answered']} "
          f"upgrades={R['upgrades_ok']}/{R['upgrades']} baseline_p99_ms={f(R['baseline_p99_ms'], 1)} crossing_p99_ms={f(R['crossing_p99_ms'], 1)} "
          f"crossing_lines={R['crossing_lines']} moved={R['moved_total'] if moved else 'n/a'} kept={kept_total if retired else 'n/a'} closed={closed_total if retired else 'n/a'} moved_per_s={f(R['moved_per_s_median'])} drain_to_exit_ms_median={f(R['drain_to_exit_median_ms'])} "
          f"drain_to_exit_ms_max={f(R['drain_to_exit_max_ms'])}")
doc += ["```", result, f"raw: {os.path.basename(os.path.normpath(raw))}/ (report.json)", "```", ""]
open(out, "w").write("\n".join(doc))
print(result)
