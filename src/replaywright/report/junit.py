"""JUnit XML for CI: one `<testsuite>` per run (flow), one `<testcase>` per step.

The layout follows the common JUnit schema (the one Jenkins, GitLab and GitHub reporters read):
testcase children are at most one of `<failure>` / `<skipped>`, then `<system-out>`; properties
only at suite level. A step's replaywright status (cached / resolved / healed / live), its
resolver calls, element, note and code go to its `<system-out>`; run totals (cached, resolved,
healed counts, resolver calls, whether the cache was saved) are suite properties.
"""

from __future__ import annotations

import io
import re
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

from replaywright.engine.results import RunResult, StepResult
from replaywright.report.files import write_atomic

# Characters XML 1.0 does not allow (ElementTree would write them and produce a broken file).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: object) -> str:
    return _INVALID_XML.sub("?", str(text))


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def _step_out(step: StepResult) -> str:
    lines = [f"status: {step.status}", f"resolver calls: {step.resolver_calls}"]
    for label, value in (("action", step.action), ("element", step.element),
                         ("confidence", f"{step.confidence:.2f}" if step.confidence is not None
                          else ""),
                         ("note", step.note), ("code", step.code), ("cache key", step.cache_key)):
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


def _testcase(suite: ET.Element, classname: str, name: str, seconds: float) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"name": _clean(name), "classname": _clean(classname),
                                             "time": _seconds(seconds)})


def _failure(case: ET.Element, message: str, kind: str = "StepFailed") -> None:
    first = message.strip().splitlines()[0] if message.strip() else "failed"
    failure = ET.SubElement(case, "failure", {"message": _clean(first), "type": kind})
    failure.text = _clean(message)


def _suite(result: RunResult) -> tuple[ET.Element, dict[str, int]]:
    suite = ET.Element("testsuite", {"name": _clean(result.flow)})
    props = ET.SubElement(suite, "properties")
    summary = result.summary()
    for name in ("passed", "cached", "resolved", "healed", "pending_review", "live", "failed",
                 "resolver_calls", "cache_saved", "cache_note"):
        ET.SubElement(props, "property", {"name": f"replaywright.{name}",
                                          "value": _clean(summary[name])})
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for step in result.steps:
        case = _testcase(suite, result.flow, f"{step.index}. {step.text}", step.duration_s)
        counts["tests"] += 1
        if step.status == "failed":
            counts["failures"] += 1
            _failure(case, step.error or "failed")
        elif step.status == "skipped":
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", {"message": "not run"})
        if step.review:  # healed, the cache left as it was: a person decides
            ET.SubElement(ET.SubElement(case, "properties"), "property", {
                "name": "replaywright.heal", "value": f"pending review: {step.review}"})
        ET.SubElement(case, "system-out").text = _clean(_step_out(step))
    for block in result.blocks:  # workflow blocks not run after a failure
        if block.status == "skipped":
            case = _testcase(suite, result.flow, f"block {block.label}", 0.0)
            counts["tests"] += 1
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", {"message": "not run: an earlier block failed"})
    if result.error and not any(s.status == "failed" for s in result.steps):
        # the run failed outside any step (start page, a goto/code block): still a failure
        case = _testcase(suite, result.flow, "run", 0.0)
        counts["tests"] += 1
        counts["failures"] += 1
        _failure(case, result.error, "RunFailed")
    suite.set("tests", str(counts["tests"]))
    suite.set("failures", str(counts["failures"]))
    suite.set("errors", "0")
    suite.set("skipped", str(counts["skipped"]))
    suite.set("time", _seconds(result.seconds))
    suite.set("timestamp", result.started_at.replace(microsecond=0, tzinfo=None).isoformat())
    suite.set("hostname", _clean(socket.gethostname()))
    return suite, counts


def junit_tree(results: list[RunResult]) -> ET.ElementTree:
    root = ET.Element("testsuites", {"name": "replaywright"})
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    seconds = 0.0
    for result in results:
        suite, counts = _suite(result)
        root.append(suite)
        for name, value in counts.items():
            totals[name] += value
        seconds += result.seconds
    for name, value in totals.items():
        root.set(name, str(value))
    root.set("errors", "0")
    root.set("time", _seconds(seconds))
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(path: str | Path, results: list[RunResult]) -> Path:
    """Write JUnit XML atomically (a half-written file never replaces a good one)."""
    buffer = io.BytesIO()
    junit_tree(results).write(buffer, encoding="utf-8", xml_declaration=True)
    return write_atomic(path, buffer.getvalue())
