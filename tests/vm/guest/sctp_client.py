#!/usr/bin/env python3
"""SCTP test client for the FdHandoff VM stage (runs inside the guest; not our code under test).

Plain Python sockets with socket.IPPROTO_SCTP, one-to-one style (SOCK_STREAM), as any SCTP peer
would use them. Every check prints one result line "PASS|FAIL <name> <detail>" on stdout and
appends it to $FDH_RESULTS when set.

  raw                                  kernel sanity: v4, v6, multi-homed (bindx) round trips, SO_PROTOCOL
  echo NAME HOST PORT                  one association: send, expect the same bytes back
  wait HOST PORT SECONDS               exit 0 once an echo round trip works (no result line)
  loadcheck NAME SUMMARY               result line for a load summary (0 refused/aborted/lost, all targets answered)
  ready STATUS_JSON N                  print "GENERATION PID..." of the Ready workers; exit 0 if N of them
  protocol NAME FAMILY PORT [ADDR...]  the worker processes hold a listening SCTP socket on PORT:
                                       SO_PROTOCOL (read on the worker's own fd via pidfd_getfd),
                                       SO_ACCEPTCONN, family, and /proc/net/sctp/eps (local addresses);
                                       the pids in $FDH_PIDS, else every fdhandoff-worker process
  CMD ARGS + CMD ARGS ...              several commands in one process
  load OUT STOPFILE TARGET...          client load until STOPFILE exists; TARGET = host:port or
                                       [v6]:port; a new association per request; JSON summary in OUT
"""
import ctypes
import errno
import ipaddress
import json
import os
import socket
import struct
import sys
import threading
import time

IPPROTO_SCTP = getattr(socket, "IPPROTO_SCTP", 132)
# FDH_CLIENT_PROTO=6 runs the same client over TCP: a self-test of this script on a host without SCTP
PROTO = int(os.environ.get("FDH_CLIENT_PROTO", IPPROTO_SCTP))
SCTP_SOCKOPT_BINDX_ADD = 100
TIMEOUT = float(os.environ.get("FDH_CLIENT_TIMEOUT", "60"))  # a TCG guest on a busy host saw 19 s; be patient


def result(ok, name, detail):
    line = f"{'PASS' if ok else 'FAIL'} {name} {detail}"
    print(line, flush=True)
    path = os.environ.get("FDH_RESULTS")
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")
    return ok


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def parse_target(t):
    host, _, port = t.rpartition(":")
    return host.strip("[]"), int(port)


def roundtrip(host, port, payload, timeout=TIMEOUT):
    """One association: connect, send, read the echo, close. Returns the bytes read back."""
    with socket.socket(family_of(host), socket.SOCK_STREAM, PROTO) as c:
        c.settimeout(timeout)
        c.connect((host, port))
        c.sendall(payload)
        got = b""
        while len(got) < len(payload):
            chunk = c.recv(65536)
            if not chunk:
                raise EOFError(f"association closed after {len(got)}/{len(payload)} bytes")
            got += chunk
        return got


# ---------------------------------------------------------------- raw kernel sanity
def sa4(ip, port):
    return struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) + socket.inet_aton(ip) + b"\0" * 8


def raw_pair(fam, bind_host, connect_hosts, extra=None):
    srv = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_SCTP)
    try:
        srv.bind((bind_host, 0))
        port = srv.getsockname()[1]
        if extra:
            srv.setsockopt(IPPROTO_SCTP, SCTP_SOCKOPT_BINDX_ADD, sa4(extra, port))
        srv.listen(8)
        proto = srv.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
        n = 0
        for h in connect_hosts:
            with socket.socket(fam, socket.SOCK_STREAM, IPPROTO_SCTP) as c:
                c.settimeout(TIMEOUT); srv.settimeout(TIMEOUT)
                c.connect((h, port))
                a, _ = srv.accept()
                with a:
                    c.sendall(b"hello-sctp")
                    a.sendall(a.recv(100)[::-1])
                    if c.recv(100) == b"ptcs-olleh":
                        n += 1
        return n == len(connect_hosts) and proto == 132, f"{n}/{len(connect_hosts)} round trips, SO_PROTOCOL={proto}, port {port}"
    finally:
        srv.close()


def cmd_raw():
    ok = True
    for name, fam, host, conns, extra in (
        ("raw-sctp-v4", socket.AF_INET, "127.0.0.1", ["127.0.0.1"], None),
        ("raw-sctp-v6", socket.AF_INET6, "::1", ["::1"], None),
        ("raw-sctp-multihomed", socket.AF_INET, "127.0.0.1", ["127.0.0.1", "127.0.0.2"], "127.0.0.2"),
    ):
        try:
            good, detail = raw_pair(fam, host, conns, extra)
        except Exception as e:  # noqa: BLE001 - any failure is the result
            good, detail = False, repr(e)
        ok &= result(good, name, detail)
    return 0 if ok else 1


# ---------------------------------------------------------------- echo through the worker
def cmd_echo(name, host, port):
    payload = f"fdhandoff-{name}-{time.time_ns()}".encode()
    t0 = time.monotonic()
    try:
        got = roundtrip(host, int(port), payload)
        return 0 if result(got == payload, name, f"{host} port {port}: {len(got)} bytes back in {1000*(time.monotonic()-t0):.0f} ms"
                           + ("" if got == payload else f", got {got[:60]!r}")) else 1
    except Exception as e:  # noqa: BLE001
        result(False, name, f"{host} port {port}: {e!r}")
        return 1


def cmd_wait(host, port, seconds):
    deadline = time.monotonic() + float(seconds)
    last = None
    pid = int(os.environ.get("FDH_WAIT_PID", "0"))  # give up when this process (the supervisor) is gone
    while time.monotonic() < deadline:
        if pid and not os.path.exists(f"/proc/{pid}") or pid and open(f"/proc/{pid}/stat").read().split(")")[1].split()[0] == "Z":
            print(f"wait {host}:{port}: process {pid} is gone", file=sys.stderr)
            return 1
        try:
            if roundtrip(host, int(port), b"ping", timeout=10) == b"ping":
                return 0
        except Exception as e:  # noqa: BLE001
            last = e
        time.sleep(0.5)
    print(f"wait {host}:{port}: no echo within {seconds}s (last error {last!r})", file=sys.stderr)
    return 1


# ---------------------------------------------------------------- SO_PROTOCOL on the worker's fds
libc = ctypes.CDLL(None, use_errno=True)
SYS_pidfd_getfd = 438  # x86_64


def worker_pids():
    pids = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            cmd = open(f"/proc/{p}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"fdhandoff-worker.dll") or a.endswith(b"fdhandoff-worker") for a in cmd):
            pids.append(int(p))
    return sorted(pids)


def listening_sockets(pid):
    """(inode, family, proto, acceptconn, sockname) for each socket fd of pid, read on a copy of the fd."""
    out = []
    pidfd = os.pidfd_open(pid)
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if not link.startswith("socket:["):
                continue
            mine = libc.syscall(SYS_pidfd_getfd, pidfd, int(fd), 0)
            if mine < 0:
                raise OSError(ctypes.get_errno(), f"pidfd_getfd({pid}, {fd})")
            try:
                s = socket.socket(fileno=mine)  # copies of the fd: closing ours leaves the worker's open
            except OSError:
                os.close(mine)
                continue
            try:
                proto = s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
                acc = s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
                fam = s.family
                name = s.getsockname() if fam in (socket.AF_INET, socket.AF_INET6) else None
                out.append((int(link[8:-1]), fam, proto, acc, name))
            finally:
                s.detach()
                os.close(mine)
    finally:
        os.close(pidfd)
    return out


def sctp_eps():
    """/proc/net/sctp/eps: {inode: (lport, [local addresses])}."""
    eps = {}
    try:
        lines = open("/proc/net/sctp/eps").read().splitlines()[1:]
    except OSError:
        return eps
    for line in lines:
        f = line.split()
        # ENDPT SOCK STY SST HBKT LPORT UID INODE LADDRS...
        if len(f) >= 8:
            eps[int(f[7])] = (int(f[5]), [str(ipaddress.ip_address(a)) for a in f[8:]])
    return eps


def cmd_protocol(name, family, port, *addrs):
    port = int(port)
    fam = socket.AF_INET6 if family in ("6", "v6", "inet6") else socket.AF_INET
    pids = [int(p) for p in os.environ.get("FDH_PIDS", "").split()] or worker_pids()
    if not pids:
        return 0 if result(False, name, "no fdhandoff-worker process found") else 1
    eps = sctp_eps()
    problems, seen = [], []
    for pid in pids:
        try:
            socks = [s for s in listening_sockets(pid) if s[4] and s[4][1] == port and s[1] == fam]
        except OSError as e:
            problems.append(f"pid {pid}: {e}")
            continue
        if not socks:
            problems.append(f"pid {pid}: no socket on port {port}")
            continue
        for ino, f, proto, acc, sn in socks:
            seen.append(f"pid {pid} fd inode {ino} SO_PROTOCOL={proto} SO_ACCEPTCONN={acc}")
            if proto != 132:
                problems.append(f"pid {pid}: SO_PROTOCOL={proto}, not 132")
            if acc != 1:
                problems.append(f"pid {pid}: not listening (SO_ACCEPTCONN={acc})")
            ep = eps.get(ino)
            if ep is None:
                problems.append(f"pid {pid}: inode {ino} not in /proc/net/sctp/eps")
            else:
                missing = [a for a in addrs if str(ipaddress.ip_address(a)) not in ep[1]]
                if ep[0] != port or missing:
                    problems.append(f"pid {pid}: /proc/net/sctp/eps says port {ep[0]} addresses {ep[1]}, expected {port} {list(addrs)}")
    ok = not problems
    return 0 if result(ok, name, f"{len(pids)} worker(s) {pids}: " + ("; ".join(problems) if problems else "; ".join(seen))) else 1


# ---------------------------------------------------------------- load across an upgrade
def cmd_load(out, stopfile, *targets):
    targets = [parse_target(t) for t in targets]
    threads_n = int(os.environ.get("FDH_LOAD_THREADS", "4"))
    lock = threading.Lock()
    counts = {"ok": 0, "refused": 0, "aborted": 0, "timeout": 0, "mismatch": 0, "other": 0}
    errors = []
    per_target = {f"{h}:{p}": 0 for h, p in targets}
    lat = []
    events = []  # (wall time, kind): to count what happened while the upgrade ran

    def worker(i):
        n = 0
        while not os.path.exists(stopfile):
            host, port = targets[(i + n) % len(targets)]
            n += 1
            payload = f"load-{i}-{n}-{time.time_ns()}".encode()
            t0 = time.monotonic()
            try:
                got = roundtrip(host, port, payload)
                kind = "ok" if got == payload else "mismatch"
            except ConnectionRefusedError as e:
                kind, err = "refused", e
            except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, EOFError) as e:
                kind, err = "aborted", e
            except socket.timeout as e:
                kind, err = "timeout", e
            except OSError as e:
                kind, err = ("refused" if e.errno == errno.ECONNREFUSED else "aborted" if e.errno in (errno.ECONNRESET, errno.EPIPE) else "other"), e
            with lock:
                counts[kind] += 1
                events.append((time.time(), kind))
                if kind == "ok":
                    per_target[f"{host}:{port}"] += 1
                    lat.append(time.monotonic() - t0)
                elif len(errors) < 20:
                    errors.append(f"{time.strftime('%H:%M:%S')} {host}:{port} {kind}: {err!r}" if kind != "mismatch" else f"{host}:{port} mismatch")

    ts = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads_n)]
    t0 = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    lat.sort()
    # STOPFILE.start / STOPFILE.end hold the epoch seconds the upgrade command started and returned
    window = {}
    try:
        a, b = (float(open(stopfile + x).read()) for x in (".start", ".end"))
        for t, k in events:
            if a <= t <= b:
                window[k] = window.get(k, 0) + 1
        window["seconds"] = round(b - a, 1)
    except (OSError, ValueError):
        pass
    summary = dict(counts, during_upgrade=window, seconds=round(time.monotonic() - t0, 1), threads=threads_n, per_target=per_target,
                   p50_ms=round(1000 * lat[len(lat) // 2]) if lat else None,
                   p99_ms=round(1000 * lat[int(len(lat) * 0.99)]) if lat else None,
                   max_ms=round(1000 * lat[-1]) if lat else None, errors=errors)
    with open(out, "w") as f:
        json.dump(summary, f)
    print(json.dumps(summary))
    return 0


def cmd_loadcheck(name, path):
    """Result line for a load summary: every request answered, nothing refused, aborted or lost."""
    try:
        d = json.load(open(path))
    except (OSError, ValueError) as e:
        return 0 if result(False, name, f"no load summary ({e!r})") else 1
    bad = {k: d[k] for k in ("refused", "aborted", "timeout", "mismatch", "other") if d[k]}
    idle = [t for t, n in d["per_target"].items() if n == 0]
    win = d.get("during_upgrade", {})
    ok = not bad and d["ok"] > 0 and not idle and win.get("ok", 0) > 0
    detail = (f"{d['ok']} requests ok ({win.get('ok', 0)} while the upgrade ran, {win.get('seconds', '?')} s), "
              f"refused {d['refused']}, aborted {d['aborted']}, timeouts {d['timeout']}, mismatched {d['mismatch']}, other {d['other']}; "
              f"{d['threads']} client threads, {d['seconds']} s, new association per request, p50 {d['p50_ms']} ms p99 {d['p99_ms']} ms max {d['max_ms']} ms; "
              f"per target {d['per_target']}")
    if idle:
        detail += f"; no answer ever from {idle}"
    if d["errors"]:
        detail += f"; first errors: {d['errors'][:3]}"
    return 0 if result(ok, name, detail) else 1


def cmd_ready(path, want):
    """Reads `fdhandoff status --json` from PATH; prints 'GENERATION PID...' of the Ready workers of the
    current generation; exit 0 when there are WANT of them."""
    try:
        d = json.load(open(path))
    except (OSError, ValueError):
        return 1
    d = {k.lower(): v for k, v in d.items()}
    gen = d.get("generation")
    pids = []
    for w in d.get("workers", []):
        w = {k.lower(): v for k, v in w.items()}
        if str(w.get("state")).lower() == "ready" and w.get("generation") == gen:
            pids.append(w.get("pid"))
    print(gen, *sorted(pids))
    return 0 if len(pids) >= int(want) else 1


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    if "+" in argv:
        # several commands in one process ("echo a h p + protocol b 4 p"): a Python start costs
        # seconds in the guest
        rc, cmd = 0, []
        for a in argv + ["+"]:
            if a == "+":
                rc |= main(cmd) if cmd else 0
                cmd = []
            else:
                cmd.append(a)
        return rc
    cmd, args = argv[0], argv[1:]
    return {"raw": cmd_raw, "echo": cmd_echo, "wait": cmd_wait, "protocol": cmd_protocol, "load": cmd_load,
            "loadcheck": cmd_loadcheck, "ready": cmd_ready}[cmd](*args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
