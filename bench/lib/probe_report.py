"""Reads a probe log and the upgrade times; prints one PROBE line (and returns the figures as JSON on request).

usage: probe_report.py PROBE_LOG UPGRADES_LOG SYSTEM MODE [JSON_OUT]

UPGRADES_LOG: one line per upgrade, "<t_request> <t_return> <ok|fail>" (epoch seconds).
Per upgrade window [t_request(i), t_request(i+1)):
  - new_ms: ms from the upgrade request to the first successful probe answered by a process not seen
    answering before the request;
  - gap_ms: the longest time without a successful probe (measured from the request);
  - failed probes, by kind.
Baseline: the same longest-gap measure over the window before the first upgrade (same length as the
others when upgrades are spread evenly), i.e. what the probe sees with no upgrade at all.
"""
import json
import statistics as st
import sys

probe, upl, system, mode = sys.argv[1:5]
P = []
for line in open(probe):
    parts = line.rstrip("\n").split(None, 2)
    if len(parts) == 3:
        P.append((float(parts[0]), parts[1], parts[2]))
U = [tuple(float(x) for x in l.split()[:2]) for l in open(upl) if l.strip()]


def longest_gap(t_from, t_to, pts):
    oks = [t_from] + [t for t, s, _ in pts if s == "ok"] + [t_to]
    return max(b - a for a, b in zip(oks, oks[1:])) * 1000


new_ms, gaps, fails, kinds = [], [], 0, {}
for i, (t0, _t1) in enumerate(U):
    tend = U[i + 1][0] if i + 1 < len(U) else (P[-1][0] if P else t0)
    seen = {b for t, s, b in P if t < t0 and s == "ok"}
    win = [p for p in P if t0 <= p[0] < tend]
    nm = next(((t - t0) * 1000 for t, s, b in win if s == "ok" and b not in seen), None)
    if nm is not None:
        new_ms.append(nm)
    if win:
        gaps.append(longest_gap(t0, max(p[0] for p in win), win))
    for _t, s, b in win:
        if s == "err":
            fails += 1
            kinds[b] = kinds.get(b, 0) + 1

first = U[0][0] if U else (P[-1][0] if P else 0)
pre = [p for p in P if p[0] < first]
base = longest_gap(pre[0][0], pre[-1][0], pre) if len(pre) > 1 else float("nan")
base_fails = sum(1 for p in pre if p[1] == "err")

q = lambda v: (st.median(v), max(v)) if v else (float("nan"), float("nan"))
nmed, nmax = q(new_ms)
gmed, gmax = q(gaps)
kinds_s = ",".join(f"{k}:{v}" for k, v in sorted(kinds.items())) or "-"
print(f"PROBE system={system} mode={mode} upgrades={len(U)} probes={len(P)} failed={fails} failed_kinds={kinds_s} "
      f"gap_ms_median={gmed:.1f} gap_ms_max={gmax:.1f} baseline_gap_ms={base:.1f} baseline_failed={base_fails} "
      f"new_process_ms_median={nmed:.0f} new_process_ms_max={nmax:.0f} new_seen={len(new_ms)}")
if len(sys.argv) > 5:
    json.dump({"system": system, "mode": mode, "upgrades": len(U), "probes": len(P), "failed": fails,
               "failed_kinds": kinds, "gap_ms_median": gmed, "gap_ms_max": gmax, "baseline_gap_ms": base,
               "baseline_failed": base_fails, "new_process_ms_median": nmed, "new_process_ms_max": nmax,
               "new_seen": len(new_ms)}, open(sys.argv[5], "w"))
