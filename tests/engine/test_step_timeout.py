"""A step's timeout covers reading the page (issue 13): a page that cannot be read in time
fails the step with a message saying so, instead of the run hanging on it."""

from __future__ import annotations

import time

from replaywright.engine.runner import CachePlan, Runner, RunOptions
from tests.engine.helpers import flow_from

FLOW = """url: busy.html
steps:
  - Wait 1 second
  - Click the Go button
"""


async def test_a_page_too_busy_to_read_fails_the_step_within_its_timeout(browser,
                                                                       fixture_site) -> None:
    runner = Runner(await browser.new_page(), CachePlan(enabled=False),
                    options=RunOptions(base_url=f"{fixture_site}/", env={}, step_timeout=2))
    started = time.monotonic()
    result = await runner.run(flow_from(FLOW))
    took = time.monotonic() - started
    assert not result.passed
    step = result.steps[-1]
    assert step.status == "failed"
    assert "could not be read within the step's timeout" in (step.error or "")
    # the page stays busy for 8 s from 0.3 s after it loads; the step gives up at its 2 s
    # timeout, not when the page is free again (loose bound: the start page's load and the
    # 1 s wait are inside `took` too)
    assert step.duration_s < 3.5, step.duration_s
    assert took < 7, took
