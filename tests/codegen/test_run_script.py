"""Generated scripts on the real demo shop: replay with no resolver call, heal on v2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from replaywright import script
from replaywright.cache.sqlite import SQLiteStore
from replaywright.codegen.store import ScriptStore, regenerate_report
from replaywright.demo.server import demo_flow_path
from replaywright.engine.runner import CachePlan
from replaywright.flow.loader import load_flow
from replaywright.resolve.local import LocalResolver
from tests.codegen.helpers import WORKFLOW, assert_ruff_clean
from tests.engine.helpers import run

pytestmark = pytest.mark.browser

PARAMS = {"user": "zoe-4417", "full_name": "Zoe Quill"}


class NoResolver(LocalResolver):
    """Fails the test if a replay asks the resolver anything."""

    name = "forbidden"

    async def resolve(self, *args, **kwargs):
        raise AssertionError("the resolver was called")


def element_steps(result) -> list[str]:
    return [s.status for s in result.steps if s.status != "live"]


async def test_checkout_script_replays_then_heals(browser, demo_site: str, tmp_path: Path):
    flow = load_flow(demo_flow_path())
    store = SQLiteStore(tmp_path / "cache.db")
    scripts = tmp_path / "scripts"
    try:
        # a YAML run records the cache; the passing run writes the script
        first = await run(await browser.new_page(), flow, f"{demo_site}/v1/", store, **PARAMS)
        assert first.passed, first.error
        report = regenerate_report(flow, first, scripts, params=flow.bind(PARAMS))
        path = report.path
        assert path == scripts / "checkout.py" and report.version == 1
        text = path.read_text()
        compile(text, str(path), "exec")
        assert_ruff_clean(path)
        for value in [*PARAMS.values(), *(str(s.default) for s in flow.params.values())]:
            assert value not in text

        module = script.load_module(path)
        # standalone against v1: every step from the flow's own cache entries
        v1 = await script.run_module(module, await browser.new_page(), PARAMS,
                                     cache=CachePlan(store=store), base_url=f"{demo_site}/v1/",
                                     env={}, resolver=NoResolver())
        assert v1.passed, v1.error
        assert v1.resolver_calls == 0 and set(element_steps(v1)) == {"cached"}
        assert len(v1.steps) == len(flow.steps) + 1  # + the start page
        assert [(b.label, b.status) for b in v1.blocks] == [("steps", "cached")]
        assert regenerate_report(flow, v1, scripts).path is None  # nothing changed

        # as a program: python checkout.py --user ... --base-url ... --cache ...
        proc = subprocess.run(
            [sys.executable, str(path), "--user", PARAMS["user"], "--full-name",
             PARAMS["full_name"], "--base-url", f"{demo_site}/v1/", "--cache",
             str(tmp_path / "cache.db"), "--json"],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
            env={**os.environ, "CI": "", "REPLAYWRIGHT_CACHE": ""})
        assert proc.returncode == 0, proc.stderr
        summary = json.loads(proc.stdout)["summary"]
        assert summary["passed"] and summary["resolver_calls"] == 0
        assert summary["cached"] == len(flow.steps)

        # the redesign: the script heals through the engine and passes
        v2 = await script.run_module(module, await browser.new_page(), PARAMS,
                                     cache=CachePlan(store=store), base_url=f"{demo_site}/v2/",
                                     env={})
        assert v2.passed, v2.error
        assert "healed" in element_steps(v2) and "failed" not in element_steps(v2)
        assert [(b.label, b.status) for b in v2.blocks] == [("steps", "fell back")]
        healed = regenerate_report(flow, v2, scripts, params=flow.bind(PARAMS))
        assert healed.version == 2 and healed.changed == ["steps"]
        assert ScriptStore(scripts).diff(flow.name).count("\n@@ ") >= 1
        assert_ruff_clean(path)
    finally:
        store.close()


async def test_workflow_script_runs_every_block_kind(browser, demo_site: str, tmp_path: Path):
    source = tmp_path / "flows" / "shop.yaml"
    source.parent.mkdir()
    source.write_text(WORKFLOW)
    flow = load_flow(source)
    store = SQLiteStore(tmp_path / "cache.db")
    try:
        first = await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)
        assert first.passed, first.error
        path = regenerate_report(flow, first, tmp_path / "scripts").path
        assert path is not None
        module = script.load_module(path)
        # The script names each step's block, so it shares the flow run's cache entries and
        # replays everything with no resolver call, the very first time it runs
        result = await script.run_module(module, await browser.new_page(), {},
                                         cache=CachePlan(store=store),
                                         base_url=f"{demo_site}/v1/", env={},
                                         resolver=NoResolver())
        assert result.passed, result.error
        assert result.resolver_calls == 0
        blocks = {b.label: b for b in result.blocks}
        assert blocks["add_products"].iterations == 2
        assert [b.label for b in result.blocks].count("add_one") == 2
        assert "standard" not in blocks and blocks["express"].status == "cached"
        assert blocks["login"].status == "cached" and blocks["place_order"].status == "cached"
        assert blocks["greeting"].status == "live" and blocks["shipping"].status == "cached"
        assert {s.block for s in result.steps} >= {"login", "add_one", "place_order"}
        # each item ran the loop body, the item's value rendered from the loop variable
        searched = [s.text for s in result.steps if s.block == "add_one" and s.text.startswith("Type")]
        assert len(searched) == 2 and all("{{ product }}" in t for t in searched)
    finally:
        store.close()
