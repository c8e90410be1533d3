"""Sends notifications to a notify socket from a process that is no worker.

argv[1]: the socket; argv[2]: the message (\\n for a newline); argv[3] (optional): how many times.
"""
import socket
import sys

count = int(sys.argv[3]) if len(sys.argv) > 3 else 1
message = sys.argv[2].encode().replace(b"\\n", b"\n")
with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
    for _ in range(count):
        s.sendto(message, sys.argv[1])
