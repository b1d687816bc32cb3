"""LLMConfig from flags / env / file, and keys that never show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replaywright.resolve.llm import (
    LLMConfig,
    LLMConfigError,
    LLMError,
    agent_from_config,
    llm_from_config,
    resolver_from_config,
)
from replaywright.resolve.llm.client import scrub

KEY = "sk-proj-SECRET-abcdef0123456789"


def test_env_spec_base_url_and_key_by_provider() -> None:
    cfg = LLMConfig.load(env={"REPLAYWRIGHT_LLM": "openai:gpt-4.1-mini", "OPENAI_API_KEY": KEY,
                              "REPLAYWRIGHT_LLM_TIMEOUT": "12.5",
                              "REPLAYWRIGHT_LLM_MAX_RETRIES": "4",
                              "REPLAYWRIGHT_LLM_FALLBACK_LOCAL": "1"})
    assert (cfg.provider, cfg.model, cfg.timeout, cfg.max_retries) == (
        "openai", "gpt-4.1-mini", 12.5, 4)
    assert cfg.fallback_local and not cfg.screenshot
    assert cfg.key() == KEY
    anthropic = LLMConfig.load(env={"REPLAYWRIGHT_LLM": "anthropic:claude-haiku-4-5",
                                    "OPENAI_API_KEY": KEY, "ANTHROPIC_API_KEY": "sk-ant-other"})
    assert anthropic.provider == "anthropic" and anthropic.key() == "sk-ant-other"
    generic = LLMConfig.load(env={"REPLAYWRIGHT_LLM": "anthropic:claude-haiku-4-5",
                                  "REPLAYWRIGHT_LLM_API_KEY": "rk", "ANTHROPIC_API_KEY": "ak"})
    assert generic.key() == "rk"


def test_local_servers_need_no_key_and_get_a_base_url() -> None:
    cfg = LLMConfig.load(env={"REPLAYWRIGHT_LLM": "ollama:llama3.1"})
    assert (cfg.provider, cfg.model, cfg.base_url) == ("openai", "llama3.1",
                                                      "http://localhost:11434/v1")
    assert cfg.is_local and cfg.check() is cfg
    vllm = LLMConfig.load(env={"REPLAYWRIGHT_LLM": "openai:Qwen/Qwen2.5-7B-Instruct",
                               "REPLAYWRIGHT_LLM_BASE_URL": "http://gpu-box:8000/v1"})
    assert vllm.is_local and vllm.model == "Qwen/Qwen2.5-7B-Instruct"
    assert repr(llm_from_config(vllm)).startswith("OpenAIClient(openai:Qwen")


def test_precedence_flags_over_env_over_file(tmp_path: Path) -> None:
    file = tmp_path / "replaywright.yaml"
    file.write_text("llm:\n  llm: anthropic:claude-haiku-4-5\n  timeout: 30\n"
                    "  max_candidates: 40\n  api_key_env: MY_KEY\n")
    env = {"MY_KEY": KEY, "REPLAYWRIGHT_LLM_TIMEOUT": "20"}
    cfg = LLMConfig.load(env=env, file=file)
    assert (cfg.spec, cfg.timeout, cfg.max_candidates, cfg.key()) == (
        "anthropic:claude-haiku-4-5", 20.0, 40, KEY)
    cfg = LLMConfig.load(flags={"timeout": 5, "llm": "openai:gpt-4.1", "screenshot": None},
                         env={**env, "OPENAI_API_KEY": "sk-flagged-provider"}, file=file)
    assert (cfg.spec, cfg.timeout, cfg.key()) == ("openai:gpt-4.1", 5.0, KEY)
    as_json = tmp_path / "llm.json"
    as_json.write_text(json.dumps({"provider": "openai", "model": "gpt-4o-mini"}))
    assert LLMConfig.load(env={}, file=as_json).spec == "openai:gpt-4o-mini"


@pytest.mark.parametrize(("env", "problem"), [
    ({"REPLAYWRIGHT_LLM": "gpt-4.1-mini"}, "must be provider:model"),
    ({"REPLAYWRIGHT_LLM": "cohere:command"}, "unknown LLM provider 'cohere'"),
    ({"REPLAYWRIGHT_LLM": "openai:gpt-4.1", "REPLAYWRIGHT_LLM_TIMEOUT": "soon"}, "timeout"),
    ({"REPLAYWRIGHT_LLM": "openai:gpt-4.1", "REPLAYWRIGHT_LLM_PRICES": "{bad"}, "not valid JSON"),
])
def test_bad_settings_are_clear_errors(env: dict, problem: str) -> None:
    with pytest.raises(LLMConfigError, match=problem):
        LLMConfig.load(env=env)


def test_hosted_api_without_key_is_refused_with_the_variable_to_set() -> None:
    with pytest.raises(LLMConfigError, match="set ANTHROPIC_API_KEY or REPLAYWRIGHT_LLM_API_KEY"):
        llm_from_config(LLMConfig.load(env={"REPLAYWRIGHT_LLM": "anthropic:claude-haiku-4-5"}))
    with pytest.raises(LLMConfigError, match="API version"):
        LLMConfig.load(env={"REPLAYWRIGHT_LLM": "azure:my-deploy", "AZURE_OPENAI_API_KEY": KEY,
                            "REPLAYWRIGHT_LLM_BASE_URL": "https://x.openai.azure.com"}).check()


def test_the_key_never_shows_in_reprs_strings_or_dumps() -> None:
    for spec in ("openai:gpt-4.1-mini", "anthropic:claude-haiku-4-5"):
        cfg = LLMConfig.load(env={"REPLAYWRIGHT_LLM": spec, "REPLAYWRIGHT_LLM_API_KEY": KEY})
        client = llm_from_config(cfg)
        shown = [repr(cfg), str(cfg), cfg.model_dump_json(), str(cfg.model_dump()),
                 repr(client), repr(resolver_from_config(cfg)), repr(agent_from_config(cfg))]
        for text in shown:
            assert KEY not in text, text
        assert "key set" in str(cfg)
    azure = LLMConfig.load(env={"REPLAYWRIGHT_LLM": "azure:my-deploy", "AZURE_OPENAI_API_KEY": KEY,
                                "REPLAYWRIGHT_LLM_BASE_URL": "https://x.openai.azure.com",
                                "REPLAYWRIGHT_LLM_API_VERSION": "2024-10-21"})
    assert KEY not in repr(llm_from_config(azure))


def test_errors_scrub_keys_and_key_like_tokens() -> None:
    text = scrub(f"failed with {KEY} and Incorrect API key provided: sk-abc***********wxyz.", KEY)
    assert KEY not in text and "sk-abc" not in text and "[redacted]" in text
    error = LLMError(text)
    assert KEY not in repr(error) and KEY not in str(error)
