"""Finding a step's element on the live page: the cached element (its stored selectors, then
the fingerprint matcher), a script's selector hint, and healing through the resolver.

One single-element lookup serves the fast path and the hint: a selector is trusted only
when it finds exactly one visible element that the step's words still fit (and, for a
cached entry, that the matcher verifies against the stored fingerprint). The page is read
through the run's `LivePage`, so a step after a click that opened a tab looks there.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from playwright.async_api import ElementHandle, Frame
from playwright.async_api import Error as PlaywrightError

from replaywright.browser.actions import settle
from replaywright.browser.locator_expr import same_node
from replaywright.browser.selectors import locate
from replaywright.browser.snapshot import Element, Focus, Snapshot, find_one, take_snapshot
from replaywright.cache.entry import CacheEntry
from replaywright.engine.live import POLL_INTERVAL, LivePage
from replaywright.engine.state import RunOptions
from replaywright.errors import AmbiguousTarget, StepFailed
from replaywright.flow.intent import Action, Intent
from replaywright.match.identity import unchanged
from replaywright.model import Fingerprint, Selector, Usage
from replaywright.resolve.base import Resolution, Resolver
from replaywright.resolve.local import MIN_SCORE, LocalResolver, focus_for

if TYPE_CHECKING:
    from replaywright.match import Matcher, MatchResult

#: Seconds a tie between candidates is looked at again before the step is refused.
TIE_PATIENCE = 1.0


@dataclass
class Located:
    """An element found for a step, and how it was found."""

    handle: ElementHandle
    frame: Frame
    fingerprint: Fingerprint
    element: Element | None = None
    status: str = "cached"
    resolution: Resolution | None = None
    confidence: float | None = None
    note: str = ""
    peers: list[Fingerprint] = field(default_factory=list)  # the page it was found on
    snapshot: Snapshot | None = None
    calls: int = 0  # resolver calls spent finding it
    usage: Usage = field(default_factory=Usage)
    image: str | None = None  # base64 JPEG of the element, taken before acting on it


@dataclass
class Missed:
    """The matcher's look at the page when the cached element was not trusted: what a
    heal says about why."""

    snapshot: Snapshot
    match: MatchResult
    element: Element | None

    def why(self, threshold: float) -> str:
        if self.match.confident and self.element is not None:
            return (f"the relocated element {self.element.summary()} no longer fits the "
                    "step's description; healed from the description")
        return (f"fingerprint match not confident ({self.match.confidence:.2f} < "
                f"{threshold:.2f}); healed from the description")


class Locator:
    """Finds elements for one runner: the page it reads is always the runner's current one."""

    def __init__(self, live: LivePage, resolver: Resolver, options: RunOptions,
                 matcher: Matcher | None = None) -> None:
        self.live, self.resolver, self.options = live, resolver, options
        self._matcher = matcher

    @property
    def matcher(self) -> Matcher:
        """The fingerprint matcher, loaded on first use: a replay whose stored selectors
        still find the element never needs it (nor numpy)."""
        if self._matcher is None:
            from replaywright.match import Matcher

            self._matcher = Matcher()
        return self._matcher

    async def locate(self, intent: Intent, entry: CacheEntry | None, deadline: float,
                     patience: float, hint: Selector | None = None) -> Located:
        """Find the step's element. With a cached entry, keep trying the cache for `patience`
        seconds (the element may still be rendering) before healing. Without one, a script's
        own selector is tried before any resolver call."""
        if entry is None or entry.fingerprint is None:
            if hint is not None:
                found = await self._single(intent, hint)
                if found is not None:
                    return Located(*found, "resolved", confidence=1.0,
                                   note=f"script selector: {hint.kind}")
            return await self.resolve(intent, deadline)
        give_up = time.monotonic() + patience
        while True:
            seen = await self.cached(entry, intent)
            if isinstance(seen, Located):
                return seen
            if time.monotonic() + POLL_INTERVAL >= give_up:
                break
            await asyncio.sleep(POLL_INTERVAL)
        located = await self.resolve(intent, deadline, hint=entry.fingerprint,
                                     first=seen.snapshot)
        again = await self.cached(entry, intent)
        if isinstance(again, Located) and await same_node(again.handle, located.handle):
            # the page was still drawing it when the cache looked: the cache finds it now
            again.note = "the cached element, once the page showed it"
            return again
        located.status, located.note = "healed", seen.why(self.matcher.threshold)
        return located

    async def cached(self, entry: CacheEntry, intent: Intent) -> Located | Missed:
        """The cached element on the live page, or, when the cache is not sure, the
        matcher's look that said so."""
        assert entry.fingerprint is not None
        for selector in entry.selectors:  # the fast path
            found = await self._single(intent, selector, verify=entry.fingerprint)
            if found is not None:
                return Located(*found, "cached", confidence=1.0,
                               note=f"fast path: {selector.kind}")
        snapshot = await self.snapshot(time.monotonic() + self.options.step_timeout,
                                       self.focus(intent))
        match = self.matcher.match(entry.fingerprint, snapshot.fingerprints, intent.target)
        element = snapshot.elements[match.index] if match.index is not None else None
        if match.confident and element is not None and self._fits(intent, snapshot, element):
            return Located(await element.handle(), element.frame, element.fingerprint,
                           element, "cached", confidence=match.confidence,
                           note="relocated by fingerprint", peers=snapshot.fingerprints)
        return Missed(snapshot, match, element)

    async def _single(self, intent: Intent, selector: Selector,
                      verify: Fingerprint | None = None
                      ) -> tuple[ElementHandle, Frame, Fingerprint, Element] | None:
        """`selector` → exactly one visible element that the step's words still fit and,
        with `verify`, that the matcher takes for that fingerprint; else None."""
        page = self.live.page
        found = locate(page, selector)
        if found is None:
            return None
        frame, locator = found
        try:
            one = await find_one(locator, frame)
        except PlaywrightError:
            return None
        if one is None:
            return None
        handle, live = one
        alone = Snapshot(url=page.url, title="", elements=[live])
        in_place = verify is not None and unchanged(verify, live.fingerprint)
        if (live.fingerprint.visible
                and (verify is None or in_place
                     or self.matcher.verify(verify, live.fingerprint, intent.target))
                and self._fits(intent, alone, live, in_place)):
            return handle, frame, live.fingerprint, live
        return None

    def _fits(self, intent: Intent, snapshot: Snapshot, element: Element,
              in_place: bool = False) -> bool:
        """A relocation must still be describable by the step's own words. The recorded
        element, unchanged in its recorded place, was in the step's row, region or
        position when it was recorded: a one-element look cannot see those, so only its
        own words are checked."""
        return self.live.local.fit(intent, snapshot, element, own_words=in_place) >= MIN_SCORE

    async def snapshot(self, deadline: float, focus: Focus | None) -> Snapshot:
        """A snapshot within the step's time: a page too big to read in time fails the
        step instead of running on past its timeout."""
        try:
            # at least a second: a step's last look near its deadline must not fail for
            # want of time to read an ordinary page (the step still ends within timeout + 1 s)
            return await asyncio.wait_for(take_snapshot(self.live.page, focus),
                                          timeout=max(1.0, deadline - time.monotonic()))
        except TimeoutError:
            raise StepFailed("the page could not be read within the step's timeout; it may "
                             "be very large or busy (raise `timeout:` on this step)") from None

    def focus(self, intent: Intent) -> Focus | None:
        """Only the offline resolver reads a focused snapshot; an LLM sees the whole page."""
        return focus_for(intent) if isinstance(self.resolver, LocalResolver) else None

    async def resolve(self, intent: Intent, deadline: float, *,
                      hint: Fingerprint | None = None,
                      first: Snapshot | None = None, once: bool = False) -> Located:
        """Resolve from the description, retrying while the page may still be rendering
        (`once`: one look, for a caller that polls itself). A focused snapshot comes first;
        when nothing in it fits, the whole page is read."""
        snapshot = first
        focus = self.focus(intent)
        calls = 0
        # a tie may be a page in transition (old and new content both shown): look again
        # briefly, then refuse
        tie_deadline = min(deadline, time.monotonic() + TIE_PATIENCE)
        while True:
            if snapshot is None:
                snapshot = await self.snapshot(deadline, focus)
            calls += 1
            try:
                resolution = await self.resolver.resolve(intent, snapshot, hint=hint)
            except AmbiguousTarget:
                if once or time.monotonic() + POLL_INTERVAL >= tie_deadline:
                    raise
                await asyncio.sleep(POLL_INTERVAL)
                snapshot = None
                continue
            except StepFailed:
                if snapshot.focused:  # the words may be on the page in a way focus missed
                    focus, snapshot = None, None
                    continue
                # the page may still be rendering: retry, but a paid resolver at most twice
                paid = getattr(self.resolver, "name", "local") != "local"
                if once or time.monotonic() + POLL_INTERVAL >= deadline or (paid and calls >= 2):
                    raise
                await asyncio.sleep(POLL_INTERVAL)
                await settle(self.live.page, timeout=1.0)
                snapshot, focus = None, self.focus(intent)
                continue
            element = resolution.element
            return Located(await element.handle(), element.frame, element.fingerprint,
                           element, "resolved", resolution=resolution,
                           confidence=resolution.confidence, note=resolution.reason,
                           peers=snapshot.fingerprints, snapshot=snapshot,
                           calls=max(calls, resolution.usage.calls), usage=resolution.usage)

    async def poll_check(self, intent: Intent, entry: CacheEntry | None,
                         timeout: float) -> Located:
        """An element check that waits: replay from the cache on every attempt (cheap);
        re-resolve the description on a cadence that scales with the timeout, and once more
        at the end before failing. Finishes as soon as the condition holds."""
        start = time.monotonic()
        deadline = start + timeout
        cadence = min(10.0, max(0.5, timeout / 5))
        next_resolve = start if entry is None else start + cadence
        calls, problem = 0, "nothing matched"
        usage = Usage()
        while True:
            now = time.monotonic()
            final = now >= deadline
            found = False
            if entry is not None and entry.fingerprint is not None:
                seen = await self.cached(entry, intent)
                if isinstance(seen, Located):
                    found = True
                    holds, problem = await holds_now(intent, seen)
                    if holds:
                        return seen
            # the cached element is there but not yet true ("9 members" still says 10):
            # wait on it; look afresh only late, in case another element now says it
            patient = found and now < start + timeout / 2
            if (now >= next_resolve and not patient) or final:
                next_resolve = now + cadence
                try:
                    located = await self.resolve(intent, max(deadline, now + 1.0),
                                                 hint=entry.fingerprint
                                                 if entry is not None else None, once=True)
                except StepFailed as exc:
                    calls += 1
                    problem = str(exc)
                else:
                    calls += located.calls
                    usage = usage + located.usage
                    holds, problem = await holds_now(intent, located)
                    if holds:
                        located.calls, located.usage = calls, usage
                        again = await self.cached(entry, intent) if entry is not None \
                            and entry.fingerprint is not None else None
                        if isinstance(again, Located) and await same_node(again.handle,
                                                                           located.handle):
                            # its words were still changing when the cache looked: the
                            # cache finds it now, no heal
                            again.note = "the cached element, found again while waiting"
                            return again
                        if entry is not None:
                            located.status = "healed"
                            located.note = ("the cached element no longer matched; "
                                            "re-resolved while waiting")
                        return located
            if final:
                raise StepFailed(f"still not true after {timeout:g}s (re-resolved "
                                 f"{calls} time{'s' if calls != 1 else ''}): {problem}")
            await asyncio.sleep(POLL_INTERVAL)


async def holds_now(intent: Intent, located: Located) -> tuple[bool, str]:
    """Whether the check's condition is true for the element now, and if not, why."""
    action, handle = intent.action, located.handle
    try:
        if action is Action.EXPECT_VISIBLE:
            # the cached element was read just now by Playwright's rule of visibility
            seen = located.status == "cached" and located.fingerprint.visible
            return seen or await handle.is_visible(), "the element is hidden"
        if action is Action.EXPECT_TEXT:
            text = await handle.evaluate(
                "e => ('value' in e && e.tagName !== 'BUTTON' ? e.value : '') + ' ' + "
                "(e.innerText || e.textContent || '')")
            shown = " ".join(text.split())[:120]
            return ((intent.value or "").casefold() in text.casefold(),
                    f"the element does not contain {intent.value!r}; it shows {shown!r}")
        if action in {Action.EXPECT_ENABLED, Action.EXPECT_DISABLED}:
            enabled = await handle.is_enabled()
            wanted = action is Action.EXPECT_ENABLED
            return enabled == wanted, f"the element is {'enabled' if enabled else 'disabled'}"
        checked = await handle.is_checked()
        wanted = action is Action.EXPECT_CHECKED
        return checked == wanted, f"the element is {'' if checked else 'not '}checked"
    except PlaywrightError as exc:
        return False, str(exc).splitlines()[0]
