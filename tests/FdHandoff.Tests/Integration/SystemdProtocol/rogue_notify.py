"""Sends one notification to a notify socket from a process that is no worker: argv[1] socket, argv[2] message."""
import socket
import sys

with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
    s.sendto(sys.argv[2].encode().replace(b"\\n", b"\n"), sys.argv[1])
