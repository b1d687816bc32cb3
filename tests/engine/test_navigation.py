"""A page that navigates a moment after a click (issue 14, item 9): the next step reads the
page while it is being replaced. That is a page in transition, retried within the step's
timeout, never a failure."""

from __future__ import annotations

from replaywright.engine.runner import CachePlan, Runner, RunOptions
from tests.engine.helpers import flow_from, statuses

FLOW = """url: later.html?n=1&last=5
steps:
  - Click the Step 1 button
  - Click the Step 2 button
  - Click the Step 3 button
  - Click the Step 4 button
  - Click the Step 5 button
  - Type "Ada" into the Nickname field
  - The Other page heading is visible
"""


async def test_steps_after_a_delayed_navigation_wait_for_the_new_page(browser,
                                                                       fixture_site) -> None:
    # Each click navigates 50 ms after it answers, while the next step reads the (long) page;
    # before the fix one of these steps failed with "Execution context was destroyed".
    # (a generous step timeout: a loaded machine reads the long page slowly, and the point
    # is the navigation, not the speed)
    runner = Runner(await browser.new_page(), CachePlan(enabled=False),
                    options=RunOptions(base_url=f"{fixture_site}/", env={}, step_timeout=20))
    result = await runner.run(flow_from(FLOW))
    assert result.passed, result.error
    assert statuses(result) == ["resolved"] * 7
