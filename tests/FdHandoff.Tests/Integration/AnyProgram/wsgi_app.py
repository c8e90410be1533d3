"""The WSGI app gunicorn serves in the systemd-protocol tests: says which process answered."""
import os


def app(environ, start_response):
    body = f"hello from gunicorn worker pid {os.getpid()} arbiter {os.getppid()}\n".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
