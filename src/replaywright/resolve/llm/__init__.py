"""LLM resolvers and agent mode, with cost accounting.

    cfg = LLMConfig.load(flags={"llm": "openai:gpt-4.1-mini"})   # + env + config file
    resolver = resolver_from_config(cfg)      # a Resolver: await resolver.resolve(intent, snap)
    agent = agent_from_config(cfg)            # await agent.decide(goal, snap, history)
    cost("gpt-4.1-mini", input_tokens, output_tokens)

Providers: OpenAI-compatible chat completions (OpenAI, Azure, Ollama, vLLM, llama.cpp, ...)
through the `openai` SDK, and Anthropic through the `anthropic` SDK (`pip install
'replaywright[llm]'`). See `config.py` for the environment variables.
"""

from __future__ import annotations

from typing import Any

from replaywright.resolve.llm.agent import Agent, AgentDecision
from replaywright.resolve.llm.ask import LLMStepFailed
from replaywright.resolve.llm.client import (
    AnthropicClient,
    LLMClient,
    LLMError,
    OpenAIClient,
    Reply,
    Schema,
    Turn,
    llm_from_config,
)
from replaywright.resolve.llm.config import LLMConfig, LLMConfigError
from replaywright.resolve.llm.pricing import PRICES, Price, cost, price_for, price_table
from replaywright.resolve.llm.resolver import LLMResolver, StepAnswer


def resolver_from_config(config: LLMConfig, *, http_client: Any = None) -> LLMResolver:
    """An LLMResolver for `config` (screenshot, fallback and candidate limits from it)."""
    return LLMResolver(llm_from_config(config, http_client=http_client))


def agent_from_config(config: LLMConfig, *, http_client: Any = None) -> Agent:
    """An Agent for `config`."""
    return Agent(llm_from_config(config, http_client=http_client))


__all__ = [
    "PRICES",
    "Agent",
    "AgentDecision",
    "AnthropicClient",
    "LLMClient",
    "LLMConfig",
    "LLMConfigError",
    "LLMError",
    "LLMResolver",
    "LLMStepFailed",
    "OpenAIClient",
    "Price",
    "Reply",
    "Schema",
    "StepAnswer",
    "Turn",
    "agent_from_config",
    "cost",
    "llm_from_config",
    "price_for",
    "price_table",
    "resolver_from_config",
]
