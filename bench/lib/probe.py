"""Probe: a fresh connection to 127.0.0.1:PORT every ~1 ms, one GET / each.

Writes one line per probe to OUT when it gets SIGTERM:  "<epoch s> ok <who>" or "<epoch s> err <kind>",
where <who> is the response body with blanks replaced by '_' (every system under test answers with
the serving process's pid, so a new <who> is a new process). Stdlib only.
"""
import signal
import socket
import sys
import time

port = int(sys.argv[1])
out = sys.argv[2]
rec = []


def done(*_):
    with open(out, "w") as f:
        f.writelines(f"{t:.6f} {s} {b}\n" for t, s, b in rec)
    sys.exit(0)


signal.signal(signal.SIGTERM, done)
signal.signal(signal.SIGINT, done)
req = b"GET / HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"
while True:
    t = time.time()
    s = socket.socket()
    s.settimeout(1.0)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(req)
        data = b""
        while True:
            c = s.recv(4096)
            if not c:
                break
            data += c
        head, _, body = data.partition(b"\r\n\r\n")
        if not head.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200")):
            kind = "status:" + head[:12].decode(errors="replace").replace(" ", "_") if head else "empty"
            rec.append((t, "err", kind))
        else:
            if b"transfer-encoding: chunked" in head.lower():
                # one chunk is enough for a short body: "<hex>\r\n<data>\r\n0\r\n\r\n"
                _, _, rest = body.partition(b"\r\n")
                body = rest.partition(b"\r\n")[0]
            b = body.strip().decode(errors="replace").replace(" ", "_")
            rec.append((t, "ok", b or "-"))
    except ConnectionRefusedError:
        rec.append((t, "err", "refused"))
    except ConnectionResetError:
        rec.append((t, "err", "reset"))
    except socket.timeout:
        rec.append((t, "err", "timeout"))
    except OSError as e:
        rec.append((t, "err", type(e).__name__))
    finally:
        s.close()
    time.sleep(0.001)
