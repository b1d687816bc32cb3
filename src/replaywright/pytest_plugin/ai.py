"""`AI`, what the `ai` fixture gives a test: plain-English steps run on the bridge's loop."""

from __future__ import annotations

from typing import Any

from replaywright.engine.results import StepResult
from replaywright.pytest_plugin.bridge import Bridge


def quote(value: str) -> str:
    """Quote a typed/selected value for a step: "…", '…' or “…”, whichever it does not contain."""
    for left, right in (('"', '"'), ("'", "'"), ("“", "”")):
        if left not in value and right not in value:
            return f"{left}{value}{right}"
    raise ValueError(f"cannot quote {value!r}: it contains \", ' and “/” quotes")


class AI:
    """Plain-English steps on the test's page. Every method runs one engine step and returns
    its `StepResult`; a failing step raises `StepFailed` with the reason."""

    def __init__(self, bridge: Bridge, page: Any, session: Any) -> None:
        self._bridge, self.page, self._session = bridge, page, session

    @property
    def results(self) -> list[StepResult]:
        return list(self._session.results)

    def step(self, text: str, *, timeout: float | None = None, cache: bool = True) -> StepResult:
        """Any step phrasing replaywright accepts (`Select "Canada" from the Country dropdown`).
        `{{ env.NAME }}` in the text is filled in from the environment, as in flows."""
        __tracebackhide__ = True
        return self._bridge.call(self._session.step(text, timeout=timeout, cache=cache))

    def goto(self, url: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Go to {url}", timeout=timeout)

    def click(self, target: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Click {target}", timeout=timeout)

    def hover(self, target: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Hover over {target}", timeout=timeout)

    def fill(self, target: str, value: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Type {quote(str(value))} into {target}", timeout=timeout)

    def select(self, target: str, option: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Select {quote(str(option))} from {target}", timeout=timeout)

    def press(self, key: str, target: str | None = None, *,
              timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Press {key}" + (f" in {target}" if target else ""), timeout=timeout)

    def check(self, assertion: str, *, timeout: float | None = None) -> StepResult:
        """A check such as `The Welcome heading is visible` or `The URL contains "/cart"`,
        polled until it holds or `timeout` seconds pass."""
        __tracebackhide__ = True
        from replaywright.flow.intent import parse_step

        if not parse_step(assertion).is_check:
            raise ValueError(f"ai.check() needs a check (e.g. 'The Welcome banner is visible'), "
                             f"not an action: {assertion!r}; use ai.step() for actions")
        return self.step(assertion, timeout=timeout)
