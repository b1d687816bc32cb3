"""Writing report files so that a half-written one never replaces a good one."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write to a temporary file beside `path`, then rename it over `path`. A path that is
    not a regular file (`/dev/null`, a pipe) is written in place: renaming over it would
    replace the device with a file."""
    path = Path(path)
    if path.exists() and not path.is_file():
        with open(path, "wb") as handle:
            handle.write(data)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
