"""LLM configuration: which provider and model, where, with which key, and how patiently.

Built from command-line flags, the environment and a config file, in that order of precedence:

    REPLAYWRIGHT_LLM              provider:model, e.g. openai:gpt-4.1-mini,
                                  anthropic:claude-sonnet-4-5, azure:<deployment>,
                                  ollama:llama3.1, vllm:<model>, llamacpp:<model>, lmstudio:<model>
    REPLAYWRIGHT_LLM_BASE_URL     OpenAI-compatible server (Ollama, vLLM, llama.cpp, a proxy),
                                  or the Azure endpoint
    REPLAYWRIGHT_LLM_API_KEY      the key; else OPENAI_API_KEY / ANTHROPIC_API_KEY /
                                  AZURE_OPENAI_API_KEY by provider
    REPLAYWRIGHT_LLM_API_VERSION  Azure API version (else OPENAI_API_VERSION)
    REPLAYWRIGHT_LLM_TIMEOUT      seconds per request (default 60)
    REPLAYWRIGHT_LLM_MAX_RETRIES  SDK retries on timeouts, 429 and 5xx (default 2)
    REPLAYWRIGHT_LLM_SCREENSHOT   1 to send a page screenshot with each resolution
    REPLAYWRIGHT_LLM_FALLBACK_LOCAL  1 to use the local resolver's answer when the LLM fails
    REPLAYWRIGHT_LLM_MAX_CANDIDATES  elements listed to the model (default 60)
    REPLAYWRIGHT_LLM_JSON_MODE    schema | object | off: how an OpenAI-compatible server is asked
                                  for JSON (default schema)
    REPLAYWRIGHT_LLM_PRICES       JSON price overrides, see pricing.py

The key is a `SecretStr`: it never appears in a repr, str, log line, error or report.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from replaywright.errors import FlowError

Provider = Literal["openai", "azure", "anthropic"]

#: Local OpenAI-compatible servers: spec prefix → default base URL.
LOCAL_SERVERS = {
    "ollama": "http://localhost:11434/v1",
    "vllm": "http://localhost:8000/v1",
    "llamacpp": "http://localhost:8080/v1",
    "llama.cpp": "http://localhost:8080/v1",
    "lmstudio": "http://localhost:1234/v1",
}
KEY_ENV = {"openai": "OPENAI_API_KEY", "azure": "AZURE_OPENAI_API_KEY",
           "anthropic": "ANTHROPIC_API_KEY"}
ENV_FIELDS = {  # env var → field
    "REPLAYWRIGHT_LLM_BASE_URL": "base_url",
    "REPLAYWRIGHT_LLM_API_VERSION": "api_version",
    "REPLAYWRIGHT_LLM_TIMEOUT": "timeout",
    "REPLAYWRIGHT_LLM_MAX_RETRIES": "max_retries",
    "REPLAYWRIGHT_LLM_SCREENSHOT": "screenshot",
    "REPLAYWRIGHT_LLM_FALLBACK_LOCAL": "fallback_local",
    "REPLAYWRIGHT_LLM_MAX_CANDIDATES": "max_candidates",
    "REPLAYWRIGHT_LLM_JSON_MODE": "json_mode",
    "REPLAYWRIGHT_LLM_PRICES": "prices",
}


class LLMConfigError(FlowError):
    """The LLM settings are incomplete or invalid (exit code 2 territory)."""


def parse_spec(spec: str) -> tuple[str, str, str | None]:
    """`provider:model` → (provider, model, default base URL for local servers)."""
    provider, sep, model = spec.strip().partition(":")
    provider = provider.strip().lower()
    if not sep or not model.strip():
        raise LLMConfigError(
            f"LLM spec {spec!r} must be provider:model, e.g. openai:gpt-4.1-mini, "
            "anthropic:claude-sonnet-4-5, ollama:llama3.1")
    if provider in LOCAL_SERVERS:
        return "openai", model.strip(), LOCAL_SERVERS[provider]
    if provider in {"openai", "azure", "anthropic"}:
        return provider, model.strip(), None
    raise LLMConfigError(f"unknown LLM provider {provider!r} in {spec!r}; use openai, azure, "
                         f"anthropic or one of {', '.join(sorted(LOCAL_SERVERS))}")


class LLMConfig(BaseModel):
    """Settings of one LLM resolver / agent. Build with `LLMConfig.load(...)` or directly."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: Provider = "openai"
    model: str = "gpt-4.1-mini"
    base_url: str | None = None
    api_key: SecretStr | None = Field(default=None, repr=False)
    api_version: str | None = None
    timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0)
    temperature: float | None = None  # not sent unless set: reasoning models refuse it
    max_output_tokens: int = Field(default=400, gt=0)
    max_candidates: int = Field(default=60, ge=5)
    screenshot: bool = False
    fallback_local: bool = False
    min_confidence: float = Field(default=0.3, ge=0.0, le=1.0)
    json_mode: Literal["schema", "object", "off"] = "schema"
    prices: dict[str, Any] = Field(default_factory=dict)

    @field_validator("prices", mode="before")
    @classmethod
    def _prices(cls, value: Any) -> Any:
        from replaywright.resolve.llm.pricing import parse_prices

        if isinstance(value, (str, Mapping)) or value is None:
            return {k: {"input": p.input, "output": p.output}
                    for k, p in parse_prices(value).items()}
        return value

    @property
    def spec(self) -> str:
        return f"{self.provider}:{self.model}"

    @property
    def is_local(self) -> bool:
        """An OpenAI-compatible server on this machine or network: no key needed."""
        return self.provider == "openai" and self.base_url is not None and not any(
            host in self.base_url for host in ("api.openai.com", "openai.azure.com"))

    def key(self) -> str | None:
        """The API key in clear, for handing to an SDK; never print it."""
        return self.api_key.get_secret_value() if self.api_key else None

    def __str__(self) -> str:
        where = f" at {self.base_url}" if self.base_url else ""
        return f"{self.spec}{where} (key {'set' if self.api_key else 'not set'})"

    @classmethod
    def load(cls, flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None,
             file: Path | str | Mapping[str, Any] | None = None) -> LLMConfig:
        """Settings from `flags` (CLI options, None values ignored) over the environment over
        a config file (a path to YAML/JSON, or its already-parsed dict; an `llm:` section is
        used when present).

        Recognised keys everywhere: `llm` (the provider:model spec) or `provider` + `model`,
        and every field name. A file may name the key's variable with `api_key_env` rather
        than hold the key itself.
        """
        env = os.environ if env is None else env
        merged: dict[str, Any] = {}
        for layer in (_file_layer(file, env), _env_layer(env),
                      {k: v for k, v in (flags or {}).items() if v is not None}):
            merged.update(_normalise(layer))
        provider = merged.get("provider", "openai")
        if "api_key" not in merged:
            key = env.get("REPLAYWRIGHT_LLM_API_KEY") or env.get(KEY_ENV.get(provider, ""))
            if key:
                merged["api_key"] = key
        if provider == "azure" and "api_version" not in merged and env.get("OPENAI_API_VERSION"):
            merged["api_version"] = env["OPENAI_API_VERSION"]
        try:
            return cls(**merged)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'llm'}: {e['msg']}"
                                 for e in exc.errors())
            raise LLMConfigError(f"invalid LLM settings: {problems}") from None

    def check(self) -> LLMConfig:
        """Raise LLMConfigError when the settings cannot work (e.g. a hosted API without key)."""
        if self.api_key is None and not self.is_local:
            var = KEY_ENV[self.provider]
            raise LLMConfigError(f"{self.spec} needs an API key: set {var} or "
                                 "REPLAYWRIGHT_LLM_API_KEY")
        if self.provider == "azure" and not self.base_url:
            raise LLMConfigError("azure needs the endpoint: set REPLAYWRIGHT_LLM_BASE_URL "
                                 "(https://<resource>.openai.azure.com)")
        if self.provider == "azure" and not self.api_version:
            raise LLMConfigError("azure needs an API version: set REPLAYWRIGHT_LLM_API_VERSION")
        return self


def _normalise(layer: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(layer)
    spec = out.pop("llm", None) or out.pop("spec", None)
    if spec:
        provider, model, base_url = parse_spec(str(spec))
        out.setdefault("provider", provider)
        out.setdefault("model", model)
        if base_url:
            out.setdefault("base_url", base_url)
    return out


def _env_layer(env: Mapping[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    if env.get("REPLAYWRIGHT_LLM"):
        layer["llm"] = env["REPLAYWRIGHT_LLM"]
    for var, name in ENV_FIELDS.items():
        value = env.get(var)
        if value not in (None, ""):
            layer[name] = _flag(value) if name in {"screenshot", "fallback_local"} else value
    return layer


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _file_layer(file: Path | str | Mapping[str, Any] | None,
                env: Mapping[str, str]) -> dict[str, Any]:
    if file is None:
        return {}
    if isinstance(file, Mapping):
        data: Any = dict(file)
    else:
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise LLMConfigError(f"cannot read LLM config {path}: {exc.strerror}") from None
        try:
            if path.suffix == ".json":
                data = json.loads(text)
            else:
                import yaml

                data = yaml.safe_load(text) or {}
        except Exception as exc:
            raise LLMConfigError(f"cannot parse LLM config {path}: {exc}") from None
    if isinstance(data, Mapping) and isinstance(data.get("llm"), Mapping):
        data = dict(data["llm"])
    if not isinstance(data, Mapping):
        raise LLMConfigError("the LLM config must be a mapping")
    data = dict(data)
    key_var = data.pop("api_key_env", None)
    if key_var and env.get(str(key_var)):
        data["api_key"] = env[str(key_var)]
    return data
