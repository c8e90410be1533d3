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
  live OUT STOPFILE HOST PORT N        N long-lived associations to the counter service (every line
                                       answered "<n> <line>", n counting per association from 1), each
                                       sending a line every ~FDH_LIVE_INTERVAL_MS (300) ms, one in flight,
                                       a fifth of them in two pieces with a pause between; until
                                       STOPFILE exists; writes STOPFILE.open once all are open; JSON
                                       summary in OUT (answers per association after the epoch time
                                       in STOPFILE.gone, if that file exists); writes STOPFILE.served
                                       once every open association has had FDH_LIVE_SERVED_AFTER (3)
                                       answers after that time, so the script need not sleep a fixed time
  livecheck NAME SUMMARY               result line for a live summary: every association opened and
                                       still open, every line answered once, n continuous, and every
                                       association answered after STOPFILE.gone (the old workers gone)
"""
import bisect
import ctypes
import errno
import ipaddress
import json
import os
import random
import selectors
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


def latency_ms(lat):
    """p50, p99 and max of sorted latencies (seconds) in ms, as the summaries report them (None if none)."""
    pick = lambda i: round(1000 * lat[i]) if lat else None
    return dict(p50_ms=pick(len(lat) // 2), p99_ms=pick(int(len(lat) * 0.99)), max_ms=pick(-1))


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
    flags = {"running": False, "after": 0}

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
                    # STOPFILE.running: every endpoint has answered; the script starts the upgrade only then (under TCG,
                    # at nice 19 beside the live associations, this process once got no CPU until the upgrade was over).
                    # STOPFILE.after: answers completed since STOPFILE.end appeared (the upgrade returned).
                    if not flags["running"] and all(per_target.values()):
                        flags["running"] = True
                        open(stopfile + ".running", "w").write(f"{time.time()}\n")
                    if os.path.exists(stopfile + ".end"):
                        flags["after"] += 1
                        if flags["after"] in (1, 4, 8, 16, 32, 64):
                            open(stopfile + ".after", "w").write(f"{flags['after']}\n")
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
                   **latency_ms(lat), errors=errors)
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


# ---------------------------------------------------------------- long-lived associations through upgrades
class LiveAssociation:
    """One association to the counter service, driven by cmd_live's loop: one line in flight."""

    def __init__(self, i, sock):
        self.i, self.sock = i, sock
        self.n = 0            # n of the last answer
        self.index = 0        # index of the last line sent
        self.in_flight = None  # (line bytes, sent monotonic)
        self.rest = None      # (bytes, when): second piece of a split line, not sent yet
        self.buf = b""
        self.alive = True
        self.answers = []     # epoch time of each answer
        self.next_send = 0.0

    def line(self):
        self.index += 1
        pad = "".join(random.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=random.randint(4, 40)))
        return f"a{self.i}-l{self.index}-{pad}".encode()


def cmd_live(out, stopfile, host, port, count):
    """N long-lived associations exchanging counter-protocol lines until STOPFILE exists (one thread)."""
    port, count = int(port), int(count)
    interval = float(os.environ.get("FDH_LIVE_INTERVAL_MS", "300")) / 1000
    # A line that crosses a hand-over waits for the old worker's drain, the supervisor and the successor, each
    # 25-35x slower under TCG than on the host: on a starved host one waited 73 s. A line never answered is a
    # failure all the same (counted at the stop); this only keeps slowness from being called a stall.
    answer_timeout = float(os.environ.get("FDH_LIVE_ANSWER_TIMEOUT", "150"))
    # STOPFILE.served: every open association answered this many times since STOPFILE.gone (livecheck wants 1)
    served_after = int(os.environ.get("FDH_LIVE_SERVED_AFTER", "3"))
    counts = {"opened": 0, "connect_failed": 0, "aborted": 0, "eof": 0, "stalled": 0, "protocol_errors": 0,
              "sent": 0, "split": 0, "answered": 0, "unanswered": 0}
    errors = []
    lat = []

    def err(words):
        if len(errors) < 20:
            errors.append(f"{time.strftime('%H:%M:%S')} {words}")

    sel = selectors.DefaultSelector()
    assocs = []
    for i in range(1, count + 1):
        s = socket.socket(family_of(host), socket.SOCK_STREAM, PROTO)
        s.settimeout(TIMEOUT)
        try:
            s.connect((host, port))
        except OSError as e:
            counts["connect_failed"] += 1
            err(f"a{i}: connect failed: {e!r}")
            s.close()
            continue
        s.setblocking(False)
        a = LiveAssociation(i, s)
        a.next_send = time.monotonic() + random.uniform(0, interval)
        assocs.append(a)
        sel.register(s, selectors.EVENT_READ, a)
        counts["opened"] += 1
    with open(stopfile + ".open", "w") as f:  # the shell starts the upgrades once every association is open
        f.write(f"{counts['opened']} opened, {counts['connect_failed']} failed\n")

    def drop(a, kind, words):
        counts[kind] += 1
        if a.in_flight:
            counts["unanswered"] += 1
            a.in_flight = None
        err(f"a{a.i}: {kind} after {a.n} answers: {words}")
        a.alive = False
        sel.unregister(a.sock)
        a.sock.close()

    def send(a, data):
        try:
            a.sock.sendall(data)  # a few dozen bytes: the send buffer takes them at once
            return True
        except BlockingIOError:
            drop(a, "stalled", "send buffer full")
        except OSError as e:
            drop(a, "aborted", f"send: {e!r}")
        return False

    def check(a, answer):
        head, sep, line = answer.partition(b" ")
        n = int(head) if sep and head.isdigit() else None
        exp = a.in_flight[0] if a.in_flight else None
        prefix = f"a{a.i}-l".encode()
        k = line[len(prefix):].split(b"-", 1)[0] if line.startswith(prefix) else b""
        before = k.isdigit() and int(k) <= (a.index - 1 if a.in_flight else a.index)
        if n is None or n < 1:
            fault = "malformed answer"
        elif exp is None or line != exp:
            fault = "duplicate answer" if before else "answer to no line" if exp is None else "wrong line"
        elif n != a.n + 1:
            fault = "n reset" if n == 1 else "n went back" if n <= a.n else "n skipped"
        else:
            fault = None
        if fault:
            counts["protocol_errors"] += 1
            err(f"a{a.i}: {fault}: expected {a.n + 1} {(exp or b'(nothing in flight)').decode()!r}, got {answer[:80]!r}")
            if fault in ("malformed answer", "wrong line", "answer to no line"):
                drop(a, "aborted", "the stream cannot be trusted after that")
                return
            if fault == "duplicate answer":
                return
        a.n = n
        counts["answered"] += 1
        lat.append(time.monotonic() - a.in_flight[1])
        a.answers.append(time.time())
        a.in_flight = None

    t0 = time.monotonic()
    stopping_since = None
    gone_at, served, next_served_check = None, False, 0.0
    while True:
        now = time.monotonic()
        if stopping_since is None and os.path.exists(stopfile):
            stopping_since = now
        if not served and now >= next_served_check:  # twice a second: file reads cost on the emulated CPU
            next_served_check = now + 0.5
            if gone_at is None:
                try:
                    gone_at = float(open(stopfile + ".gone").read())
                except (OSError, ValueError):
                    pass
            if gone_at is not None and all(len(a.answers) - bisect.bisect_right(a.answers, gone_at) >= served_after
                                           for a in assocs if a.alive):
                served = True
                with open(stopfile + ".served", "w") as f:
                    f.write(f"{time.time()}\n")
        live_ones = [a for a in assocs if a.alive]
        if stopping_since is not None and (not any(a.in_flight for a in live_ones) or now - stopping_since > answer_timeout):
            break
        for a in live_ones:
            if a.rest and now >= a.rest[1]:
                data, a.rest = a.rest[0], None
                send(a, data)
            elif a.in_flight is None and a.rest is None and stopping_since is None and now >= a.next_send:
                line = a.line()
                a.in_flight = (line, now)
                a.next_send = now + interval * random.uniform(0.8, 1.2)
                counts["sent"] += 1
                data = line + b"\n"
                if random.random() < 0.2:
                    at = random.randint(1, len(data) - 1)
                    counts["split"] += 1
                    a.rest = (data[at:], now + 0.02)
                    data = data[:at]
                send(a, data)
            elif a.in_flight and now - a.in_flight[1] > answer_timeout:
                drop(a, "stalled", f"no answer in {answer_timeout:.0f} s to {a.in_flight[0][:40]!r}")
        for key, _ in sel.select(timeout=0.01):
            a = key.data
            try:
                chunk = a.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError as e:
                drop(a, "aborted", f"recv: {e!r}")
                continue
            if not chunk:
                drop(a, "eof", "the association was shut down by the server")
                continue
            a.buf += chunk
            while a.alive and b"\n" in a.buf:
                answer, a.buf = a.buf.split(b"\n", 1)
                check(a, answer)
    open_at_stop = 0
    for a in assocs:
        if a.alive:
            open_at_stop += 1
            if a.in_flight:
                counts["unanswered"] += 1
                err(f"a{a.i}: {a.in_flight[0][:40]!r} unanswered {answer_timeout:.0f} s after the stop")
            sel.unregister(a.sock)
            a.sock.close()
    try:
        gone = float(open(stopfile + ".gone").read())
    except (OSError, ValueError):
        gone = None
    lat.sort()
    summary = dict(counts, associations=count, open_at_stop=open_at_stop, seconds=round(time.monotonic() - t0, 1),
                   interval_ms=round(interval * 1000), old_gone_at=gone,
                   answered_after_gone=[sum(1 for t in a.answers if gone is not None and t > gone) for a in assocs],
                   **latency_ms(lat), errors=errors)
    with open(out, "w") as f:
        json.dump(summary, f)
    print(json.dumps(summary))
    return 0


def cmd_livecheck(name, path):
    """Result line for a live summary: nothing aborted, every line answered once, n continuous, and
    every association still served once the old workers were gone."""
    try:
        d = json.load(open(path))
    except (OSError, ValueError) as e:
        return 0 if result(False, name, f"no live summary ({e!r})") else 1
    bad = []
    if d["opened"] < d["associations"]:
        bad.append(f"only {d['opened']} of {d['associations']} associations opened")
    if d["open_at_stop"] < d["opened"]:
        bad.append(f"{d['opened'] - d['open_at_stop']} associations lost")
    for k in ("aborted", "eof", "stalled", "protocol_errors", "unanswered"):
        if d[k]:
            bad.append(f"{k.replace('_', ' ')} {d[k]}")
    if d["old_gone_at"] is None:
        bad.append("no time for the old workers' exit (STOPFILE.gone)")
    else:
        starved = sum(1 for n in d["answered_after_gone"] if n == 0)
        if starved:
            bad.append(f"{starved} associations got no answer after the old workers were gone")
    if not d["answered"]:
        bad.append("no line answered")
    detail = (f"{d['open_at_stop']}/{d['associations']} associations open at the end, {d['answered']} lines answered of {d['sent']} sent "
              f"({d['split']} in two pieces), unanswered {d['unanswered']}, protocol errors {d['protocol_errors']}, aborted {d['aborted']}, "
              f"EOF {d['eof']}, stalled {d['stalled']}; {d['seconds']} s, a line every ~{d['interval_ms']} ms, p50 {d['p50_ms']} ms "
              f"p99 {d['p99_ms']} ms max {d['max_ms']} ms; fewest answers after the old workers were gone: "
              f"{min(d['answered_after_gone'], default=0)}")
    if bad:
        detail = "; ".join(bad) + "; " + detail
    if d["errors"]:
        detail += f"; first errors: {d['errors'][:3]}"
    return 0 if result(not bad, name, detail) else 1


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
            "loadcheck": cmd_loadcheck, "ready": cmd_ready, "live": cmd_live, "livecheck": cmd_livecheck}[cmd](*args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
