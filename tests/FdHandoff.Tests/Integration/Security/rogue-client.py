#!/usr/bin/env python3
"""A rogue peer of the fdhandoff control socket, for the security tests.

For each attempt it opens a new connection, sends one well-formed message of that kind, then
reads until the supervisor closes the connection, counting every descriptor that arrives with
SCM_RIGHTS (and closing it). Prints one JSON line per attempt:
{"attempt", "pid", "uid", "connect" ("ok" or the errno name), "fds", "replies" (kinds), "closed"}.

usage: rogue-client.py SOCKET WORKER_PID ATTEMPT...
attempts: hello-guessed hello-empty hello-worker-pid listeners ready drain bye error upgrade status
          hand-over (with a live descriptor) hand-over-result connection (with a live descriptor) connection-taken load
"""
import array, errno, json, os, secrets, socket, struct, sys

MAGIC, VERSION, HEADER = 0x4F484446, 1, 16
SCM_MAX_FD = 253


def frame(kind, payload, fds=0):
    body = json.dumps(payload).encode()
    return struct.pack("<IHHHHI", MAGIC, VERSION, kind, fds, 0, len(body)) + body


def messages(worker_pid):
    me = os.getpid()
    return {
        "hello-guessed": (1, {"pid": me, "generation": 1, "token": secrets.token_hex(32).upper()}),
        "hello-empty": (1, {"pid": me, "generation": 1, "token": ""}),
        "hello-worker-pid": (1, {"pid": worker_pid, "generation": 1, "token": secrets.token_hex(32).upper()}),
        "listeners": (2, {"batch": 0, "last": True, "total": 0, "listeners": []}),
        "ready": (3, {"pid": me}),
        "drain": (4, {"deadlineMs": 1000, "reason": "rogue"}),
        "bye": (5, {"pid": me}),
        "error": (6, {"reason": "rogue"}),
        "upgrade": (16, {"reason": "rogue"}),
        "status": (18, {}),
        # Established-connection hand-over: only a retiring worker may hand over, only to the serving generation.
        "hand-over": (7, {"id": 1, "listener": "echo", "state": ""}),
        "hand-over-result": (8, {"id": 1, "taken": True, "reason": ""}),
        "connection": (9, {"transitId": 1, "listener": "echo", "state": ""}),
        "connection-taken": (10, {"transitId": 1}),
        "load": (11, {"connections": 1}),
    }


# These carry a descriptor as the real message would: one end of a socketpair, so a leak would show.
WITH_DESCRIPTOR = {"hand-over", "connection"}


def attempt(path, name, kind, payload):
    result = {"attempt": name, "pid": os.getpid(), "uid": os.getuid(), "connect": "ok", "fds": 0, "replies": [], "closed": False}
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.connect(path)
    except OSError as e:
        result["connect"] = errno.errorcode.get(e.errno, str(e.errno))
        s.close()
        return result
    s.settimeout(15)
    try:
        if name in WITH_DESCRIPTOR:
            mine, theirs = socket.socketpair()
            s.sendmsg([frame(kind, payload, 1)], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [theirs.fileno()]))])
            theirs.close()
            mine.close()
        else:
            s.send(frame(kind, payload))
        while True:
            data, ancdata, flags, _ = s.recvmsg(65536, socket.CMSG_SPACE(SCM_MAX_FD * 4))
            for level, type_, cdata in ancdata:
                if level == socket.SOL_SOCKET and type_ == socket.SCM_RIGHTS:
                    fds = array.array("i")
                    fds.frombytes(cdata[: len(cdata) - (len(cdata) % fds.itemsize)])
                    result["fds"] += len(fds)
                    for fd in fds:
                        os.close(fd)
            if not data:
                result["closed"] = True
                break
            if len(data) >= HEADER:
                result["replies"].append(struct.unpack_from("<H", data, 6)[0])
    except (socket.timeout, ConnectionResetError, BrokenPipeError) as e:
        result["error"] = type(e).__name__
        result["closed"] = not isinstance(e, socket.timeout)
    finally:
        s.close()
    return result


def main():
    path, worker_pid, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    table = messages(worker_pid)
    for name in names:
        kind, payload = table[name]
        print(json.dumps(attempt(path, name, kind, payload)), flush=True)


main()
