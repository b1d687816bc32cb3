"""Agent mode on the real demo shop, driven by recorded answers; and the decision checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from replaywright.browser.actions import perform, settle
from replaywright.browser.launch import BrowserSession
from replaywright.browser.snapshot import take_snapshot
from replaywright.flow.intent import parse_step
from replaywright.resolve.llm import AgentDecision, LLMConfig, LLMError, agent_from_config
from replaywright.resolve.local import LocalResolver
from tests.resolve.llm.llm_replay import login_snapshot, recording

KEY = "sk-test-agent-DO-NOT-LEAK-42424242"
GOAL = "log in as alice with password secret and add the Blue Mug to the cart"


def agent_for(name: str, **settings):
    rec = recording(name, key=KEY)
    settings = {"timeout": 2.0, "max_retries": 0, **settings}
    config = LLMConfig(provider="openai", model="gpt-4.1-mini", api_key=KEY, **settings)
    return agent_from_config(config, http_client=rec.client()), rec


@pytest.mark.browser
async def test_agent_reaches_the_goal_on_the_demo_shop(browser: BrowserSession,
                                                       demo_site: str) -> None:
    agent, rec = agent_for("agent_login_add_to_cart")
    page = await browser.new_page()
    await page.goto(f"{demo_site}/v1/index.html")
    history: list[str] = []
    decisions: list[AgentDecision] = []
    for _ in range(8):  # max_steps
        snapshot = await take_snapshot(page)
        decision = await agent.decide(GOAL, snapshot, history)
        decisions.append(decision)
        if decision.done:
            break
        assert decision.step is not None and decision.element is not None
        intent = parse_step(decision.step)  # a plain replaywright step
        element = snapshot.elements[decision.element]
        await perform(page, await element.handle(), intent, timeout=5, base_dir=Path.cwd())
        history.append(decision.step)
    assert decisions[-1].done
    assert history == ['Type "alice" into the Username field',
                       'Type "secret" into the Password field',
                       "Click the Sign in button",
                       'Click the Add to cart button in the row with "Blue Mug"']
    rec.assert_all_used()
    assert "Welcome, alice" in await page.inner_text("body")
    assert await page.inner_text("#cart-link") == "Cart (1)"
    total = sum((d.usage for d in decisions), start=decisions[0].usage.model_copy(
        update={"calls": 0, "input_tokens": 0, "output_tokens": 0, "cost_usd": 0.0}))
    assert (total.calls, total.input_tokens, total.output_tokens) == (5, 5180, 211)
    assert total.cost_usd > 0
    for sent in rec.sent:
        assert KEY not in sent.text

    # The recorded steps replay with no LLM at all: the local resolver reads them.
    page = await browser.new_page()
    await page.goto(f"{demo_site}/v1/index.html")
    local = LocalResolver()
    for step in history:
        intent = parse_step(step)
        resolution = await local.resolve(intent, await take_snapshot(page))
        await perform(page, await resolution.element.handle(), intent, timeout=5,
                      base_dir=Path.cwd())
    await settle(page)
    assert await page.inner_text("#cart-link") == "Cart (1)"


async def test_an_unparseable_step_is_sent_back_once_then_accepted() -> None:
    agent, rec = agent_for("agent_invalid_step_then_ok")
    decision = await agent.decide("sign in", login_snapshot(), [])
    assert decision == AgentDecision(done=False, step="Click the Sign in button", element=6,
                                     reason="Sign in.", usage=decision.usage)
    assert decision.usage.calls == 2
    assert decision.intent is not None and decision.intent.target == "the Sign in button"
    rec.assert_all_used()
    system = rec.sent[0].body["messages"][0]["content"]
    assert 'Type "alice" into the Username field' in system  # the accepted phrasings


async def test_the_timeout_error_reaches_the_caller() -> None:
    agent, rec = agent_for("openai_timeout", max_retries=1)
    with pytest.raises(LLMError, match="no answer within 2s"):
        await agent.decide("sign in", login_snapshot(), [])
    assert len(rec.sent) == 2
