"""`--trace on|off|retain-on-failure`: a Playwright trace zip per run, each step a named group
with its text and status; kept always, never, or only for a failed run."""

from __future__ import annotations

import zipfile
from pathlib import Path

from replaywright.browser.launch import BrowserSession
from replaywright.session import RunSetup, traced_run
from tests.engine.helpers import flow_from

FLOW = "url: kinds.html\nsteps:\n  - Check the Subscribe checkbox\n  - {last}\n"


async def _run(browser: BrowserSession, fixture_site: str, tmp_path: Path, trace: str,
               last: str = "The Subscribe checkbox is checked"):
    flow = flow_from(FLOW.format(last=last), tmp_path)
    setup = RunSetup(base_url=f"{fixture_site}/", env={}, timeout=2, trace=trace,
                     trace_dir=tmp_path / "traces")
    return await traced_run(await browser.new_page(), setup, flow, {})


def _events(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace")
                         for n in archive.namelist() if n.endswith(".trace"))


async def test_a_trace_names_every_step_and_its_status(browser: BrowserSession,
                                                       fixture_site: str, tmp_path: Path) -> None:
    result = await _run(browser, fixture_site, tmp_path, "on")
    assert result.passed and result.trace is not None
    path = Path(result.trace)
    assert path.parent == tmp_path / "traces" and path.suffix == ".zip"
    events = _events(path)
    assert '"title":"1. Check the Subscribe checkbox"' in events
    assert '"title":"2. The Subscribe checkbox is checked"' in events
    assert '"title":"resolved"' in events  # each step's status, inside its group
    assert result.summary()["trace"] == result.trace


async def test_retain_on_failure_keeps_only_failed_runs(browser: BrowserSession,
                                                        fixture_site: str, tmp_path: Path) -> None:
    passed = await _run(browser, fixture_site, tmp_path, "retain-on-failure")
    assert passed.passed and passed.trace is None
    failed = await _run(browser, fixture_site, tmp_path, "retain-on-failure",
                        last="The Teleport button is visible")
    assert not failed.passed and failed.trace is not None
    assert '"title":"failed: ' in _events(Path(failed.trace))  # the failing step says why
    off = await _run(browser, fixture_site, tmp_path, "off")
    assert off.trace is None
    assert len(list((tmp_path / "traces").iterdir())) == 1
