"""A step's timeout covers reading the page (issue 13): a page that cannot be read in time
fails the step with a message saying so, instead of the run hanging on it."""

from __future__ import annotations

from replaywright.engine.runner import CachePlan, Runner, RunOptions
from tests.engine.helpers import flow_from

FLOW = """url: busy.html
steps:
  - Click the Start button
  - Wait 1 second
  - Click the Go button
"""


async def test_a_page_too_busy_to_read_fails_the_step_within_its_timeout(browser,
                                                                       fixture_site) -> None:
    runner = Runner(await browser.new_page(), CachePlan(enabled=False),
                    options=RunOptions(base_url=f"{fixture_site}/", env={}, step_timeout=2))
    result = await runner.run(flow_from(FLOW))
    assert not result.passed
    step = result.steps[-1]
    assert step.text == "Click the Go button" and step.status == "failed"
    assert "could not be read within the step's timeout" in (step.error or "")
    # the page stays busy for 8 s; the step gives up at its 2 s timeout, not when the page
    # is free again
    assert step.duration_s < 3.5, step.duration_s
