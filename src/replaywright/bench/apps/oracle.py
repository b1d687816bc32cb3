"""The ground truth run: a flow carried out with each step's `expect:` locator instead of a
resolver. It proves the flows themselves are right — every `expect:` names exactly one
visible element at that point of the journey — and it stands in for a step the resolver
refused, so one refusal does not hide the rest of a flow."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page

from replaywright.browser import actions, locator_expr
from replaywright.browser.actions import settle
from replaywright.errors import StepFailed
from replaywright.flow.duration import parse_duration
from replaywright.flow.intent import ELEMENT_CHECKS, Action, Intent, parse_step
from replaywright.flow.model import Flow, StepSpec
from replaywright.flow.template import Context, render


@dataclass
class OracleStep:
    index: int
    text: str
    line: int
    ok: bool
    problem: str = ""


def intent_of(spec: StepSpec, ctx: Context) -> Intent:
    template = parse_step(spec.text)
    target = render(template.target, ctx).text
    value = render(template.value, ctx).text if template.value is not None else None
    return template.with_text(target, value)


async def perform(page: Page, intent: Intent, expect: str | None, *, timeout: float,
                  base_dir: Path) -> None:
    """Carry out one step with its expect locator (or with no element where none is needed)."""
    ms = timeout * 1000
    action, value = intent.action, intent.value or ""
    if action is Action.GOTO:
        await page.goto(urljoin(page.url, value), wait_until="domcontentloaded")
    elif action is Action.WAIT:
        await asyncio.sleep(parse_duration(value))
    elif action is Action.PRESS and not intent.target:
        await page.keyboard.press(value)
    elif action is Action.EXPECT_TITLE:
        await _poll(lambda: page.title(), value, timeout)
    elif action is Action.EXPECT_URL:
        await _poll(lambda: _now(page.url), value, timeout)
    elif action is Action.EXPECT_TEXT and not intent.needs_element:
        await _poll(lambda: page.inner_text("body"), value, timeout)
    elif action is Action.EXPECT_HIDDEN and expect:
        await locator_expr.build(page, expect).first.wait_for(state="hidden", timeout=ms)
    elif action is Action.EXPECT_COUNT and expect:
        await _poll_count(locator_expr.build(page, expect), int(value), timeout)
    elif expect is None:
        raise StepFailed("this step needs an element, but it has no expect: locator")
    elif action in ELEMENT_CHECKS:
        await _check(locator_expr.build(page, expect), intent, timeout)
    else:
        try:
            handle = await locator_expr.unique_handle(page, expect, timeout)
        except locator_expr.LocatorCountError as exc:
            raise StepFailed(f"expect: {expect} {exc}") from None
        await actions.perform(page, handle, intent, timeout=timeout, base_dir=base_dir)
        return
    await settle(page)


async def _check(locator: Locator, intent: Intent, timeout: float) -> None:
    await locator.wait_for(state="visible", timeout=timeout * 1000)
    if await locator.count() != 1:
        raise StepFailed(f"expect: matches {await locator.count()} elements (wanted exactly 1)")
    deadline = time.monotonic() + timeout
    while not await _holds(locator, intent):
        if time.monotonic() >= deadline:
            raise StepFailed(f"the element does not satisfy {intent.action} {intent.value!r}")
        await asyncio.sleep(0.1)


async def _holds(locator: Locator, intent: Intent) -> bool:
    action = intent.action
    if action is Action.EXPECT_TEXT:
        text = await locator.evaluate("e => ('value' in e ? e.value + ' ' : '') + "
                                      "(e.innerText || e.textContent || '')")
        return (intent.value or "").casefold() in text.casefold()
    if action in {Action.EXPECT_CHECKED, Action.EXPECT_UNCHECKED}:
        return await locator.is_checked() == (action is Action.EXPECT_CHECKED)
    if action in {Action.EXPECT_ENABLED, Action.EXPECT_DISABLED}:
        return await locator.is_enabled() == (action is Action.EXPECT_ENABLED)
    return True


async def _now(value: str) -> str:
    return value


async def _poll(read: Any, wanted: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        current = await read()
        if wanted.casefold() in current.casefold():
            return
        if time.monotonic() >= deadline:
            raise StepFailed(f"{wanted!r} not found in {current[:120]!r}")
        await asyncio.sleep(0.1)


async def _poll_count(locator: Locator, wanted: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while (count := await locator.count()) != wanted:
        if time.monotonic() >= deadline:
            raise StepFailed(f"expect: matches {count} elements, the step says {wanted}")
        await asyncio.sleep(0.1)


async def run_oracle(page: Page, flow: Flow, base_url: str, params: dict[str, Any],
                     env: dict[str, str], timeout: float = 10.0) -> list[OracleStep]:
    """Carry out every step of a `steps:` flow with its expect locators; stop at the first
    step that cannot be done (the flow or its ground truth is wrong there)."""
    ctx = Context(params=flow.bind(params), env=env)
    base_dir = flow.path.parent if flow.path else Path.cwd()
    await page.goto(urljoin(base_url.rstrip("/") + "/", render(flow.url or "/", ctx).text
                            .lstrip("/")), wait_until="domcontentloaded")
    await settle(page)
    results = []
    for spec in flow.steps:
        try:
            intent = intent_of(spec, ctx)
            if intent.action is Action.GOTO and not intent.value.startswith("http"):  # type: ignore[union-attr]
                intent = intent.with_text(intent.target, urljoin(base_url.rstrip("/") + "/",
                                                                 (intent.value or "").lstrip("/")))
            await perform(page, intent, spec.expect, timeout=spec.timeout or timeout,
                          base_dir=base_dir)
        except (StepFailed, PlaywrightError) as exc:
            results.append(OracleStep(spec.index, spec.text, spec.line, False,
                                      str(exc).splitlines()[0]))
            break
        results.append(OracleStep(spec.index, spec.text, spec.line, True))
    return results
