"""`AI`, what the `ai` fixture gives a test: plain-English steps run on the bridge's loop."""

from __future__ import annotations

from typing import Any

from replaywright.engine.results import StepResult
from replaywright.flow.intent import Action, Intent, parse_step
from replaywright.flow.phrasing import compose
from replaywright.pytest_plugin.bridge import Bridge


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

    def _act(self, intent: Intent, timeout: float | None) -> StepResult:
        """A verb: its step composed from the verb table (`flow.phrasing`), then run."""
        __tracebackhide__ = True
        return self.step(compose(intent), timeout=timeout)

    def goto(self, url: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self._act(Intent(Action.GOTO, value=url), timeout)

    def click(self, target: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self._act(Intent(Action.CLICK, target), timeout)

    def hover(self, target: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self._act(Intent(Action.HOVER, target), timeout)

    def fill(self, target: str, value: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self._act(Intent(Action.FILL, target, str(value)), timeout)

    def select(self, target: str, option: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self._act(Intent(Action.SELECT, target, str(option)), timeout)

    def press(self, key: str, target: str | None = None, *,
              timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self._act(Intent(Action.PRESS, target or "", key), timeout)

    def check(self, assertion: str, *, timeout: float | None = None) -> StepResult:
        """A check such as `The Welcome heading is visible` or `The URL contains "/cart"`,
        polled until it holds or `timeout` seconds pass."""
        __tracebackhide__ = True
        if not parse_step(assertion).is_check:
            raise ValueError(f"ai.check() needs a check (e.g. 'The Welcome banner is visible'), "
                             f"not an action: {assertion!r}; use ai.step() for actions")
        return self.step(assertion, timeout=timeout)
