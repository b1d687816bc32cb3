"""Serving the bundled demo shop on loopback: `/v1/` is the original, `/v2/` the redesign."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import as_file, files
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_directory(root: Path, port: int = 0) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 in a background thread; yields the base URL."""
    handler = partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_demo(port: int = 0) -> Iterator[str]:
    with as_file(files("replaywright.demo").joinpath("site")) as root, \
            serve_directory(root, port) as base:
        yield base


def demo_flow_path(name: str = "checkout") -> Path:
    return Path(str(files("replaywright.demo").joinpath("flows", f"{name}.yaml")))
