#!/usr/bin/env python3
"""Socket activation the way systemd does it, for tests on a host without systemd as PID 1.

    activate.py [--listen NAME=ADDR:PORT]... -- COMMAND [ARGS...]

Binds and listens on each address (IPv6 in brackets), puts the sockets at fd 3, 4, ... and execs
COMMAND with LISTEN_PID (its own pid: exec keeps it), LISTEN_FDS and LISTEN_FDNAMES set.
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
    host, port = addr.rsplit(":", 1)
    family = socket.AF_INET6 if host.startswith("[") else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((host.strip("[]"), int(port)))
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
