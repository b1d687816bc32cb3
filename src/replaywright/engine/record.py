"""Cache records of one run: reading (this run's pending entries first), the entries a
resolved or healed step leaves, the selectors stored with them, and the compare-and-set
base each pending write carries. Nothing is written before `commit`, and only when the run
passed and policy allows (`CachePlan.commit`)."""

from __future__ import annotations

from collections.abc import Mapping

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from replaywright.browser.selectors import (
    IDIOMATIC,
    locate,
    own_selector,
    region_selector,
    scoped_selector,
    stable_selectors,
)
from replaywright.browser.snapshot import shared
from replaywright.cache import proposals
from replaywright.cache.entry import CacheEntry
from replaywright.engine.caching import CachePlan, Pending
from replaywright.engine.locate import Located
from replaywright.engine.results import StepResult
from replaywright.flow.intent import Intent
from replaywright.flow.model import StepSpec
from replaywright.flow.template import Context
from replaywright.model import Selector
from replaywright.resolve.describe import read
from replaywright.resolve.kinds import ITEM_ROLES
from replaywright.resolve.suggest import item_words


def lookup(plan: CachePlan, pending: Mapping[str, Pending], key: str) -> CacheEntry | None:
    """This run's own new entries first (a loop's later items reuse the first's)."""
    if key in pending:
        return pending[key].entry
    return plan.lookup(key)


def stage(plan: CachePlan, pending: dict[str, Pending], key: str, entry: CacheEntry,
          read: CacheEntry | None) -> None:
    """Queue `entry` for the commit with its compare-and-set base: replace exactly the
    version this run read, or insert only if no concurrent run wrote the key first (0 =
    must not exist yet). A key staged before keeps the base of its first read."""
    base = pending[key].expected_version if key in pending else (
        read.version if read is not None and read.scope == plan.scope.write else 0)
    pending[key] = Pending(entry, base)


def commit(plan: CachePlan, passed: bool, pending: Mapping[str, Pending]) -> tuple[bool, str]:
    """Write the staged entries if the run may; (saved, what the summary says)."""
    return plan.commit(passed, pending.values())


def step_record(plan: CachePlan, flow: str, spec: StepSpec, intent: Intent, key: str,
                located: Located, selectors: list[Selector], step: StepResult,
                image: str | None, entry: CacheEntry | None, resolver: str) -> CacheEntry:
    """The entry a resolved step makes, or the healed version of the one it replaced."""
    data = {"image": image} if image else {}
    if entry is not None:
        healed = entry.healed(located.fingerprint, selectors, located.note, step.code,
                              step.usage)
        return healed.model_copy(update={"scope": plan.scope.write,
                                         "data": {**entry.data, **data}})
    return CacheEntry(key=key, scope=plan.scope.write, flow=flow,
                      step=spec.text, action=intent.action.value,
                      fingerprint=located.fingerprint, selectors=selectors, code=step.code,
                      resolver=resolver, usage=step.usage, data=data)


def proposal(entry: CacheEntry, healed: CacheEntry, page_url: str, located: Located,
             image: str | None, ctx: Context) -> CacheEntry:
    """`--heal review`: the heal as a proposal entry, staged like any new entry (insert
    only: the same heal proposed twice is one proposal)."""
    made = proposals.propose(entry, healed, page_url=page_url, reason=located.note,
                             confidence=located.confidence, image=image)
    if ctx.revealed:
        made = made.model_copy(update={"data": ctx.mask(made.data)})
    return made


async def selectors(page: Page, located: Located, description: str) -> list[Selector]:
    """Ways to find the element again. For a newly resolved one without a user-facing
    selector, a chain scoped to its row or item
    (`get_by_role("row").filter(has_text="Milk").get_by_role("button")`) goes before
    ids, CSS paths and XPaths. A row or item is named by its own words unless the step
    `description` picks it by position ("the first row"): then a replay must find the
    first row, not the one that held those words."""
    found = stable_selectors(located.fingerprint, located.peers)
    if located.snapshot is not None and located.snapshot.focused:
        # the peers were only the part of the page the step's words led to: ask the page
        # whether a selector finds this one element and no other
        found = [s for s in found if s.kind in {"xpath", "css"} or await _finds_one(page, s)]
    if (located.status not in {"resolved", "healed"} or located.snapshot is None
            or located.element is None or any(s.kind in IDIOMATIC for s in found)):
        return found
    itself = located.element.fingerprint.role in ITEM_ROLES
    by_position = itself and any(reading.ordinal for reading in read(description))
    item, texts = (None, []) if by_position else item_words(located.element,
                                                             located.snapshot, itself=itself)
    box = None if itself or item is None else item.fingerprint
    for words in texts:
        # the first of the item's texts that no other item holds: "Barbara", not "Edit"
        scoped = await scoped_selector(located.frame, located.handle, located.fingerprint,
                                       box, words)
        if scoped:
            return [scoped, *found]
    own = own_selector(located.fingerprint)
    if own is None or any(s.value == own.value for s in found) \
            or not await _finds_one(page, own):
        # else `select[name="_filter_column"]`, `div.highlight-code`: the element's own
        # attributes, when no other element has them; then its nearest scope that tells it
        # apart (`locator("nav.md-tabs").get_by_role("link", name="Home")`)
        own = await region_selector(located.frame, located.handle, located.fingerprint)
    if own is None:
        return found
    # before a path through its ancestors
    return [*(s for s in found if s.kind not in {"css", "xpath"}), own,
            *(s for s in found if s.kind in {"css", "xpath"})]


async def _finds_one(page: Page, selector: Selector) -> bool:
    found = locate(page, selector)
    if found is None:
        return False
    frame, locator = found
    try:
        if selector.kind == "role" and await shared(frame, selector.role, selector.value):
            return False
        return await locator.count() == 1
    except PlaywrightError:
        return False
