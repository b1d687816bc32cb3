"""LLMResolver through the real OpenAI and Anthropic SDKs, over recorded HTTP exchanges."""

from __future__ import annotations

import time

import pytest

from replaywright.errors import StepFailed
from replaywright.flow.intent import parse_step
from replaywright.resolve.llm import (
    LLMConfig,
    LLMError,
    LLMResolver,
    LLMStepFailed,
    cost,
    resolver_from_config,
)
from tests.resolve.llm.llm_replay import Recording, login_snapshot, recording

KEYS = {"openai": "sk-test-DO-NOT-LEAK-0123456789abcdef",
        "anthropic": "sk-ant-test-DO-NOT-LEAK-fedcba9876543210"}
MODELS = {"openai": "gpt-4.1-mini", "anthropic": "claude-haiku-4-5"}
PROVIDERS = ["openai", "anthropic"]
SIGN_IN = parse_step("Click the Sign in button")


def make(provider: str, name: str, **settings) -> tuple[LLMResolver, Recording]:
    rec = recording(f"{provider}_{name}", key=KEYS[provider], legacy_httpx=settings.pop(
        "legacy_httpx", False))
    config = LLMConfig(provider=provider, model=MODELS[provider], api_key=KEYS[provider],
                       timeout=2.0, max_retries=1, temperature=0.0, **settings)
    return resolver_from_config(config, http_client=rec.client()), rec


def assert_key_only_in_headers(provider: str, rec: Recording) -> None:
    for sent in rec.sent:
        assert KEYS[provider] not in sent.text
        headers = " ".join(sent.headers.values())
        assert KEYS[provider] in headers  # authenticated, through a header


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_correct_answer(provider: str) -> None:
    resolver, rec = make(provider, "resolve_ok")
    snapshot = login_snapshot()
    resolution = await resolver.resolve(SIGN_IN, snapshot)
    assert resolution.element is snapshot.elements[6]
    assert resolution.confidence == pytest.approx(0.96)
    assert "Sign in" in resolution.reason
    tokens_in, tokens_out = (612, 38) if provider == "openai" else (702, 64)
    assert (resolution.usage.calls, resolution.usage.input_tokens,
            resolution.usage.output_tokens) == (1, tokens_in, tokens_out)
    assert resolution.usage.cost_usd == pytest.approx(
        cost(MODELS[provider], tokens_in, tokens_out), abs=1e-6)
    assert resolution.usage.cost_usd > 0
    rec.assert_all_used()
    assert_key_only_in_headers(provider, rec)
    body = rec.sent[0].body
    prompt = rec.sent[0].prompt()
    assert "[7] link \"Help\"" in prompt and "Elements:" in prompt  # the numbered list
    if provider == "openai":
        assert body["model"] == "gpt-4.1-mini"
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["strict"] is True
        assert body["temperature"] == 0
        assert body["messages"][0]["role"] == "system"
    else:
        assert body["tool_choice"] == {"type": "tool", "name": "answer"}
        assert body["tools"][0]["input_schema"]["required"] == [
            "element", "action", "value", "confidence", "reason"]
        assert "element resolver" in body["system"]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_invalid_answer_is_retried_once_with_the_validation_error(provider: str) -> None:
    resolver, rec = make(provider, "resolve_invalid_then_ok")
    snapshot = login_snapshot()
    resolution = await resolver.resolve(SIGN_IN, snapshot)
    assert resolution.element.fingerprint.id == "signin"
    assert resolution.usage.calls == 2
    first_in = 612 if provider == "openai" else 702
    second_in = 700 if provider == "openai" else 790
    assert resolution.usage.input_tokens == first_in + second_in
    rec.assert_all_used()
    retry = rec.sent[1].body["messages"]
    assert [m["role"] for m in retry] [-3:] == ["user", "assistant", "user"]
    if provider == "anthropic":  # the correction answers the tool call it corrects
        assert retry[-2]["content"][0]["type"] == "tool_use"
        assert retry[-1]["content"][0]["type"] == "tool_result"
        assert retry[-1]["content"][0]["tool_use_id"] == retry[-2]["content"][0]["id"]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_refusal_fails_the_step_clearly(provider: str) -> None:
    resolver, rec = make(provider, "refusal")
    with pytest.raises(StepFailed, match=r"refused to give the element for the step") as info:
        await resolver.resolve(SIGN_IN, login_snapshot())
    assert isinstance(info.value, LLMStepFailed)
    assert info.value.usage.calls == 1
    assert MODELS[provider] in str(info.value)
    assert len(rec.sent) == 1  # a refusal is not retried


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_timeout_honours_sdk_retries_and_says_so(provider: str) -> None:
    resolver, rec = make(provider, "timeout")
    started = time.monotonic()
    with pytest.raises(LLMError) as info:
        await resolver.resolve(SIGN_IN, login_snapshot())
    assert time.monotonic() - started < 3.0
    assert len(rec.sent) == 2  # max_retries=1: the first try and one retry
    message = str(info.value)
    assert "no answer within 2s (2 attempts)" in message
    assert f"{provider}:{MODELS[provider]}" in message
    assert KEYS[provider] not in message and KEYS[provider] not in repr(info.value)
    assert not isinstance(info.value, StepFailed)  # the engine should not poll a paid call


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_rate_limit_backs_off_by_retry_after_then_succeeds(provider: str) -> None:
    resolver, rec = make(provider, "429_then_ok")
    resolution = await resolver.resolve(SIGN_IN, login_snapshot())
    assert resolution.element.fingerprint.id == "signin"
    rec.assert_all_used()
    waited = rec.sent[1].at - rec.sent[0].at
    assert 0.25 <= waited < 1.5  # retry-after: 0.25, not the SDK's default backoff
    assert resolution.usage.calls == 1  # the 429 produced no tokens


async def test_rate_limit_exhausted_is_a_clear_error() -> None:
    resolver, rec = make("openai", "429_exhausted")
    with pytest.raises(LLMError, match=r"rate limited \(HTTP 429\) after 2 attempts"):
        await resolver.resolve(SIGN_IN, login_snapshot())
    assert len(rec.sent) == 2


async def test_rejected_key_error_does_not_echo_the_key() -> None:
    resolver, _ = make("openai", "bad_key")
    with pytest.raises(LLMError) as info:
        await resolver.resolve(SIGN_IN, login_snapshot())
    text = f"{info.value} {info.value!r}"
    assert "API key was rejected (HTTP 401)" in text
    assert "sk-test" not in text and "1234" not in text


async def test_no_element_fails_or_falls_back_to_local_when_configured() -> None:
    resolver, _ = make("openai", "no_element")
    with pytest.raises(StepFailed, match="found no element matching 'the Sign in button'"):
        await resolver.resolve(SIGN_IN, login_snapshot())

    resolver, _ = make("openai", "no_element", fallback_local=True)
    resolution = await resolver.resolve(SIGN_IN, login_snapshot())
    assert resolution.element.fingerprint.id == "signin"
    assert "used the local resolver instead" in resolution.reason
    assert resolution.usage.calls == 1 and resolution.usage.input_tokens == 612


async def test_long_pages_are_cut_to_the_most_plausible_candidates() -> None:
    resolver, rec = make("openai", "resolve_ok")
    snapshot = login_snapshot(extra=200)
    resolution = await resolver.resolve(SIGN_IN, snapshot)
    assert resolution.element.fingerprint.id == "signin"
    prompt = rec.sent[0].prompt()
    listed = [line for line in prompt.splitlines() if line.startswith("[")]
    assert len(listed) == 60
    assert "Elements (60 of 208 shown):" in prompt
    ids = [int(line[1:line.index("]")]) for line in listed]
    assert ids == sorted(ids)  # page order


async def test_healing_sends_the_old_elements_description() -> None:
    resolver, rec = make("openai", "resolve_ok")
    snapshot = login_snapshot()
    hint = snapshot.elements[6].fingerprint.model_copy(update={"accessible_name": "Log in",
                                                               "text": "Log in"})
    await resolver.resolve(SIGN_IN, snapshot, hint=hint)
    assert 'This step used to act on: button "Log in" id="signin"' in rec.sent[0].prompt()


async def test_openai_sdk_accepts_a_plain_httpx_client() -> None:
    resolver, rec = make("openai", "resolve_ok", legacy_httpx=True)
    resolution = await resolver.resolve(SIGN_IN, login_snapshot())
    assert resolution.element.fingerprint.id == "signin"
    rec.assert_all_used()


@pytest.mark.browser
async def test_real_page_with_a_screenshot(browser, demo_site: str) -> None:
    from pathlib import Path

    from replaywright.browser.actions import perform
    from replaywright.browser.snapshot import take_snapshot

    resolver, rec = make("openai", "products_row_screenshot", screenshot=True)
    page = await browser.new_page()
    await page.goto(f"{demo_site}/v1/products.html")
    intent = parse_step('Click the Add to cart button in the row with "Blue Mug"')
    resolution = await resolver.resolve(intent, await take_snapshot(page))
    assert resolution.element.fingerprint.id == "add-blue-mug"
    content = rec.sent[0].body["messages"][1]["content"]
    assert [part["type"] for part in content] == ["text", "image_url"]
    await perform(page, await resolution.element.handle(), intent, timeout=5, base_dir=Path.cwd())
    assert await page.inner_text("#cart-link") == "Cart (1)"


async def test_azure_deployment() -> None:
    rec = recording("azure_resolve_ok", key=KEYS["openai"])
    config = LLMConfig(provider="azure", model="rw-mini", api_key=KEYS["openai"],
                       base_url="https://rw.openai.azure.com", api_version="2024-10-21")
    resolver = resolver_from_config(config, http_client=rec.client())
    resolution = await resolver.resolve(SIGN_IN, login_snapshot())
    assert resolution.element.fingerprint.id == "signin"
    assert rec.sent[0].headers["api-key"] == KEYS["openai"]
    assert KEYS["openai"] not in rec.sent[0].text


async def test_local_openai_compatible_server_in_json_object_mode() -> None:
    rec = recording("ollama_resolve_ok")
    config = LLMConfig.load(env={"REPLAYWRIGHT_LLM": "ollama:llama3.1:8b",
                                 "REPLAYWRIGHT_LLM_JSON_MODE": "object"})
    resolver = resolver_from_config(config, http_client=rec.client())
    resolution = await resolver.resolve(SIGN_IN, login_snapshot())  # a fenced JSON answer
    assert resolution.element.fingerprint.id == "signin"
    assert rec.sent[0].body["response_format"] == {"type": "json_object"}
    assert resolution.usage.calls == 1 and resolution.usage.cost_usd == 0.0
    assert resolver.name == "llm:openai:llama3.1:8b"
