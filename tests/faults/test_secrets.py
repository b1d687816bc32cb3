"""Issue 14, items 1 and 4: a secret never enters a key in a form that can be tested offline,
and a failing check never prints it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from tests.faults.conftest import DEMO, SECRET, Demo, entries


def old_key(step: str, kind: str, values: dict[str, str]) -> str:
    """How keys were made before: SHA-256 of the step and the values it used."""
    material = {"flow": "checkout", "step": step, "kind": kind, "values": values, "n": 0}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:32]


def test_the_password_cannot_be_recovered_from_any_key(demo: Demo, primed_copy: Path) -> None:
    outcome = demo.run(cache=primed_copy)
    result = outcome.check(0)
    keys = {s["cache_key"] for s in result["steps"]} | set(entries(primed_copy))
    step = 'Type "{{ params.password }}" into the Password field'
    for guess in ["123456", "correct-horse", SECRET]:  # the attack of the issue
        assert old_key(step, "fill", {"params.password": guess}) not in keys
    # the primed cache was made with the same password: every step replays
    assert [s["status"] for s in result["steps"]] == ["cached"] * 17


def test_secret_is_masked_in_a_failing_check_everywhere(demo: Demo, primed_copy: Path) -> None:
    """`The page contains "{{ params.password }}"` failing: the message says *** in the
    console, --json, JUnit and the HTML report (Outcome.check looks in each)."""
    data = yaml.safe_load(DEMO.read_text())
    data["steps"][3:3] = [{"step": 'The page contains "{{ params.password }}"', "timeout": "1s"},
                          {"step": 'The page contains "{{ env.SHOP_TOKEN }}"', "timeout": "1s"}]
    flow = demo.work / "echo.yaml"
    flow.write_text(yaml.safe_dump(data, sort_keys=False))
    env = {"SHOP_TOKEN": "tok-" + SECRET}
    outcome = demo.run(flow=flow, cache=primed_copy, env=env)
    result = outcome.check(1, "the page does not contain '***'")
    failed = next(s for s in result["steps"] if s["status"] == "failed")
    assert "***" in failed["error"] and SECRET not in json.dumps(result)
    console = demo.run(flow=flow, cache=primed_copy, env=env, json=False)
    console.check(1, "the page does not contain '***'", "FAILED")
    for output in (outcome, console):
        assert "tok-" not in output.stderr + output.stdout + output.junit.read_text()
