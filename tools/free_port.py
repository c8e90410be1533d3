"""Free TCP ports on 127.0.0.1: the one copy for the shell (tools/lib.sh free_port) and the Python helpers.

usage: python3 tools/free_port.py [N]    prints N ports (default 1), one a line
All N sockets are bound before any is closed, so the N ports differ. Another process may still take a
port between this and the caller's bind; the callers accept that race (a bench or test run retries).
"""
import socket
import sys


def free_ports(n):
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port():
    return free_ports(1)[0]


if __name__ == "__main__":
    print("\n".join(str(p) for p in free_ports(int(sys.argv[1]) if len(sys.argv) > 1 else 1)))
