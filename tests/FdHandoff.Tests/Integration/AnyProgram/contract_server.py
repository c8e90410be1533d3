#!/usr/bin/python3
"""A worker in another language that speaks systemd's socket-activation protocol by hand.

Reads LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES as sd_listen_fds(3) says, checks them, serves HTTP on every
inherited TCP socket and answers each request with what it saw, byte for byte, so a test can assert them:

    pid 4242 listen_pid='4242' listen_fds='2' listen_fdnames='http:http6' fds=3:inet:127.0.0.1:8080,4:inet6:::1:8080
    extra_fds= token= session=4242 child=0

Sends READY=1 (with STATUS=) by hand over NOTIFY_SOCKET, pings WATCHDOG=1 when WATCHDOG_USEC is set, and
stops gracefully on SIGTERM: stops accepting (closes its copies, no shutdown), answers in-flight and
keep-alive requests with Connection: close, exits. Test knobs (files, so one generation can differ from
the next): CONTRACT_NO_READY_FILE (exists: send nothing), CONTRACT_STUBBORN_CHILD (=1: fork a child that
ignores SIGTERM and holds the sockets), CONTRACT_READY_FROM_CHILD (=1: a forked child sends READY=1).
"""
import os
import signal
import socket
import sys
import threading
import time

env = dict(os.environ)
listen_pid = env.get("LISTEN_PID", "")
listen_fds = env.get("LISTEN_FDS", "")
listen_fdnames = env.get("LISTEN_FDNAMES", "")
n = int(listen_fds) if listen_fds.isdigit() and listen_pid == str(os.getpid()) else 0

# Which descriptors this process got: exactly 0-2 and 3..3+n-1, nothing of the supervisor's or launcher's.
def is_open(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


extra = [fd for fd in range(3 + n, 1024) if is_open(fd)]

described = []
listeners = []
for fd in range(3, 3 + n):
    s = socket.socket(fileno=fd)  # family and type from the descriptor itself
    fam = {socket.AF_INET: "inet", socket.AF_INET6: "inet6"}.get(s.family, str(int(s.family)))
    host, port = s.getsockname()[:2]
    described.append(f"{fd}:{fam}:{host}:{port}")
    if s.type == socket.SOCK_STREAM and s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
        listeners.append(s)

child = 0
if env.get("CONTRACT_STUBBORN_CHILD") == "1":
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        while True:
            time.sleep(3600)

report = (f"pid {os.getpid()} listen_pid={listen_pid!r} listen_fds={listen_fds!r} listen_fdnames={listen_fdnames!r} "
          f"fds={','.join(described)} extra_fds={','.join(map(str, extra))} token={env.get('FDHANDOFF_TOKEN', '')} "
          f"session={os.getsid(0)} child={child}\n").encode()

draining = threading.Event()
busy = threading.Semaphore(0)
lock = threading.Lock()
active = [0]


def notify(message):
    path = env.get("NOTIFY_SOCKET")
    if not path:
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(message.encode(), "\0" + path[1:] if path.startswith("@") else path)


def serve(conn):
    with lock:
        active[0] += 1
    try:
        conn.settimeout(10)
        buf = b""
        while True:
            while b"\r\n\r\n" not in buf:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
            head, _, buf = buf.partition(b"\r\n\r\n")
            close = draining.is_set() or b"connection: close" in head.lower()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + str(len(report)).encode()
                         + (b"\r\nConnection: close" if close else b"") + b"\r\n\r\n" + report)
            if close:
                return
    except OSError:
        pass
    finally:
        conn.close()
        with lock:
            active[0] -= 1


def accept_loop(listener):
    listener.settimeout(0.1)  # checks the drain flag between accepts
    while not draining.is_set():
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        except OSError:
            return
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def on_term(signum, frame):
    draining.set()


signal.signal(signal.SIGTERM, on_term)
acceptors = [threading.Thread(target=accept_loop, args=(l,), daemon=True) for l in listeners]
for t in acceptors:
    t.start()

no_ready = env.get("CONTRACT_NO_READY_FILE")
if env.get("CONTRACT_READY_FROM_CHILD") == "1":
    # Readiness from another process of the worker's session: counts only with NotifyAccess = all.
    if os.fork() == 0:
        notify("READY=1\nSTATUS=ready from a child")
        # Stays (as a gunicorn worker would): the kernel names no pid for a sender already gone. Killed with
        # the worker's group.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        time.sleep(3600)
        os._exit(0)
elif not (no_ready and os.path.exists(no_ready)):
    notify(f"READY=1\nSTATUS=serving {len(listeners)} listeners")
    watchdog_usec = env.get("WATCHDOG_USEC")
    if watchdog_usec and env.get("WATCHDOG_PID") == str(os.getpid()):
        def ping():
            while not draining.is_set():
                notify("WATCHDOG=1")
                time.sleep(int(watchdog_usec) / 1e6 / 4)
        threading.Thread(target=ping, daemon=True).start()

while not draining.wait(1):
    pass
notify("STOPPING=1")
for t in acceptors:
    t.join()
for l in listeners:
    l.close()  # our copy only: the supervisor and the next generation keep the socket listening
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    with lock:
        if active[0] == 0:
            break
    time.sleep(0.02)
sys.exit(0)
