"""The typed shape of a flow file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from replaywright.errors import FlowError


class ParamSpec(BaseModel):
    default: Any = None
    required: bool = False
    description: str = ""
    #: A secret (a password, a token): keyed by name, never by value, and shown as `***`.
    secret: bool = False


class StepSpec(BaseModel):
    """One plain-English step as written, before templating."""

    text: str
    index: int  # 1-based position in the flow
    line: int = 0
    cache: bool = True
    timeout: float | None = None
    #: The Playwright locator of the element a person means; the step fails, before acting,
    #: when the element it found is another one.
    expect: str | None = None
    #: False: this step never heals; a cached element that no longer fits fails it.
    heal: bool = True


BlockKind = Literal["steps", "task", "for_each", "if", "extract", "wait", "code", "goto"]
#: Kinds whose work is recorded in the cache; the others run live every time.
CACHEABLE_BLOCKS = frozenset({"steps", "task", "for_each", "goto"})


class Block(BaseModel):
    """One block of a workflow. A flow with plain `steps:` is a one-block workflow."""

    label: str
    kind: BlockKind
    line: int = 0
    steps: list[StepSpec] = Field(default_factory=list)
    task: str | None = None
    max_steps: int = 12
    items: str | None = None  # for_each: expression giving the list
    item_name: str = "item"  # for_each: the loop variable (`as:`)
    condition: str | None = None  # if:
    then: list[Block] = Field(default_factory=list)
    otherwise: list[Block] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)  # for_each body
    extract: Any = None  # a description, or a mapping of name -> description
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    seconds: float | None = None  # wait:
    code: str | None = None
    timeout: float | None = None  # code: seconds before the block is stopped (default: the step timeout)
    url: str | None = None  # goto:
    cache: bool = True
    digest: str = ""  # hash of what the block does; cosmetic edits leave it unchanged

    model_config = {"populate_by_name": True}


class Flow(BaseModel):
    name: str
    url: str | None = None
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    steps: list[StepSpec] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)
    workflow: bool = False  # written with `blocks:` (block-chained cache keys)
    path: Path | None = None

    @property
    def secret_params(self) -> frozenset[str]:
        return frozenset(name for name, spec in self.params.items() if spec.secret)

    def bind(self, given: dict[str, Any]) -> dict[str, Any]:
        """Parameter values for a run: defaults, overridden by `given`; unknown or missing
        parameters are errors that name the parameter."""
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            raise FlowError(f"unknown parameter '{unknown[0]}'", path=self.path,
                            hint=f"this flow takes: {', '.join(self.params) or 'no parameters'}")
        values: dict[str, Any] = {}
        for name, spec in self.params.items():
            if name in given:
                values[name] = given[name]
            elif spec.default is not None:
                values[name] = spec.default
            else:
                raise FlowError(f"missing parameter '{name}'", path=self.path,
                                hint=f"pass it with --param {name}=VALUE")
        return values
