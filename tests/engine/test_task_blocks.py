"""A `task:` block on the demo shop: the agent (recorded LLM answers over the real SDK client)
acts once; later runs replay its actions with no LLM at all, and heal them one by one on the
redesign."""

from __future__ import annotations

from pathlib import Path

from replaywright import script
from replaywright.cache.sqlite import SQLiteStore
from replaywright.codegen.store import regenerate_report
from replaywright.engine.results import RunResult
from replaywright.engine.runner import CachePlan, Runner, RunOptions
from replaywright.flow.loader import load_flow, parse_flow
from replaywright.resolve.llm import LLMConfig, agent_from_config
from tests.resolve.llm.llm_replay import recording

KEY = "sk-test-agent-DO-NOT-LEAK-42424242"
WORKFLOW_TEXT = """
name: agent-shop
url: index.html
blocks:
  - label: shop
    task: log in as alice with password secret and add the Blue Mug to the cart
    max_steps: 8
  - label: check
    steps:
      - The Cart link contains "Cart (1)"
"""
WORKFLOW = parse_flow(WORKFLOW_TEXT)


async def go(browser, base: str, store: SQLiteStore, agent=None) -> RunResult:
    runner = Runner(await browser.new_page(), CachePlan(store=store), agent=agent,
                    options=RunOptions(base_url=base, env={}, step_timeout=5))
    result = await runner.run(WORKFLOW)
    assert result.passed, result.error
    return result


async def test_task_runs_through_the_agent_once_then_replays_and_heals(
        browser, demo_site, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cache.db")
    rec = recording("agent_login_add_to_cart", key=KEY)
    config = LLMConfig(provider="openai", model="gpt-4.1-mini", api_key=KEY, timeout=2.0,
                       max_retries=0)
    agent = agent_from_config(config, http_client=rec.client())

    first = await go(browser, f"{demo_site}/v1/", store, agent)
    rec.assert_all_used()
    shop = [s for s in first.steps if s.block == "shop"]
    # what is typed into a password field is masked wherever the run reports it
    assert [s.text for s in shop] == ['Type "alice" into the Username field',
                                      'Type "***" into the Password field',
                                      "Click the Sign in button",
                                      'Click the Add to cart button in the row with "Blue Mug"']
    assert {s.status for s in shop} == {"resolved"}
    assert first.resolver_calls == 5 + 1  # 4 actions + "done", and the local check
    assert first.usage.input_tokens == 5180 and first.usage.cost_usd > 0
    assert all(KEY not in sent.text for sent in rec.sent)

    replay = await go(browser, f"{demo_site}/v1/", store, agent=None)  # no LLM configured
    assert {b.label: b.status for b in replay.blocks} == {"shop": "cached", "check": "cached"}
    assert replay.resolver_calls == 0 and replay.usage.input_tokens == 0
    assert replay.avoided.input_tokens == first.usage.input_tokens  # all the agent had cost

    redesign = await go(browser, f"{demo_site}/v2/", store, agent=None)
    statuses = [s.status for s in redesign.steps if s.block == "shop"]
    assert "healed" in statuses and "failed" not in statuses
    assert redesign.usage.input_tokens == 0  # healed by the local resolver, step by step


async def test_generated_script_replays_the_task_without_an_llm(
        browser, demo_site, tmp_path: Path) -> None:
    source = tmp_path / "agent-shop.yaml"
    source.write_text(WORKFLOW_TEXT)
    flow = load_flow(source)
    store = SQLiteStore(tmp_path / "cache.db")
    rec = recording("agent_login_add_to_cart", key=KEY)
    config = LLMConfig(provider="openai", model="gpt-4.1-mini", api_key=KEY, timeout=2.0,
                       max_retries=0)
    runner = Runner(await browser.new_page(), CachePlan(store=store),
                    agent=agent_from_config(config, http_client=rec.client()),
                    options=RunOptions(base_url=f"{demo_site}/v1/", env={}, step_timeout=5))
    first = await runner.run(flow)
    assert first.passed, first.error
    path = regenerate_report(flow, first, tmp_path / "scripts").path
    assert path is not None and "await rw.task(" in path.read_text()
    module = script.load_module(path)
    replay = await script.run_module(module, await browser.new_page(), {},
                                     cache=CachePlan(store=store), base_url=f"{demo_site}/v1/",
                                     env={})
    assert replay.passed, replay.error
    assert replay.resolver_calls == 0 and replay.usage.input_tokens == 0
    assert len([s for s in replay.steps if s.block == "shop"]) == 4
