"""Installing an app version from its registry (once, cached) and serving it on loopback
from a fresh copy of its pristine data, so every run starts from the same state."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from replaywright.bench.apps.spec import AppSpec, AppVersion
from replaywright.errors import ReplaywrightError

STAMP = ".installed"


class AppError(ReplaywrightError):
    """An app could not be installed or started."""


def bench_home() -> Path:
    """Where installed app versions live: $REPLAYWRIGHT_BENCH_HOME or ~/.cache."""
    default = Path.home() / ".cache" / "replaywright" / "bench-apps"
    return Path(os.environ.get("REPLAYWRIGHT_BENCH_HOME", default))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: list[str], cwd: Path, env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
        raise AppError(f"{what} failed ({' '.join(command)}):\n  " + "\n  ".join(tail))


class AppInstall:
    """One installed version of one app."""

    def __init__(self, app: AppSpec, version: AppVersion, home: Path | None = None) -> None:
        self.app, self.version = app, version
        self.home = (home or bench_home()) / f"{app.name}-{version.version}"

    @property
    def python(self) -> Path:
        return self.home / "venv" / "bin" / "python"

    @property
    def pristine(self) -> Path:
        return self.home / "pristine"

    def fields(self, data: Path, port: int = 0) -> dict[str, str]:
        python = self.python if self.version.pip else Path(sys.executable)
        return {"python": str(python), "bin": str(python.parent),
                "node_modules": str(self.home / "node_modules"), "home": str(self.home),
                "app": str(self.app.folder), "data": str(data), "port": str(port)}

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
        env["PATH"] = f"{self.python.parent}:{self.home / 'node_modules' / '.bin'}:{env['PATH']}"
        return {**env, **self.app.env}

    def ensure(self) -> None:
        """Install from the registries and run the setup commands, unless done before."""
        stamp = self.home / STAMP
        wanted = repr((self.version.pip, self.version.npm, self.app.setup,
                       self._scripts_digest()))
        if stamp.exists() and stamp.read_text() == wanted:
            return
        if self.home.exists():
            shutil.rmtree(self.home)
        self.home.mkdir(parents=True)
        env = self.env()
        if self.version.pip:
            _run([sys.executable, "-m", "venv", str(self.home / "venv")], self.home, env,
                 "creating the virtualenv")
            _run([str(self.python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                  *self.version.pip], self.home, env, f"pip install {self.version.pip}")
        if self.version.npm:
            _run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                  str(self.home), *self.version.npm], self.home, env,
                 f"npm install {self.version.npm}")
        self.pristine.mkdir()
        for command in self.app.setup:
            _run(self._argv(command, self.pristine), self.home, env, f"setup `{command}`")
        stamp.write_text(wanted)

    def _scripts_digest(self) -> str:
        """The app folder's own files other than flows: editing a setup script re-runs it."""
        digest = hashlib.sha256()
        for path in sorted(self.app.folder.rglob("*")):
            if path.is_file() and "flows" not in path.relative_to(self.app.folder).parts:
                digest.update(path.name.encode() + path.read_bytes())
        return digest.hexdigest()[:16]

    def _argv(self, command: str, data: Path, port: int = 0) -> list[str]:
        return shlex.split(command.format(**self.fields(data, port)))

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        """Start the app on a free loopback port with fresh data; yield its base URL."""
        self.ensure()
        with tempfile.TemporaryDirectory(prefix=f"rw-{self.app.name}-") as tmp:
            data = Path(tmp) / "data"
            shutil.copytree(self.pristine, data)
            port = _free_port()
            log = open(Path(tmp) / "server.log", "w+b")  # noqa: SIM115 - closed below
            process = subprocess.Popen(self._argv(self.app.start, data, port), cwd=data,
                                       env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
            base = f"http://127.0.0.1:{port}"
            try:
                self._wait_ready(process, base, log)
                yield base
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                log.close()

    def _wait_ready(self, process: subprocess.Popen[bytes], base: str, log: object) -> None:
        deadline = time.monotonic() + self.app.startup_timeout
        url = base + self.app.ready
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                if httpx.get(url, timeout=2.0).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        log.seek(0)  # type: ignore[attr-defined]
        tail = log.read().decode(errors="replace").strip().splitlines()[-15:]  # type: ignore[attr-defined]
        state = "exited" if process.poll() is not None else "did not answer in time"
        raise AppError(f"{self.app.name} {self.version.version} {state} ({url}):\n  "
                       + "\n  ".join(tail))
