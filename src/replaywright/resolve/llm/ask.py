"""Ask for one structured answer; on an invalid answer, ask once more with the error."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from replaywright.errors import StepFailed
from replaywright.model import Usage
from replaywright.resolve.llm.client import LLMClient, LLMError, Reply, Schema, Turn

T = TypeVar("T", bound=BaseModel)

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.IGNORECASE)


class LLMStepFailed(StepFailed):
    """The model answered but gave no usable element (refusal, none fits, unsure). Carries
    what the attempt cost, so the engine can account for failed steps too."""

    def __init__(self, message: str, *, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or Usage()


class InvalidAnswer(ValueError):
    """Raised by a validator: the message goes back to the model verbatim."""


def strict(model: type[BaseModel]) -> dict:
    """A JSON schema in the strict form OpenAI structured outputs accept: every property
    required (optional ones are nullable), no extra properties, no defaults or titles."""
    schema = model.model_json_schema()

    def clean(node: object) -> None:
        if isinstance(node, dict):
            for noise in ("title", "default"):
                node.pop(noise, None)
            if "anyOf" in node:  # Optional[X] → {"type": [X, "null"]}
                types = [opt.get("type") for opt in node["anyOf"]]
                if all(isinstance(t, str) for t in types):
                    node.pop("anyOf")
                    node["type"] = types
            if node.get("type") == "object":
                node["additionalProperties"] = False
                node["required"] = list(node.get("properties", {}))
            for value in node.values():
                clean(value)

    clean(schema)
    return schema


def parse_json(text: str) -> object:
    """The JSON object in an answer, tolerating code fences and prose around it."""
    text = _FENCE.sub("", text.strip())
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        start, end = text.find("{"), text.rfind("}")
        if start != -1 and end > start:
            return json.loads(text[start:end + 1])
        raise


def _problem(reply: Reply, model: type[T], check: Callable[[T], None]) -> tuple[T | None, str]:
    try:
        data = parse_json(reply.text)
    except json.JSONDecodeError as exc:
        return None, f"the answer is not a JSON object ({exc.msg})"
    try:
        answer = model.model_validate(data)
    except ValidationError as exc:
        return None, "; ".join(f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}"
                               for e in exc.errors())
    try:
        check(answer)
    except InvalidAnswer as exc:
        return None, str(exc)
    return answer, ""


async def ask(client: LLMClient, system: str, prompt: Turn, model: type[T],
              check: Callable[[T], None], *, what: str) -> tuple[T, Usage]:
    """One validated answer of type `model`, and the usage of every call it took.

    Raises LLMStepFailed on a refusal, LLMError when the answer is invalid twice or the
    provider cannot be reached (usage attached either way)."""
    schema = Schema(name="answer", json_schema=strict(model),
                    description=f"Give the {what}.")
    turns = [prompt]
    spent = Usage()
    for attempt in range(2):
        try:
            reply = await client.complete(system, turns, schema)
        except LLMError as exc:
            exc.usage = spent + exc.usage
            raise
        spent = spent + reply.usage
        if reply.refusal:
            raise LLMStepFailed(f"the LLM ({client.spec}) refused to give the {what}: "
                                f"{reply.refusal}", usage=spent)
        answer, problem = _problem(reply, model, check)
        if answer is not None:
            return answer, spent
        if attempt == 0:
            turns = [*turns, Turn("assistant", reply.text or "(empty)", call_id=reply.call_id),
                     Turn("user", f"That answer is invalid: {problem}. Answer again with one "
                                  "JSON object that fits the schema.", call_id=reply.call_id)]
    raise LLMError(f"the LLM ({client.spec}) gave an invalid {what} twice: {problem}",
                   usage=spent)
