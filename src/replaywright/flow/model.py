"""The typed shape of a flow file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from replaywright.errors import FlowError


class ParamSpec(BaseModel):
    default: Any = None
    required: bool = False
    description: str = ""


class StepSpec(BaseModel):
    """One plain-English step as written, before templating."""

    text: str
    index: int  # 1-based position in the flow
    line: int = 0
    cache: bool = True
    timeout: float | None = None


class Flow(BaseModel):
    name: str
    url: str | None = None
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    steps: list[StepSpec] = Field(default_factory=list)
    path: Path | None = None

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
