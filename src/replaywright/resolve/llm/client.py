"""One small interface over the providers' official SDKs.

`LLMClient.complete(system, turns, schema)` sends a conversation and asks for one JSON object
that fits `schema`; it returns the answer's text, a refusal if the model refused, and the
usage (tokens and estimated cost). OpenAI-compatible servers get `response_format` with a JSON
schema (or `json_object`, or nothing, per `LLMConfig.json_mode`); Anthropic gets a forced tool
call whose input is the answer. Retries on timeouts, 429 (honouring `retry-after`) and 5xx
are the SDK's own, set by `LLMConfig.max_retries`.

Every SDK error becomes an `LLMError` whose message names the model and the problem and never
the key (nor anything the server echoed back that looks like one).
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from replaywright.errors import ReplaywrightError
from replaywright.model import Usage
from replaywright.resolve.llm.config import LLMConfig
from replaywright.resolve.llm.pricing import cost, price_for, price_table

log = logging.getLogger(__name__)
_UNPRICED_WARNED: set[str] = set()

_KEYLIKE = re.compile(r"\b(sk|sk-ant|sk-proj|ak|key)[-_][A-Za-z0-9_\-*.]{6,}")


class LLMError(ReplaywrightError):
    """The model could not be asked: timeout, rate limit, bad key, unreachable server, ...

    Not a StepFailed: asking again straight away would not help (and would cost money)."""

    def __init__(self, message: str, *, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or Usage()


@dataclass
class Turn:
    """One message. `call_id` ties an assistant answer to the provider's tool call, and a
    user correction to that call (Anthropic needs both halves)."""

    role: Literal["user", "assistant"]
    text: str
    images: list[bytes] = field(default_factory=list)
    call_id: str | None = None


@dataclass
class Schema:
    """The JSON answer asked for: a name and a JSON schema (strict-compatible)."""

    name: str
    json_schema: dict[str, Any]
    description: str = ""


@dataclass
class Reply:
    text: str
    usage: Usage
    refusal: str | None = None
    call_id: str | None = None
    finish_reason: str = ""


class LLMClient(Protocol):
    """What the resolver and the agent need from a provider."""

    config: LLMConfig

    @property
    def spec(self) -> str: ...

    async def complete(self, system: str, turns: list[Turn], schema: Schema) -> Reply: ...

    async def aclose(self) -> None: ...


def scrub(text: str, *secrets: str | None) -> str:
    """`text` without any of `secrets` and without key-looking tokens."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return _KEYLIKE.sub("[redacted]", text)


class _Base:
    def __init__(self, config: LLMConfig) -> None:
        self.config = config

    @property
    def spec(self) -> str:
        return self.config.spec

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config})"

    def _usage(self, input_tokens: int, output_tokens: int) -> Usage:
        if not self.config.is_local and self.config.model not in _UNPRICED_WARNED and price_for(
                self.config.model, price_table(self.config.prices)) is None:
            _UNPRICED_WARNED.add(self.config.model)
            log.warning("no price known for %s: costs count as 0; set REPLAYWRIGHT_LLM_PRICES",
                        self.config.model)
        return Usage(calls=1, input_tokens=input_tokens, output_tokens=output_tokens,
                     cost_usd=round(cost(self.config.model, input_tokens, output_tokens,
                                         self.config.prices), 8))

    def _attempts(self) -> str:
        n = self.config.max_retries + 1
        return f"{n} attempt{'s' if n != 1 else ''}"

    def _error(self, exc: Exception, sdk: Any) -> LLMError:
        """A clear, key-free message for an SDK exception."""
        cfg, key = self.config, self.config.key()
        who = cfg.spec + (f" at {cfg.base_url}" if cfg.base_url else "")
        if isinstance(exc, sdk.APITimeoutError):
            msg = (f"{who}: no answer within {cfg.timeout:g}s ({self._attempts()}); "
                   "raise REPLAYWRIGHT_LLM_TIMEOUT or check the server")
        elif isinstance(exc, sdk.APIConnectionError):
            msg = f"{who}: cannot connect ({self._attempts()}); check the base URL and network"
        elif isinstance(exc, sdk.AuthenticationError):
            msg = (f"{who}: the API key was rejected (HTTP 401); check "
                   f"REPLAYWRIGHT_LLM_API_KEY or the provider's key variable")
        elif isinstance(exc, sdk.PermissionDeniedError):
            msg = f"{who}: permission denied (HTTP 403) for this key or model"
        elif isinstance(exc, sdk.RateLimitError):
            msg = (f"{who}: rate limited (HTTP 429) after {self._attempts()}: "
                   f"{_server_message(exc)}; raise REPLAYWRIGHT_LLM_MAX_RETRIES or wait")
        elif isinstance(exc, sdk.NotFoundError):
            msg = f"{who}: model or endpoint not found (HTTP 404): {_server_message(exc)}"
        elif isinstance(exc, sdk.APIStatusError):
            msg = f"{who}: HTTP {exc.status_code}: {_server_message(exc)}"
        else:
            msg = f"{who}: {type(exc).__name__}: {exc}"
        return LLMError(scrub(msg, key))


def _server_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:300]
    return str(getattr(exc, "message", "") or exc)[:300]


def _sdk(name: str) -> Any:
    """The provider's official SDK module, with a clear error when the extra is missing."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ReplaywrightError(f"the {name} package is missing: pip install "
                                "'replaywright[llm]'") from exc


class OpenAIClient(_Base):
    """OpenAI, Azure OpenAI and OpenAI-compatible servers, through the `openai` SDK."""

    def __init__(self, config: LLMConfig, http_client: Any = None) -> None:
        super().__init__(config)
        self._sdk = _sdk("openai")
        common: dict[str, Any] = {"timeout": config.timeout, "max_retries": config.max_retries}
        if http_client is not None:
            common["http_client"] = http_client
        key = config.key() or "not-needed"  # local servers accept any key
        if config.provider == "azure":
            self._client = self._sdk.AsyncAzureOpenAI(
                api_key=key, azure_endpoint=config.base_url, api_version=config.api_version,
                azure_deployment=config.model, **common)
        else:
            self._client = self._sdk.AsyncOpenAI(api_key=key, base_url=config.base_url, **common)

    async def aclose(self) -> None:
        await self._client.close()

    def _messages(self, system: str, turns: list[Turn]) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = [{"role": "system", "content": system}]
        for turn in turns:
            if turn.images and turn.role == "user":
                content: Any = [{"type": "text", "text": turn.text}] + [
                    {"type": "image_url", "image_url": {
                        "url": "data:image/jpeg;base64," + base64.b64encode(img).decode()}}
                    for img in turn.images]
            else:
                content = turn.text
            messages.append({"role": turn.role, "content": content})
        return messages

    def _format(self, schema: Schema) -> dict[str, Any] | None:
        mode = self.config.json_mode
        if mode == "schema":
            return {"type": "json_schema", "json_schema": {
                "name": schema.name, "schema": schema.json_schema, "strict": True}}
        if mode == "object":
            return {"type": "json_object"}
        return None

    async def complete(self, system: str, turns: list[Turn], schema: Schema) -> Reply:
        cfg = self.config
        kwargs: dict[str, Any] = {"model": cfg.model, "messages": self._messages(system, turns),
                                  "max_completion_tokens": cfg.max_output_tokens}
        if cfg.temperature is not None:
            kwargs["temperature"] = cfg.temperature
        if (fmt := self._format(schema)) is not None:
            kwargs["response_format"] = fmt
        try:
            response = await self._client.chat.completions.create(**kwargs)
        except self._sdk.OpenAIError as exc:
            raise self._error(exc, self._sdk) from None
        usage = response.usage
        spent = self._usage(usage.prompt_tokens if usage else 0,
                            usage.completion_tokens if usage else 0)
        if not response.choices:
            raise LLMError(f"{cfg.spec}: the answer has no choices", usage=spent)
        choice = response.choices[0]
        message = choice.message
        refusal = getattr(message, "refusal", None)
        if not refusal and choice.finish_reason == "content_filter":
            refusal = "the provider's content filter stopped the answer"
        return Reply(text=message.content or "", usage=spent, refusal=refusal,
                     finish_reason=choice.finish_reason or "")


class AnthropicClient(_Base):
    """Anthropic's Messages API through the `anthropic` SDK; the answer is a forced tool call."""

    def __init__(self, config: LLMConfig, http_client: Any = None) -> None:
        super().__init__(config)
        self._sdk = _sdk("anthropic")
        kwargs: dict[str, Any] = {"api_key": config.key(), "timeout": config.timeout,
                                  "max_retries": config.max_retries}
        if config.base_url:
            kwargs["base_url"] = config.base_url
        if http_client is not None:
            kwargs["http_client"] = http_client
        self._client = self._sdk.AsyncAnthropic(**kwargs)

    async def aclose(self) -> None:
        await self._client.close()

    @staticmethod
    def _content(turn: Turn, schema: Schema) -> Any:
        if turn.role == "assistant" and turn.call_id:
            try:
                payload = json.loads(turn.text)
            except json.JSONDecodeError:
                payload = None
            if isinstance(payload, dict):
                return [{"type": "tool_use", "id": turn.call_id, "name": schema.name,
                         "input": payload}]
            return turn.text or "(no answer)"
        if turn.role == "user" and turn.call_id:
            return [{"type": "tool_result", "tool_use_id": turn.call_id, "is_error": True,
                     "content": turn.text}]
        if turn.images:
            return [{"type": "text", "text": turn.text}] + [
                {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg",
                                             "data": base64.b64encode(img).decode()}}
                for img in turn.images]
        return turn.text

    async def complete(self, system: str, turns: list[Turn], schema: Schema) -> Reply:
        cfg = self.config
        tool = {"name": schema.name, "description": schema.description or "Give the answer.",
                "input_schema": schema.json_schema}
        messages = [{"role": t.role, "content": self._content(t, schema)} for t in turns]
        try:
            response = await self._client.messages.create(
                model=cfg.model, system=system, messages=messages, tools=[tool],
                tool_choice={"type": "tool", "name": schema.name},
                max_tokens=cfg.max_output_tokens)
        except self._sdk.AnthropicError as exc:
            raise self._error(exc, self._sdk) from None
        spent = self._usage(response.usage.input_tokens, response.usage.output_tokens)
        if response.stop_reason == "refusal":
            said = " ".join(b.text for b in response.content if b.type == "text").strip()
            return Reply(text="", usage=spent, refusal=said or "the model declined to answer",
                         finish_reason="refusal")
        for block in response.content:
            if block.type == "tool_use":
                return Reply(text=json.dumps(block.input), usage=spent, call_id=block.id,
                             finish_reason=response.stop_reason or "")
        text = " ".join(b.text for b in response.content if b.type == "text")
        return Reply(text=text, usage=spent, finish_reason=response.stop_reason or "")


def llm_from_config(config: LLMConfig, *, http_client: Any = None) -> LLMClient:
    """The client for `config` (checked: a hosted API needs a key). `http_client` is an
    `httpx`/`httpx2` AsyncClient to send requests through (tests, proxies)."""
    config.check()
    if config.provider == "anthropic":
        return AnthropicClient(config, http_client)
    return OpenAIClient(config, http_client)
