"""The default resolver: offline, deterministic, explainable.

A description is read into one or more readings (`resolve.describe`): target words, kind,
ordinal, colour, container anchor, region, spatial relation. Each reading is tried on the
snapshot:
1. the named kind and the step's verb are hard constraints (`resolve.kinds`);
2. the target words are scored against every name the element carries — accessible name,
   label, text, placeholder, title, alt, icon glyphs and class words, id/name words — with
   a synonym table (delete ~ remove ~ trash ~ ×);
3. relations filter: a container anchor keeps the candidates that share a tight common
   ancestor with the anchor text (a row, list item, card — found structurally, whatever
   its tag), a region keeps what lies in that landmark or named region, a spatial
   relation keeps what lies that way of the anchor and prefers the nearest;
4. an ordinal picks among the equally good, in reading order; otherwise the best must
   clear the runner-up by a margin, or the step is refused with the candidates listed,
   each with a phrasing that would pick it.
The page decides between readings: the best found element wins; two readings that find
different elements equally well are a refusal, never a guess.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace

from replaywright.browser.snapshot import Element, Snapshot
from replaywright.errors import AmbiguousTarget, StepFailed
from replaywright.flow.intent import Action, Intent
from replaywright.model import Fingerprint
from replaywright.resolve.base import Resolution
from replaywright.resolve.describe import COLOURS, ORDINALS, Reading, read
from replaywright.resolve.focus import focus_for
from replaywright.resolve.kinds import (
    kind_fit,
)
from replaywright.resolve.relations import (
    anchor_elements,
    by_hint,
    by_position,
    clicked_inside,
    common_ancestor,
    drop_nested,
    in_region,
    in_tab_bar,
    main_over_chrome,
    nested,
    other_icons,
    region_named,
    same_thing,
    scrolled_to,
    whole_around,
)
from replaywright.resolve.scoring import (
    CLICKS,
    LOOKS_ONLY,
    MARGIN,
    MIN_NAME,
    MIN_SCORE,
    PEER_RATIO,
    WEAK_NAME,
    WHOLE_KINDS,
    Candidate,
    colour_fit,
    direction_fit,
    element_score,
    name_score,
    names_by_role,
    reading_order,
)
from replaywright.resolve.suggest import closest_listing, listing
from replaywright.resolve.text import (
    contains_phrase,
)

#: Kinds a click is done on through the link or button in or around them (`clicked_inside`).
_CLICKED_INSIDE = {"column", "cell", "heading", "text", "image", "icon"}


def _done_through(intent: Intent, reading: Reading, element: Element) -> bool:
    """Was the step done on this element in place of the kind it names?"""
    fp = element.fingerprint
    if intent.action in CLICKS:
        return reading.kind in _CLICKED_INSIDE and fp.role in {"link", "button"}
    return intent.action is Action.SCROLL and reading.kind == "section" and (
        fp.role == "heading" or element.expanded is not None)


#: Wholes whose parts a count can name ("3 rows in the Users table"), and what is counted in
#: them when the step names no kind ("3 users in the table")
_COUNTED_IN = {"table": "row", "list": "item"}


@dataclass
class Outcome:
    """What one reading found: an element, a tie, or nothing (with the reason)."""

    reading: Reading
    ranked: list[Candidate] = field(default_factory=list)
    chosen: Candidate | None = None
    tied: list[Candidate] = field(default_factory=list)
    problem: str = ""
    #: Equal candidates passed over for a reason (the sidebar's, beside the main content's):
    #: not the chosen one's rivals.
    set_aside: list[Candidate] = field(default_factory=list)

    @property
    def best(self) -> float:
        return self.chosen.score if self.chosen else (self.tied[0].score if self.tied else 0.0)


# -- names -----------------------------------------------------------------------------------


# -- colours and geometry --------------------------------------------------------------------


# -- what to look at -------------------------------------------------------------------------


# -- the resolver ----------------------------------------------------------------------------

class LocalResolver:
    """Offline resolver; see the module docstring."""

    name = "local"

    async def resolve(self, intent: Intent, snapshot: Snapshot, *,
                      hint: Fingerprint | None = None) -> Resolution:
        return self.rank(intent, snapshot, hint=hint)

    def rank(self, intent: Intent, snapshot: Snapshot, *,
             hint: Fingerprint | None = None) -> Resolution:
        if not snapshot.elements:
            raise StepFailed("the page has no visible elements")
        readings = read(intent.target)
        outcomes = [self._evaluate(reading, intent, snapshot, hint) for reading in readings]
        if names_by_role(intent, readings) and not any(
                o.reading.name and (o.tied or (o.chosen and o.chosen.score >= WEAK_NAME))
                for o in outcomes):
            # "The status message contains 'Please enter a dealer.'": a message is named by
            # what it says; the one element saying it is the message ("the confirmation
            # dialog contains …": the dialog around it)
            holding = Reading(name=intent.value or "", kind="text", holds=True)
            held = self._evaluate(holding, intent, snapshot, hint)
            if held.chosen and readings[0].kind in WHOLE_KINDS:
                held.chosen = whole_around(held.chosen, readings[0].kind, snapshot)
            outcomes.append(held)
        # below the replay guard a pick could never be replayed: too weak to act on
        found = sorted((o for o in outcomes if o.chosen and o.best >= MIN_SCORE),
                       key=lambda o: -o.best)
        if found:
            best = found[0]
            assert best.chosen is not None
            rivals = [o for o in found[1:] if o.chosen and o.best > best.best - MARGIN
                      and not same_thing(snapshot, o.chosen.element, best.chosen.element)]
            if rivals:
                pair = [best.chosen, *(o.chosen for o in rivals if o.chosen)]
                raise AmbiguousTarget(
                    f"{intent.target!r} can be read more than one way and the page has an "
                    f"element for each: {best.reading.describe()} or "
                    f"{rivals[0].reading.describe()}; say which:"
                    + listing(pair, snapshot))
            chosen = picked = best.chosen
            if intent.action in {Action.CLICK, Action.DBLCLICK}:
                chosen = clicked_inside(chosen, best.reading, snapshot)
            elif intent.action is Action.SCROLL:
                chosen = scrolled_to(chosen, snapshot)
            runner = next((c.score for c in best.ranked
                           if not same_thing(snapshot, c.element, chosen.element)
                           and not same_thing(snapshot, c.element, picked.element)
                           and c not in best.set_aside), 0.0)
            confidence = min(1.0, chosen.score) * min(1.0, 0.5 + (chosen.score - runner) * 2)
            return Resolution(element=chosen.element, confidence=round(confidence, 3),
                              reason=f"local: {best.reading.describe()}: {chosen.why}; best "
                                     f"{chosen.score:.2f}, next {runner:.2f}",
                              candidates=[(c.element, c.score) for c in best.ranked[:5]])
        tied = [o for o in outcomes if o.tied]
        if tied:
            outcome = max(tied, key=lambda o: o.best)
            raise AmbiguousTarget(
                f"{len(outcome.tied)} elements match {intent.target!r} equally well; say which "
                "(for example):" + listing(outcome.tied, snapshot))
        problem = next((o.problem for o in outcomes if o.problem), "")
        closest = self._closest(intent, snapshot)
        raise StepFailed(f"no element on the page matches {intent.target!r}"
                         + (f" ({problem})" if problem else "") + closest)

    def _closest(self, intent: Intent, snapshot: Snapshot) -> str:
        """The nearest misses: the words alone, without kind or relations."""
        near = []
        for reading in read(intent.target):
            loose = Reading(name=reading.name or reading.kind)
            near += self._candidates(loose, Intent(Action.EXPECT_VISIBLE, intent.target),
                                     snapshot)[0][:3]
        near.sort(key=lambda c: -c.score)
        unique = list({id(c.element): c for c in reversed(near)}.values())[::-1]
        return closest_listing(sorted(unique, key=lambda c: -c.score)[:3], snapshot)

    def matches(self, intent: Intent, snapshot: Snapshot) -> list[Element]:
        """Every element the description fits about as well as the best one ("there are 3
        Delete buttons"); empty when nothing fits. "N rows in the Users table", "N users in
        the table": the items of that one table or list."""
        readings = read(intent.target)
        for reading in readings:
            items = self._items_of_whole(reading, intent, snapshot)
            if items is not None:
                return items
        best: list[Candidate] = []
        named = True
        for reading in readings:
            ranked = self._candidates(reading, intent, snapshot)[0]
            if ranked and (not best or ranked[0].score > best[0].score + MARGIN):
                best, named = ranked, bool(reading.name)
        if not best:
            return []
        # "the navigation tabs": with no name to go by, only what is fully of the kind
        top = best[0].score * (0.85 if named else 0.97)
        return [c.element for c in best if c.score >= top]

    def _items_of_whole(self, reading: Reading, intent: Intent,
                        snapshot: Snapshot) -> list[Element] | None:
        """The counted elements inside the one table or list the reading names, or None
        when it names none (or the page has no single one): counted the usual way then."""
        whole_kind = reading.region if reading.region in _COUNTED_IN else ""
        if not whole_kind or not snapshot.has_tree:
            return None
        names = [reading.region_name] if reading.region_name else [reading.name, ""]
        whole = self._whole(names, whole_kind, snapshot)
        if whole is None:
            return None
        # what is counted: elements of the kind named, else the whole's rows or items
        kind = reading.kind or _COUNTED_IN[whole_kind]
        inner = [el for el in snapshot.elements if el is not whole
                 and snapshot.contains(whole.node, el.node) and kind_fit(kind, el) >= 1
                 and (not reading.kind or not reading.name
                      or name_score(reading.name, el)[0] >= MIN_NAME)]
        return inner

    def _whole(self, names: list[str], kind: str, snapshot: Snapshot) -> Element | None:
        """The one table or list named by the first of `names` that names one ("" for the
        page's only one); None when none does or two tie."""
        check = Intent(Action.EXPECT_VISIBLE, f"the {kind}")
        for name in names:
            outcome = self._evaluate(Reading(name=name, kind=kind), check, snapshot, None)
            if outcome.chosen is not None:
                return outcome.chosen.element
            if outcome.tied:
                return None
        return None

    def plausibility(self, intent: Intent, snapshot: Snapshot) -> list[float]:
        """Per element of the snapshot, how well any reading of the step fits it (relations
        applied where their anchors are on the page): a shortlist for an LLM."""
        index = {id(el): i for i, el in enumerate(snapshot.elements)}
        scores = [0.0] * len(snapshot.elements)
        for reading in read(intent.target):
            ranked = self._candidates(reading, intent, snapshot)[0]
            if not ranked:  # the relation's anchor is missing: score the words alone
                ranked = self._candidates(Reading(name=reading.name, kind=reading.kind),
                                          intent, snapshot)[0]
            for cand in ranked:
                i = index[id(cand.element)]
                scores[i] = max(scores[i], cand.score)
        return scores

    def fit(self, intent: Intent, snapshot: Snapshot, element: Element,
            own_words: bool = False) -> float:
        """How well one element fits the step's description (0..1); the engine uses it to
        refuse a relocation that no longer fits what the step says. `own_words`: only the
        element's own words and kind, not its row or region."""
        best = 0.0
        readings = read(intent.target)
        for reading in readings:
            score = element_score(reading, intent, element)[0]
            if score <= 0 and _done_through(intent, reading, element):
                # "click the Horsepower column header" was done on the link inside it,
                # "scroll to the Schemas section" on the header that starts it
                score = element_score(replace(reading, kind=""), intent, element)[0] * 0.95
            if score <= 0:
                continue
            if not own_words and not self._placed(reading, element, snapshot):
                continue
            best = max(best, score)
        if best < MIN_SCORE and names_by_role(intent, readings) and contains_phrase(
                element.fingerprint.text or element.fingerprint.accessible_name,
                intent.value or ""):
            best = WEAK_NAME  # "the status message contains X": the element saying X is it
        return best

    def _placed(self, reading: Reading, element: Element, snapshot: Snapshot) -> bool:
        """In the row or item and the region the reading names, if it names them."""
        if reading.container and not self._container_ok(reading, element, snapshot):
            return False
        return not (reading.region or reading.region_name) or in_region(reading, element,
                                                                        snapshot)

    # -- one reading ---------------------------------------------------------------------------

    def _evaluate(self, reading: Reading, intent: Intent, snapshot: Snapshot,
                  hint: Fingerprint | None) -> Outcome:
        ranked, problem = self._candidates(reading, intent, snapshot)
        outcome = Outcome(reading, ranked, problem=problem)
        if not ranked:
            return outcome
        best = ranked[0]
        if reading.ordinal:
            group = sorted((c for c in ranked if c.score >= best.score * PEER_RATIO),
                           key=lambda c: reading_order(c.element))
            n = reading.ordinal
            if n > len(group):
                outcome.problem = (f"asked for number {n} but only {len(group)} elements match "
                                   f"{reading.describe()}" + listing(group, snapshot))
                return outcome
            outcome.chosen = group[n - 1] if n > 0 else group[-1]
            outcome.chosen = Candidate(outcome.chosen.element, outcome.chosen.score,
                                       f"number {n} of {len(group)}: {outcome.chosen.why}")
            return outcome
        contenders = [c for c in ranked if c.score > best.score - MARGIN]
        if len(contenders) > 1 and hint is not None:
            contenders = by_hint(contenders, hint)
        if len(contenders) > 1:
            kept = main_over_chrome(contenders, snapshot)
            outcome.set_aside = [c for c in contenders if c not in kept]
            contenders = kept
        if len(contenders) > 1:
            outcome.tied = contenders
        else:
            outcome.chosen = contenders[0]
            if outcome.set_aside:
                outcome.chosen = Candidate(contenders[0].element, contenders[0].score,
                                           f"{contenders[0].why}, in the main content (not "
                                           "the sidebar's or navigation's)")
        return outcome

    def _candidates(self, reading: Reading, intent: Intent,
                    snapshot: Snapshot) -> tuple[list[Candidate], str]:
        """Candidates for one reading, best first, relations applied; or a reason."""
        scored = []
        for el in snapshot.elements:
            score, why = element_score(reading, intent, el)
            if score > 0:
                scored.append(Candidate(el, score, why))
        scored = drop_nested(scored, snapshot)
        if not scored:
            return [], ""
        if reading.kind == "tab":
            scored = [in_tab_bar(c, snapshot) for c in scored]
        if reading.colour:
            fits = [c for c in scored if colour_fit(reading.colour, c.element.fingerprint) == 1]
            if fits:
                scored = fits
        problem = ""
        if reading.container:
            scored = self._in_container(reading, scored, snapshot)
            if not scored:
                problem = (f"no {reading.kind or 'element'} matching {reading.name!r} shares a "
                           f"row or item with {reading.container!r}")
        if scored and (reading.region or reading.region_name):
            inside = [c for c in scored if in_region(reading, c.element, snapshot)]
            if not inside:
                where = f"{reading.region_name} {reading.region}".strip()
                problem = f"nothing matching {reading.describe()} lies in the {where}"
            elif reading.region and reading.region_name:  # the named one, if the page names it
                named = [c for c in inside if region_named(reading.region_name, c.element,
                                                            snapshot)]
                inside = named or inside
            scored = inside
        if scored and reading.relation:
            scored, problem = self._related(reading, intent, scored, snapshot)
        scored.sort(key=lambda c: (-c.score, reading_order(c.element)))
        return scored, problem

    # -- relations -------------------------------------------------------------------------------

    def _container_ok(self, reading: Reading, el: Element, snapshot: Snapshot) -> bool:
        if not snapshot.has_tree:  # one element described alone: its row's text says
            return contains_phrase(el.container, reading.container) or contains_phrase(
                el.fingerprint.text, reading.container)
        return bool(self._in_container(reading, [Candidate(el, 1.0)], snapshot))

    def _in_container(self, reading: Reading, scored: list[Candidate],
                      snapshot: Snapshot) -> list[Candidate]:
        """Keep the candidates that share a tight common ancestor with the anchor text: the
        smallest part of the page holding both that holds no other candidate as good."""
        words = reading.container.split()
        if reading.container_kind and len(words) == 1 and words[0].lower() in ORDINALS:
            # "in the last row", "in the second card": among the containers that hold a
            # good candidate (not one of another kind that merely tolerates the words), the
            # one at that position
            top = max(c.score for c in scored)
            scored = [c for c in scored if c.score >= top * PEER_RATIO]
            return by_position(ORDINALS[words[0].lower()], reading.container_kind, scored,
                                snapshot)
        anchors = anchor_elements(reading.container, snapshot) or self._described(
            f"{reading.container} {reading.container_kind}".strip(), snapshot)
        head, _, last = reading.container.rpartition(" ")
        if not anchors and head and last.isalpha() and not reading.quoted:
            # "the lock icon of the GET /pet/{petId} operation": what the page calls the
            # thing the words end with ("operation") is not on it; its name is
            anchors = anchor_elements(head, snapshot)
        if not anchors and snapshot.has_tree and reading.kind in _COUNTED_IN.values():
            # "the first row of the results": no such words on the page, but one table
            # (or list) the words can name is where the rows are
            whole_kind = next(k for k, v in _COUNTED_IN.items() if v == reading.kind)
            whole = self._whole([reading.container], whole_kind, snapshot)
            if whole is not None:
                return [c for c in scored if c.element is not whole
                        and snapshot.contains(whole.node, c.element.node)]
        if not anchors or not snapshot.has_tree:
            return [c for c in scored if contains_phrase(c.element.container, reading.container)]
        by_node = sorted(scored, key=lambda c: c.element.node)
        nodes = [c.element.node for c in by_node]
        kept = []
        for cand in scored:
            for anchor in anchors:
                common = common_ancestor(snapshot, cand.element.node, anchor.node)
                if common < 0:
                    continue
                end = snapshot.ends[common]
                if end - common > 0.4 * snapshot.nodes and snapshot.nodes > 50:
                    continue  # the whole page is nobody's row
                if snapshot.other_items(common, cand.element.node, anchor.node):
                    continue  # the anchor's own item lacks it: a neighbour's is not it
                inside = by_node[bisect_left(nodes, common):bisect_left(nodes, end)]
                named = not cand.why.startswith(LOOKS_ONLY)
                # which of its icons looks like that, the page does not say (an icon inside
                # the anchor is told from the ones beside it no better)
                scope = snapshot.parents.get(common, -1) if common == anchor.node else common
                if not named and other_icons(cand.element, max(scope, 0),
                                             snapshot.ends.get(scope, end), snapshot):
                    continue
                if any(c is not cand and c.score >= cand.score * 0.7
                       and not nested(snapshot, c.element, cand.element)
                       and not (named and c.why.startswith(LOOKS_ONLY)) for c in inside):
                    continue  # another row's as good: this part of the page is no one row
                kept.append(Candidate(cand.element, cand.score,
                                      f"{cand.why}, with {reading.container!r}"))
                break
        return kept

    def _described(self, anchor: str, snapshot: Snapshot) -> list[Element]:
        """An anchor that is not text on the page but a description of a container ("the
        first code block", "the last row"): the element it describes, if exactly one."""
        for reading in read(anchor):
            if not (reading.kind or reading.ordinal) or reading.container:
                continue
            outcome = self._evaluate(reading, Intent(Action.EXPECT_VISIBLE, anchor), snapshot,
                                     None)
            if outcome.chosen is not None:
                return [outcome.chosen.element]
        return []

    def _related(self, reading: Reading, intent: Intent, scored: list[Candidate],
                 snapshot: Snapshot) -> tuple[list[Candidate], str]:
        anchor_readings = read(reading.anchor)
        found = None
        for anchor_reading in anchor_readings:
            ranked = self._candidates(anchor_reading, Intent(Action.EXPECT_VISIBLE,
                                                             reading.anchor), snapshot)[0]
            if ranked and (len(ranked) == 1 or ranked[0].score > ranked[1].score + MARGIN):
                found = ranked[0].element
                break
        if found is None:
            return [], f"cannot find {reading.anchor!r} to look {reading.relation} it"
        out = []
        for cand in scored:
            if cand.element is found or snapshot.contains(cand.element.node, found.node) \
                    or snapshot.contains(found.node, cand.element.node):
                continue
            fit = direction_fit(reading.relation, cand.element.fingerprint, found.fingerprint)
            if fit > 0:
                out.append(Candidate(cand.element, cand.score * fit,
                                     f"{cand.why}, {reading.relation} {reading.anchor!r}"))
        if not out:
            return [], f"nothing matching {reading.describe()} lies {reading.relation} " \
                       f"{reading.anchor!r}"
        return out, ""


# -- sameness ------------------------------------------------------------------------------------


# -- messages ------------------------------------------------------------------------------------


__all__ = ["COLOURS", "MIN_SCORE", "LocalResolver", "focus_for", "name_score"]
