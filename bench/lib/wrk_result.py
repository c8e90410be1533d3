"""Turns wrk's output into the bench's RESULT line (and a JSON record): the one reader of wrk's
text, for zero-downtime.sh, overhead.sh and soak.sh. p99_ms needs wrk --latency (nan without).

usage: wrk_result.py WRK_OUTPUT SYSTEM MODE UPGRADES [JSON_OUT]
wrk counts a refused connect as a *write* error (non-blocking connect, then the write fails).
"""
import json
import re
import sys

path, system, mode, upgrades = sys.argv[1:5]
t = open(path).read()


def num(pattern, default=None):
    m = re.search(pattern, t)
    return m.group(1) if m else default


def ms(v):
    if v is None:
        return float("nan")
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
    if not m:
        return float("nan")
    x, u = float(m.group(1)), m.group(2)
    return x * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[u]


req = int(num(r"(\d+) requests in", "0"))
rps = float(num(r"Requests/sec:\s+([\d.]+)", "0"))
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
connect, read, write, timeout = (int(x) for x in m.groups()) if m else (0, 0, 0, 0)
non2xx = int(num(r"Non-2xx or 3xx responses: (\d+)", "0"))
p99 = ms(num(r"\n\s+99%\s+(\S+)"))
rec = dict(system=system, mode=mode, upgrades=int(upgrades), requests=req, rps=round(rps), connect=connect,
           read=read, write=write, timeout=timeout, non2xx=non2xx, p99_ms=round(p99, 2))
print("RESULT " + " ".join(f"{k}={v}" for k, v in rec.items()))
if len(sys.argv) > 5:
    json.dump(rec, open(sys.argv[5], "w"))
