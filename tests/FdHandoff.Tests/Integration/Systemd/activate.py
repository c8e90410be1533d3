#!/usr/bin/env python3
"""Socket activation the way systemd does it, for tests on a host without systemd as PID 1.

    activate.py [--listen NAME=[KIND:]ADDR:PORT | NAME=unix:/PATH]... -- COMMAND [ARGS...]

Binds and listens on each address (IPv6 in brackets), puts the sockets at fd 3, 4, ... and execs
COMMAND with LISTEN_PID (its own pid: exec keeps it), LISTEN_FDS and LISTEN_FDNAMES set.
KIND is tcp (the default, ListenStream=), udp (ListenDatagram=: bound, no listen), mptcp
(ListenStream= with SocketProtocol=mptcp) or unix (ListenStream=/PATH, made 0666 as systemd's SocketMode=).
"""
import os, socket, sys

args = sys.argv[1:]
split = args.index("--")
specs, command = args[:split], args[split + 1:]
names, sockets = [], []
i = 0
while i < len(specs):
    assert specs[i] == "--listen", specs[i]
    name, addr = specs[i + 1].split("=", 1)
    kind = "tcp"
    for k in ("tcp", "udp", "mptcp", "unix"):
        if addr.startswith(k + ":"):
            kind, addr = k, addr[len(k) + 1:]
    if kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(addr):
            os.unlink(addr)
        s.bind(addr)
        os.chmod(addr, 0o666)
        s.listen(128)
    else:
        host, port = addr.rsplit(":", 1)
        family = socket.AF_INET6 if host.startswith("[") else socket.AF_INET
        kind_type = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
        s = socket.socket(family, kind_type, 262 if kind == "mptcp" else 0)
        if kind != "udp":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((host.strip("[]"), int(port)))
        if kind != "udp":
            s.listen(128)
    names.append(name)
    sockets.append(s)
    i += 2
# Out of the way first (a socket may sit on a number another one is headed for), then into place;
# set_inheritable as well, since dup2 onto the same number keeps CLOEXEC.
high = [os.dup(s.fileno()) + 0 for s in sockets]
high = [os.dup2(fd, 200 + n) or 200 + n for n, fd in enumerate(high)]
for n, fd in enumerate(high):
    os.dup2(fd, 3 + n)
    os.set_inheritable(3 + n, True)
    os.close(fd)
os.environ["LISTEN_PID"] = str(os.getpid())
os.environ["LISTEN_FDS"] = str(len(sockets))
os.environ["LISTEN_FDNAMES"] = ":".join(names)
os.execv(command[0], command)
