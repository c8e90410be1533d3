"""Writes the Markdown table of one zero-downtime run.

usage: table.py RAW_DIR OUT_MD LOAD_DESCRIPTION COMMIT SYSTEMS MODES
"""
import datetime
import json
import os
import platform
import sys
from machine import cpu_model

raw, out, load, commit, systems, modes = sys.argv[1:7]
rows = []
for s in systems.split(","):
    for m in modes.split(","):
        d = os.path.join(raw, f"{s}-{m}")
        f = os.path.join(d, "result.json")
        if not os.path.exists(f):
            continue
        r = json.load(open(f))
        p = os.path.join(d, "probe.json")
        r["probe"] = json.load(open(p)) if os.path.exists(p) else None
        rows.append(r)


def fmt(v, nd=0):
    if v is None or (isinstance(v, float) and v != v):
        return "n/a"
    return f"{v:,.{nd}f}" if isinstance(v, (int, float)) else str(v)


cpu = cpu_model()
lines = [
    "# Zero-downtime benchmark: results",
    "",
    f"Run {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} at commit `{commit}` by `bench/zero-downtime.sh`, "
    f"{os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, loopback; load generator and servers share the CPUs.",
    f"Load: {load}. `close` = a new connection per request (`Connection: close`), `keepalive` = persistent connections.",
    "wrk counts a refused connection as a *write* error. The probe opens a fresh connection every ~1 ms during the run.",
    "",
    "| system | mode | upgrades | requests | req/s | connect | read | write | timeout | non-2xx | p99 ms "
    "| probe failed | probe longest gap ms, median / max (no upgrade) | upgrade → new process answers, ms median / max |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|",
]
for r in rows:
    if r.get("failed_to_start"):
        lines.append(f"| {r['system']} | {r['mode']} | did not start |" + " |" * 13)
        continue
    p = r["probe"]
    if p:
        pf = fmt(p["failed"])
        gap = f"{fmt(p['gap_ms_median'])} / {fmt(p['gap_ms_max'])} ({fmt(p['baseline_gap_ms'])})"
        new = f"{fmt(p['new_process_ms_median'])} / {fmt(p['new_process_ms_max'])}"
    else:
        pf = gap = new = "-"
    lines.append(
        f"| {r['system']} | {r['mode']} | {r['upgrades']} | {fmt(r['requests'])} | {fmt(r['rps'])} | {fmt(r['connect'])} "
        f"| {fmt(r['read'])} | {fmt(r['write'])} | {fmt(r['timeout'])} | {fmt(r['non2xx'])} | {fmt(r['p99_ms'], 1)} "
        f"| {pf} | {gap} | {new} |")
lines += ["", "Lines as printed:", "", "```"]
for s in systems.split(","):
    for m in modes.split(","):
        for name in ("result.txt", "probe-line.txt"):
            f = os.path.join(raw, f"{s}-{m}", name)
            if os.path.exists(f):
                lines += [l.rstrip("\n") for l in open(f) if l.strip()]
lines += ["```", ""]
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
open(out, "w").write("\n".join(lines))
