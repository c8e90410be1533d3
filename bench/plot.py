#!/usr/bin/env python3
"""Plots requests per 100 ms and requests without an answer over time, across upgrades, for every
system and mode of one `bench/zero-downtime.sh --timeline` run.

usage: bench/plot.py RUN_DIR [OUT_PNG]
  RUN_DIR: bench/results/raw/zero-downtime-<run> or bench/results/timeline (one <system>-<mode>/ folder
           each, with timeline.csv, upgrades.txt and start.txt)
  OUT_PNG: default docs/img/zero-downtime-timeline.png

Needs matplotlib (Debian: apt-get install python3-matplotlib, then run it with /usr/bin/python3).
Red: the running total of requests wrk wrote minus responses it read (timeline.lua). It stays flat at the
number of requests in flight (at most one per connection, so at most -c) while nothing is lost, and climbs
by one for every request lost to a refused, reset or closed connection (or answered with a non-2xx).
wrk's own error counts (the table, and each plot's title) also count a keep-alive connection the server
closed while idle, which loses no request: those do not show in the red line.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ORDER = ["fdhandoff", "fdhandoff-aot", "nginx-reload", "haproxy-reload", "kestrel-restart", "kestrel-restart-aot"]
MODES = ["close", "keepalive"]


def load(d):
    start = float(open(os.path.join(d, "start.txt")).read().split()[0])
    rows = list(csv.DictReader(open(os.path.join(d, "timeline.csv"))))
    t = [int(r["epoch_ms"]) / 1000 - start for r in rows]
    ok = [int(r["ok"]) for r in rows]
    bad = [int(r["non2xx"]) for r in rows]
    lost, run = [], 0
    for r in rows:
        run += int(r["sent"]) - int(r["ok"])
        lost.append(run)
    ups = []
    p = os.path.join(d, "upgrades.txt")
    if os.path.exists(p):
        ups = [float(l.split()[0]) - start for l in open(p) if l.strip()]
    # drop the partial first and last buckets
    return t[1:-1], ok[1:-1], bad[1:-1], lost[1:-1], ups


def _conns(d):
    """wrk's -c for that run, read back from its output."""
    try:
        import re
        m = re.search(r"(\d+) threads and (\d+) connections", open(os.path.join(d, "wrk.txt")).read())
        return int(m.group(2))
    except (OSError, AttributeError):
        return 64


def _wrk_errors(d):
    """wrk's own count of socket errors (connect + read + write + timeout), or None if its output lacks it.

    The title quotes it rather than the red line's end minus -c: that estimate is off by one or two when a
    request and its answer fall on either side of the trimmed last bucket, and read "1+ lost" for runs in
    which wrk counted no error at all.
    """
    try:
        import re
        m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      open(os.path.join(d, "wrk.txt")).read())
    except OSError:
        return None
    return sum(int(x) for x in m.groups()) if m else 0


def main():
    run = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "docs", "img", "zero-downtime-timeline.png")
    present = {n for n in os.listdir(run) if os.path.exists(os.path.join(run, n, "timeline.csv"))}
    systems = [s for s in ORDER if any(f"{s}-{m}" in present for m in MODES)]
    systems += sorted({n.rsplit("-", 1)[0] for n in present} - set(systems))
    modes = [m for m in MODES if any(f"{s}-{m}" in present for s in systems)]
    if not systems:
        sys.exit(f"no <system>-<mode>/timeline.csv under {run}")
    fig, axes = plt.subplots(len(systems), len(modes), figsize=(6.5 * len(modes), 2.3 * len(systems)),
                             squeeze=False, sharex=True)
    for i, s in enumerate(systems):
        for j, m in enumerate(modes):
            ax = axes[i][j]
            d = os.path.join(run, f"{s}-{m}")
            if not os.path.exists(os.path.join(d, "timeline.csv")):
                ax.set_visible(False)
                continue
            t, ok, bad, lost, ups = load(d)
            for k, u in enumerate(ups):
                ax.axvline(u, color="0.6", lw=0.8, ls=":", label="upgrade" if k == 0 else None)
            ax.plot(t, ok, color="tab:blue", lw=1, label="answered (2xx) per 100 ms")
            ax.set_ylim(bottom=0, top=max(ok + [1]) * 1.15)
            ax2 = ax.twinx()
            conns = _conns(d)
            ax2.plot(t, lost, color="tab:red", lw=1.2, label="sent - answered, running total (in flight + lost)")
            ax2.set_ylim(bottom=0, top=max(lost + [conns * 2, 10]) * 1.15)
            ax2.tick_params(axis="y", colors="tab:red")
            errors = _wrk_errors(d)
            ax.set_title(f"{s} / {m}: {sum(ok):,} answered, "
                         f"{'?' if errors is None else f'{errors:,}'} socket errors (wrk), {sum(bad):,} non-2xx",
                         fontsize=9)
            if j == 0:
                ax.set_ylabel("req / 100 ms")
            if i == len(systems) - 1:
                ax.set_xlabel("s since load start")
            if i == 0 and j == 0:
                h1, l1 = ax.get_legend_handles_labels()
                h2, l2 = ax2.get_legend_handles_labels()
                ax.legend(h1 + h2, l1 + l2, fontsize=7, loc="lower left")
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=90)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
