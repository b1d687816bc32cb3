"""`code:` blocks cannot fake a pass, end the process, or run forever (issue 14, items 2 and
3): whatever they raise fails the block with a message, they are stopped at their time limit
(CPU-bound loops included), and the run goes on to report."""

from __future__ import annotations

import asyncio
import threading

import pytest

from replaywright.engine.results import RunResult
from replaywright.engine.runner import CachePlan, Runner, RunOptions
from tests.engine.helpers import flow_from


def workflow(code: str, timeout: str | None = None) -> str:
    body = "".join(f"      {line}\n" for line in code.splitlines())
    return (f"url: other.html\nblocks:\n  - label: block\n    code: |\n{body}"
            + (f"    timeout: {timeout}\n" if timeout else "")
            + "  - label: after\n    steps:\n      - The Other page heading is visible\n")


async def run_code(browser, site: str, code: str, timeout: str | None = None,
                   step_timeout: float = 5) -> RunResult:
    runner = Runner(await browser.new_page(), CachePlan(enabled=False),
                    options=RunOptions(base_url=f"{site}/", env={}, step_timeout=step_timeout))
    return await runner.run(flow_from(workflow(code, timeout)))


def block(result: RunResult, label: str = "block"):
    return next(b for b in result.blocks if b.label == label)


@pytest.mark.parametrize(("code", "said"), [
    ("import sys\nsys.exit()", "code called sys.exit(); a code block cannot end the run"),
    ("import sys\nsys.exit(0)", "code called sys.exit(0)"),
    ("raise KeyboardInterrupt()", "code raised KeyboardInterrupt"),
    ("raise SystemExit('bye')", "code called sys.exit('bye')"),
    ("import asyncio\nraise asyncio.CancelledError()", "code raised CancelledError"),
    ("raise ValueError('nope')", "code raised ValueError: nope"),
])
async def test_whatever_a_block_raises_fails_the_block(browser, fixture_site, code: str,
                                                       said: str) -> None:
    result = await run_code(browser, fixture_site, code)
    assert not result.passed
    assert block(result).status == "failed" and said in block(result).note
    assert said in (result.error or "")
    assert block(result, "after").status == "skipped"


@pytest.mark.parametrize(("code", "timeout", "step_timeout", "limit"), [
    ("while True:\n    pass", "1s", 5, "1s"),  # CPU-bound, the block's own timeout
    ("while True:\n    pass", None, 1, "1s"),  # ... the step timeout by default
    ("import asyncio\nwhile True:\n    await asyncio.sleep(0.01)", "1s", 5, "1s"),
    ("import asyncio\nwhile True:\n    try:\n        await asyncio.sleep(0.01)\n"
     "    except asyncio.CancelledError:\n        pass", "1s", 5, "1s"),  # ignores cancel
])
async def test_a_block_that_runs_too_long_is_stopped(browser, fixture_site, code: str,
                                                     timeout: str | None, step_timeout: float,
                                                     limit: str) -> None:
    result = await run_code(browser, fixture_site, code, timeout, step_timeout)
    assert block(result).status == "failed"
    assert f"code did not finish within {limit} and was stopped" in block(result).note
    for _ in range(100):  # its thread is gone, not spinning on beside the run
        if not any(t.name == "code block block" for t in threading.enumerate()):
            break
        await asyncio.sleep(0.05)
    assert not any(t.name == "code block block" for t in threading.enumerate())


async def test_a_block_uses_the_page_and_returns_its_result(browser, fixture_site) -> None:
    code = ('heading = await page.locator("h1").inner_text()\n'
            'await page.get_by_label("Nickname").fill("Ada")\n'
            'typed = await page.get_by_label("Nickname").input_value()\n'
            'result = {"heading": heading, "typed": typed, "url": page.url.rsplit("/", 1)[-1],'
            ' "title": await page.title(), "n": len(await page.locator("input").all())}')
    result = await run_code(browser, fixture_site, code)
    assert result.passed, result.error
    assert block(result).output == {"heading": "Other page", "typed": "Ada",
                                    "url": "other.html", "title": "Other page",
                                    "n": block(result).output["n"]}
    assert block(result).output["n"] >= 1


async def test_names_a_block_sets_are_its_output_without_page_objects(browser,
                                                                      fixture_site) -> None:
    result = await run_code(browser, fixture_site,
                            'box = page.locator("h1")\ntext = await box.inner_text()')
    assert result.passed, result.error
    assert block(result).output == {"text": "Other page"}
    assert result.to_json()["blocks"][0]["output"] == {"text": "Other page"}
