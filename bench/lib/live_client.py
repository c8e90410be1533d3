"""Long-lived connections to the counter service, for bench/live-connections.sh. Stdlib only (asyncio).

The counter service answers every line it receives with "<n> <line>\\n", n counting the lines of that
connection from 1. Each connection sends one unique line ("c17-l423-<padding>") every ~INTERVAL ms,
one line in flight at a time (a tick that finds the previous line unanswered is skipped and counted
as late), some lines in two pieces cut at a random byte with a short pause between them, so partial
lines cross a hand-over. Every answer must be "<previous n + 1> <the line in flight>"; anything else is
a protocol error. A connection closed or reset by the server is a disconnect; it is not replaced.

  live_client.py run HOST PORT --connections N --interval-ms MS --ready FILE --stop FILE --out DIR
      opens the connections, writes FILE (--ready) once all are open, runs until FILE (--stop) exists
      or SIGTERM, waits for the lines in flight (up to 10 s), then writes DIR/client.json (counts,
      first errors) and DIR/lines.bin (per answered line: sent and answered epoch seconds, two
      doubles, native order).
  live_client.py probe HOST PORT SECONDS
      exit 0 once one connection gets "1 probe" back for its line "probe" (the service is up); exit 2
      at once if something else answers (the port serves another protocol).
"""
import argparse
import array
import asyncio
import json
import os
import random
import signal
import socket
import sys
import time

ANSWER_TIMEOUT = 10.0
MAX_ERRORS = 10


class Stats:
    def __init__(self):
        self.opened = self.connect_failed = self.disconnects = self.stalls = 0
        self.sent = self.split = self.answered = self.late_ticks = self.protocol_errors = self.unanswered = 0
        self.kinds = {}
        self.errors = []
        self.sent_t = array.array("d")
        self.answered_t = array.array("d")

    def record(self, kind, words):
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{time.strftime('%H:%M:%S')} {words}")


class Connection(asyncio.Protocol):
    def __init__(self, cid, st, split_share, split_pause):
        self.cid, self.st = cid, st
        self.split_share, self.split_pause = split_share, split_pause
        self.transport = None
        self.buf = b""
        self.n = 0                # n of the last answer
        self.index = 0            # index of the last line sent
        self.in_flight = None     # (line bytes, sent epoch seconds)
        self.alive = False
        self.closing = False      # we close it: not a disconnect
        self.idle = asyncio.Event()

    def connection_made(self, transport):
        self.transport = transport
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.alive = True
        self.idle.set()

    def send_line(self):
        self.index += 1
        pad = "".join(random.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=random.randint(4, 40)))
        line = f"c{self.cid}-l{self.index}-{pad}".encode()
        self.in_flight = (line, time.time())
        self.idle.clear()
        self.st.sent += 1
        data = line + b"\n"
        if random.random() < self.split_share:
            at = random.randint(1, len(data) - 1)
            self.st.split += 1
            self.transport.write(data[:at])
            asyncio.get_running_loop().call_later(self.split_pause, self._write_rest, data[at:])
        else:
            self.transport.write(data)

    def _write_rest(self, rest):
        if self.alive:
            self.transport.write(rest)

    def data_received(self, data):
        self.buf += data
        while True:
            nl = self.buf.find(b"\n")
            if nl < 0:
                return
            answer, self.buf = self.buf[:nl], self.buf[nl + 1:]
            self.check(answer)

    def answered_before(self, line):
        prefix = f"c{self.cid}-l".encode()
        if not line.startswith(prefix):
            return False
        k = line[len(prefix):].split(b"-", 1)[0]
        return k.isdigit() and int(k) <= (self.index - 1 if self.in_flight else self.index)

    def check(self, answer):
        st = self.st
        head, sep, line = answer.partition(b" ")
        n = int(head) if sep and head.isdigit() else None
        expected = self.in_flight[0] if self.in_flight else None
        if n is None or n < 1:
            fault = "malformed answer"
        elif expected is None or line != expected:
            fault = "duplicate answer" if self.answered_before(line) else ("answer to no line" if expected is None else "wrong line")
        elif n == self.n + 1:
            fault = None
        else:
            fault = "n reset" if n == 1 else "n went back" if n <= self.n else "n skipped"
        if fault:
            st.protocol_errors += 1
            st.record(fault, f"c{self.cid}: {fault}: expected {self.n + 1} {(expected or b'(no line in flight)').decode()!r}, "
                             f"got {answer[:80].decode(errors='replace')!r}")
            if fault in ("duplicate answer",):
                return
            if fault not in ("n reset", "n went back", "n skipped"):
                self.give_up()
                return
        # the right line (with a right or a wrong n: follow the server's count so one fault counts once)
        self.n = n
        st.answered += 1
        st.sent_t.append(self.in_flight[1])
        st.answered_t.append(time.time())
        self.in_flight = None
        self.idle.set()

    def give_up(self):
        if self.in_flight:
            self.st.unanswered += 1
            self.in_flight = None
        self.closing = True
        self.alive = False
        self.idle.set()
        self.transport.abort()

    def connection_lost(self, exc):
        was_alive, self.alive = self.alive, False
        self.idle.set()
        if self.closing or not was_alive:
            return
        kind = "disconnect: EOF" if exc is None else "disconnect: reset" if isinstance(exc, ConnectionResetError) else f"disconnect: {type(exc).__name__}"
        self.st.disconnects += 1
        if self.in_flight:
            self.st.unanswered += 1
        self.st.record(kind, f"c{self.cid}: {kind} after {self.n} answers"
                             + (f", line {self.in_flight[0].decode()!r} in flight" if self.in_flight else ", nothing in flight"))
        self.in_flight = None

    def eof_received(self):
        return False  # close our side too: connection_lost follows with exc None


async def tick(conn, interval, stop):
    await asyncio.sleep(random.uniform(0, interval))
    while conn.alive and not stop.is_set():
        t = time.monotonic()
        if conn.in_flight is None:
            conn.send_line()
        else:
            conn.st.late_ticks += 1
        if conn.in_flight is not None and time.time() - conn.in_flight[1] > ANSWER_TIMEOUT:
            conn.st.stalls += 1
            conn.st.record("stall", f"c{conn.cid}: no answer in {ANSWER_TIMEOUT:.0f} s to {conn.in_flight[0].decode()!r}")
            conn.give_up()
            return
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - t)) * random.uniform(0.9, 1.1))


async def run(a):
    st = Stats()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    gate = asyncio.Semaphore(100)  # a burst of 1,000 SYNs would overflow a 512 backlog for nothing
    conns = []

    async def open_one(cid):
        async with gate:
            conn = Connection(cid, st, a.split_share, a.split_pause_ms / 1000)
            try:
                await asyncio.wait_for(loop.create_connection(lambda: conn, a.host, a.port), 10)
            except (OSError, asyncio.TimeoutError) as e:
                st.connect_failed += 1
                st.record("connect failed", f"c{cid}: connect failed: {e!r}")
                return
            st.opened += 1
            conns.append(conn)

    t0 = time.time()
    await asyncio.gather(*(open_one(i + 1) for i in range(a.connections)))
    with open(a.ready, "w") as f:
        f.write(f"{time.time():.6f} opened={st.opened} failed={st.connect_failed} in {time.time() - t0:.2f} s\n")
    interval = a.interval_ms / 1000
    ticks = [asyncio.ensure_future(tick(c, interval, stop)) for c in conns]

    async def watch_stopfile():
        while not stop.is_set():
            if os.path.exists(a.stop):
                stop.set()
            await asyncio.sleep(0.05)

    watcher = asyncio.ensure_future(watch_stopfile())
    await stop.wait()
    stopped_at = time.time()
    await asyncio.gather(*ticks)
    watcher.cancel()
    # the lines in flight at the stop still get their answer
    pending = [c.idle.wait() for c in conns if c.alive and c.in_flight]
    if pending:
        await asyncio.wait([asyncio.ensure_future(p) for p in pending], timeout=ANSWER_TIMEOUT)
    open_at_stop = 0
    for c in conns:
        if c.alive:
            open_at_stop += 1
            if c.in_flight:
                st.unanswered += 1
                st.record("unanswered at stop", f"c{c.cid}: {c.in_flight[0].decode()!r} unanswered {ANSWER_TIMEOUT:.0f} s after the stop")
                c.in_flight = None
            c.closing = True
            c.alive = False
            c.transport.close()
    await asyncio.sleep(0.1)  # let the transports close before the loop ends
    summary = {
        "connections": a.connections, "opened": st.opened, "connect_failed": st.connect_failed,
        "open_at_stop": open_at_stop, "disconnects": st.disconnects, "stalls": st.stalls,
        "lines_sent": st.sent, "lines_split": st.split, "lines_answered": st.answered, "unanswered": st.unanswered,
        "protocol_errors": st.protocol_errors, "late_ticks": st.late_ticks, "failures": st.kinds, "errors": st.errors,
        "interval_ms": a.interval_ms, "started": t0, "stopped": stopped_at,
    }
    with open(os.path.join(a.out, "client.json"), "w") as f:
        json.dump(summary, f, indent=1)
    both = array.array("d")
    for s, r in zip(st.sent_t, st.answered_t):
        both.append(s)
        both.append(r)
    with open(os.path.join(a.out, "lines.bin"), "wb") as f:
        both.tofile(f)
    print(json.dumps({k: v for k, v in summary.items() if k != "errors"}))
    return 0


async def probe(host, port, seconds):
    end = time.monotonic() + seconds
    last = None
    while time.monotonic() < end:
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(host, port), 2)
            try:
                w.write(b"probe\n")
                got = await asyncio.wait_for(r.readline(), 2)
                if got == b"1 probe\n":
                    return 0
                if got:
                    # something serves the port, but not the counter protocol: waiting will not help
                    print(f"probe {host}:{port}: answered {got[:60]!r} to 'probe', not '1 probe': not the counter service", file=sys.stderr)
                    return 2
                last = "closed without an answer"
            finally:
                w.close()
        except (OSError, asyncio.TimeoutError) as e:
            last = repr(e)
        await asyncio.sleep(0.1)
    print(f"probe {host}:{port}: no '1 probe' answer within {seconds} s (last: {last})", file=sys.stderr)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("host")
    r.add_argument("port", type=int)
    r.add_argument("--connections", type=int, default=1000)
    r.add_argument("--interval-ms", type=float, default=100)
    r.add_argument("--split-share", type=float, default=0.2, help="share of lines sent in two pieces")
    r.add_argument("--split-pause-ms", type=float, default=5)
    r.add_argument("--ready", required=True)
    r.add_argument("--stop", required=True)
    r.add_argument("--out", required=True)
    p = sub.add_parser("probe")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("seconds", type=float)
    a = ap.parse_args()
    if a.cmd == "probe":
        return asyncio.run(probe(a.host, a.port, a.seconds))
    return asyncio.run(run(a))


if __name__ == "__main__":
    sys.exit(main())
