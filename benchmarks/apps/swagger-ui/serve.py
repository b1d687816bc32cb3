"""Start: Swagger UI's static files from DATA/www on 127.0.0.1:PORT, with /v2/* proxied to
a Prism mock server of the Petstore spec (started here on another loopback port).

usage: serve.py PRISM_BIN DATA PORT"""

import http.client
import http.server
import os
import signal
import socket
import subprocess
import sys
import time
from functools import partial

prism_bin, data, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    mock_port = s.getsockname()[1]
mock = subprocess.Popen([prism_bin, "mock", "-h", "127.0.0.1", "-p", str(mock_port),
                         os.path.join(data, "mock.json")],
                        stdout=subprocess.DEVNULL, stderr=sys.stderr)


def stop(*_):
    mock.terminate()
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
deadline = time.monotonic() + 60
while True:
    try:
        socket.create_connection(("127.0.0.1", mock_port), timeout=1).close()
        break
    except OSError:
        if mock.poll() is not None or time.monotonic() > deadline:
            sys.exit("prism mock server did not start")
        time.sleep(0.2)

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "date", "server"}


class Handler(http.server.SimpleHTTPRequestHandler):
    def _proxy(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        conn = http.client.HTTPConnection("127.0.0.1", mock_port, timeout=30)
        conn.request(self.command, self.path[len("/v2"):] or "/", body=body, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        self.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        conn.close()

    def _route(self, static):
        if self.path == "/v2" or self.path.startswith(("/v2/", "/v2?")):
            self._proxy()
        elif static:
            static()
        else:
            self.send_error(405)

    def do_GET(self):
        self._route(super().do_GET)

    def do_HEAD(self):
        self._route(super().do_HEAD)

    def do_POST(self):
        self._route(None)

    def do_PUT(self):
        self._route(None)

    def do_DELETE(self):
        self._route(None)

    def do_PATCH(self):
        self._route(None)

    def do_OPTIONS(self):
        self._route(None)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(
    ("127.0.0.1", port), partial(Handler, directory=os.path.join(data, "www")))
try:
    server.serve_forever()
finally:
    mock.terminate()
