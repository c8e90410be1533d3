#!/usr/bin/python3
"""HTTP client loop for the systemd harness: counts every request that did not get a full response.

  load.py [--mode new|keepalive] [--target 127.0.0.1:8080 ...] [--seconds N] [--out FILE]
  load.py --once [--target HOST:PORT]        one GET, print status, worker pid and generation

Runs until SIGTERM/SIGINT (or --seconds), then writes one JSON object (to --out, else stdout):
requests, ok, failed, errors by kind, latencies (max, p99, p50, ms), the (pid, generation) pairs
that answered, and the generations seen in order. Only loopback targets are accepted: this load
must never leave the machine.

  new        a new TCP connection per request (Connection: close)
  keepalive  one connection reused until the server says Connection: close or closes it; a request
             whose connection is closed before the full response arrives counts as failed (that is
             what a drain must avoid: the server announces the close, the client never sees it)
  idle       like a browser: one request on a keep-alive connection, then idle until the server
             closes it; reconnects. Reports how long a server kept an idle connection
             (idle_held_max_s): a draining worker that waits for idle clients holds up a restart.
"""
import argparse, ipaddress, json, os, re, signal, socket, sys, time

PID_RE = re.compile(rb"(?i)\b(?:worker[_ ]?)?pid\W{0,3}(\d+)")
GEN_RE = re.compile(rb"(?i)\bgen(?:eration)?\W{0,3}(\d+)")


def parse_target(text):
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit(f"load.py: refusing non-loopback target {text}")
    return host, int(port)


class Failed(Exception):
    pass


def read_response(sock, buf):
    """Reads one HTTP/1.1 response with Content-Length. Returns (status, headers, body, rest)."""
    while b"\r\n\r\n" not in buf:
        d = sock.recv(65536)
        if not d:
            raise Failed("closed before headers" if not buf else "closed in headers")
        buf += d
    head, _, buf = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower()] = v.strip().lower()
    if b"content-length" in headers:
        n = int(headers[b"content-length"])
        while len(buf) < n:
            d = sock.recv(65536)
            if not d:
                raise Failed("closed in body")
            buf += d
        return status, headers, buf[:n], buf[n:]
    if headers.get(b"transfer-encoding") == b"chunked":
        body = b""
        while True:
            while b"\r\n" not in buf:
                d = sock.recv(65536)
                if not d:
                    raise Failed("closed in chunk")
                buf += d
            size_line, _, buf = buf.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(buf) < size + 2:
                d = sock.recv(65536)
                if not d:
                    raise Failed("closed in chunk")
                buf += d
            body += buf[:size]
            buf = buf[size + 2:]
            if size == 0:
                return status, headers, body, buf
    raise Failed("response without length")


def request(sock, host, keepalive):
    conn = b"keep-alive" if keepalive else b"close"
    if ":" in host:
        host = f"[{host}]"              # an IPv6 literal in Host: needs brackets (Kestrel answers 400 otherwise)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: " + conn + b"\r\n\r\n")


def identity(body):
    p, g = PID_RE.search(body), GEN_RE.search(body)
    return (int(p.group(1)) if p else None, int(g.group(1)) if g else None)


def connect(target, timeout):
    s = socket.create_connection(target, timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def idle(a, target, stopped):
    held, errors, n = [], {}, 0
    while not stopped():
        try:
            with connect(target, a.timeout) as s:
                request(s, target[0], True)
                status, headers, _, _ = read_response(s, b"")
                n += 1
                if status != 200:
                    raise Failed(f"HTTP {status}")
                if headers.get(b"connection") == b"close":
                    continue
                t = time.monotonic()
                s.settimeout(0.2)
                while not stopped():
                    try:
                        if not s.recv(1):
                            break          # the server closed the idle connection
                    except socket.timeout:
                        continue
                else:
                    break
                held.append(time.monotonic() - t)
        except (OSError, Failed, ValueError) as e:
            k = str(e) if isinstance(e, Failed) else type(e).__name__
            errors[k] = errors.get(k, 0) + 1
            time.sleep(0.05)
    result = {"mode": "idle", "requests": n + sum(errors.values()), "failed": sum(errors.values()), "errors": errors,
              "idle_closes": len(held), "idle_held_max_s": round(max(held), 1) if held else None}
    emit(a, result)
    return 0


def emit(a, result):
    text = json.dumps(result)
    if a.out:
        with open(a.out + ".tmp", "w") as f:
            f.write(text + "\n")
        os.replace(a.out + ".tmp", a.out)
    else:
        print(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["new", "keepalive", "idle"], default="new")
    ap.add_argument("--target", action="append", default=[])
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--timeout", type=float, default=15.0)
    ap.add_argument("--pause-ms", type=float, default=1.0)
    ap.add_argument("--out")
    ap.add_argument("--once", action="store_true")
    a = ap.parse_args()
    targets = [parse_target(t) for t in (a.target or ["127.0.0.1:8080"])]

    if a.once:
        try:
            with connect(targets[0], a.timeout) as s:
                request(s, targets[0][0], False)
                status, _, body, _ = read_response(s, b"")
            pid, gen = identity(body)
            print(json.dumps({"status": status, "pid": pid, "generation": gen, "body": body[:300].decode("utf-8", "replace")}))
            return 0 if status == 200 else 1
        except (OSError, Failed, ValueError) as e:
            print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
            return 1

    stop = False

    def on_sig(*_):
        nonlocal stop
        stop = True
    signal.signal(signal.SIGTERM, on_sig)
    signal.signal(signal.SIGINT, on_sig)

    if a.mode == "idle":
        return idle(a, targets[0], lambda: stop)

    lat, errors, seen, gens = [], {}, {}, []
    conns = {}                      # target -> (socket, leftover bytes) for keep-alive
    end = time.monotonic() + a.seconds if a.seconds else None
    i = 0
    while not stop and (end is None or time.monotonic() < end):
        target = targets[i % len(targets)]
        i += 1
        t0 = time.monotonic()
        sock = None
        try:
            if a.mode == "keepalive" and target in conns:
                sock, buf = conns.pop(target)
            else:
                sock, buf = connect(target, a.timeout), b""
            request(sock, target[0], a.mode == "keepalive")
            status, headers, body, buf = read_response(sock, buf)
            if status != 200:
                raise Failed(f"HTTP {status}")
            lat.append(time.monotonic() - t0)
            ident = identity(body)
            key = f"{ident[0]}/{ident[1]}"
            seen[key] = seen.get(key, 0) + 1
            if ident[1] not in gens:
                gens.append(ident[1])
            if a.mode == "keepalive" and headers.get(b"connection") != b"close":
                conns[target] = (sock, buf)
                sock = None
        except ConnectionRefusedError:
            errors["refused"] = errors.get("refused", 0) + 1
        except ConnectionResetError:
            errors["reset"] = errors.get("reset", 0) + 1
        except socket.timeout:
            errors["timeout"] = errors.get("timeout", 0) + 1
        except Failed as e:
            errors[str(e)] = errors.get(str(e), 0) + 1
        except (OSError, ValueError, IndexError) as e:
            errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
        finally:
            if sock is not None:
                sock.close()
        if a.pause_ms:
            time.sleep(a.pause_ms / 1000)
    for s, _ in conns.values():
        s.close()

    lat.sort()
    q = lambda f: round(lat[min(len(lat) - 1, int(f * len(lat)))] * 1000, 1) if lat else None
    result = {"mode": a.mode, "requests": len(lat) + sum(errors.values()), "ok": len(lat),
              "failed": sum(errors.values()), "errors": errors, "p50_ms": q(.5), "p99_ms": q(.99),
              "max_ms": round(lat[-1] * 1000, 1) if lat else None, "answered_by": seen, "generations": gens}
    emit(a, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
