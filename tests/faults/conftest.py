"""The fault-injection suite (issue 14): the bundled demo flow (`demo/flows/checkout.yaml` on
the demo shop) run as a user runs it — `python -m replaywright.cli run … --json --report
--junit` in a process of its own — under one fault at a time.

Every run is checked the same way (`Outcome.check`): the documented exit code, a clear
message and no traceback, the JSON object, the HTML report and the JUnit file written, and
the secret password nowhere — not on stdout or stderr, not in the JSON, report or JUnit, not
in a cache key or anywhere in the cache file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from replaywright.cache.sqlite import SQLiteStore
from replaywright.demo.server import demo_flow_path

#: The demo's password parameter is marked `secret: true`; runs pass this value for it.
SECRET = "Tr0ub4dor-and-3-horses"
DEMO = demo_flow_path("checkout")


@dataclass
class Outcome:
    """What one `replaywright run` left behind."""

    rc: int
    stdout: str
    stderr: str
    report: Path
    junit: Path
    cache: Path | None = None
    json: bool = True

    @property
    def result(self) -> dict:
        return json.loads(self.stdout)  # one JSON object on stdout, whatever happened

    def check(self, rc: int, *messages: str) -> dict:
        """The documented exit code, the messages, no traceback, every output written, and
        no secret value anywhere. Returns the JSON result."""
        assert self.rc == rc, f"exit code {self.rc}, expected {rc}\n{self.stderr[-3000:]}"
        assert "Traceback" not in self.stderr + self.stdout, self.stderr[-3000:]
        for message in messages:  # on the console, or with --json in the JSON object
            assert message in self.stderr + self.stdout, \
                f"{message!r} not in:\n{self.stderr[-3000:]}{self.stdout[-3000:]}"
        result = {"exit_code": self.rc, "passed": self.rc == 0} if not self.json else self.result
        assert result["exit_code"] == rc and result["passed"] is (rc == 0)
        assert self.report.read_text().lower().startswith("<!doctype html>")
        suite = ET.parse(self.junit).getroot()
        assert suite.tag == "testsuites"
        failures = int(suite.get("failures", "0"))
        assert (failures == 0) is (rc == 0), ET.tostring(suite)[:2000]
        texts = {"stdout": self.stdout, "stderr": self.stderr, "report": self.report.read_text(),
                 "junit": self.junit.read_text()}
        for where, text in texts.items():
            assert SECRET not in text, f"the secret is in the {where}"
        if self.cache is not None and self.cache.is_file():
            assert SECRET.encode() not in self.cache.read_bytes(), "the secret is in the cache"
        return result


@dataclass
class Demo:
    """Runs the demo flow (or a variant of it) in a folder of its own."""

    base: str
    work: Path

    def run(self, *args: str, flow: Path = DEMO, cache: Path | str | None = None,
            env: dict[str, str] | None = None, secret: bool = True, json: bool = True,
            timeout: float = 180) -> Outcome:
        report, junit = self.work / "report.html", self.work / "junit.xml"
        command = [sys.executable, "-m", "replaywright.cli", "run", str(flow), "--base-url",
                   f"{self.base}/v1/", *(["--json"] if json else []), "--report", str(report),
                   "--junit",
                   str(junit), *(["--param", f"password={SECRET}"] if secret else []),
                   *(["--cache", str(cache)] if cache is not None else []), *args]
        inherited = {k: v for k, v in os.environ.items()
                     if k not in {"REPLAYWRIGHT_CACHE", "REPLAYWRIGHT_TOKEN"}}
        full_env = {**inherited, "CI": "true", "PYTHONUNBUFFERED": "1",
                    "REPLAYWRIGHT_SCRIPTS": str(self.work / "scripts"), **(env or {})}
        done = subprocess.run(command, cwd=self.work, env=full_env, capture_output=True,
                              text=True, timeout=timeout, check=False)
        local = Path(cache) if cache is not None and "://" not in str(cache) else None
        return Outcome(done.returncode, done.stdout, done.stderr, report, junit, local, json)

    def variant(self, fault: str, *, after: int = 3, timeout: str | None = None) -> Path:
        """The demo flow as a workflow with a `code:` block doing `fault` after its first
        `after` steps (the rest of the journey follows it)."""
        data = yaml.safe_load(DEMO.read_text())
        steps = data.pop("steps")
        code = {"label": "fault", "code": fault, **({"timeout": timeout} if timeout else {})}
        data["blocks"] = [{"label": "sign_in", "steps": steps[:after]}, code,
                          {"label": "shop", "steps": steps[after:]}]
        path = self.work / "checkout-fault.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path


@pytest.fixture
def demo(demo_site: str, tmp_path: Path) -> Demo:
    return Demo(demo_site, tmp_path)


@pytest.fixture
def team_server(tmp_path: Path):
    """A real cache server process on loopback (an SQLite file behind it)."""
    from tests.cache.conftest import start_server

    server = start_server(str(tmp_path / "server.db"), tmp_path / "server.log")
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def primed(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache file holding the demo flow's 17 entries (one passing run), shared read-only:
    tests copy it (`primed_copy`)."""
    work = tmp_path_factory.mktemp("primed")
    cache = work / "cache.db"
    Demo(demo_site, work).run(cache=cache).check(0)
    return cache


@pytest.fixture
def primed_copy(primed: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "cache" / "cache.db"
    copy.parent.mkdir()
    shutil.copyfile(primed, copy)
    return copy


def entries(path: Path) -> dict[str, str]:
    """key → body JSON of every entry in a SQLite cache file."""
    store = SQLiteStore(path)
    try:
        return {e.key: e.model_dump_json(exclude={"hits", "last_used_at", "version"})
                for e in store.entries()}
    finally:
        store.close()


@pytest.fixture
def make_read_only() -> Iterator:
    """Make a file read-only for this process (chmod, and `chattr +i` when running as
    root, whom chmod does not stop); undone afterwards."""
    undo: list[Path] = []

    def make(path: Path) -> None:
        path.chmod(0o444)
        if os.geteuid() == 0 and (shutil.which("chattr") is None or subprocess.run(
                ["chattr", "+i", str(path)], capture_output=True).returncode != 0):
            pytest.skip("running as root without chattr: cannot make a file read-only")
        undo.append(path)

    yield make
    for path in undo:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        path.chmod(0o644)
