"""A generated script's `Params`: built from the command line or a dict, checked, with the
flow file's defaults for what is not given."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_type_hints

from replaywright.errors import FlowError
from replaywright.flow.expressions import as_list, truthy


def flow_file_path(module_file: str | None, flow_file: str | None) -> Path | None:
    """The flow a script was generated from (its parameter defaults live there)."""
    if not flow_file:
        return None
    path = Path(flow_file)
    if path.is_absolute():
        return path if path.exists() else None
    if module_file:
        here = Path(module_file).resolve().parent
        # current scripts sit in the scripts folder, archived versions one level below
        for base in (here, here.parent):
            if (base / path).exists():
                return (base / path).resolve()
    return path.resolve() if path.exists() else None


def flow_defaults(module_file: str | None, flow_file: str | None) -> dict[str, Any]:
    path = flow_file_path(module_file, flow_file)
    if path is None:
        return {}
    from replaywright.flow.loader import load_flow

    return {name: spec.default for name, spec in load_flow(path).params.items()
            if spec.default is not None}


def _convert(value: Any, kind: Any) -> Any:
    if not isinstance(value, str):
        return value
    if kind is bool:
        return truthy(value)
    if kind is int:
        return int(value)
    if kind is float:
        return float(value)
    if getattr(kind, "__origin__", kind) is list:
        return json.loads(value) if value.strip().startswith("[") else as_list(value)
    return value


def build_params(model: type, given: Mapping[str, Any] | None = None, *,
                 module_file: str | None = None, flow_file: str | None = None) -> Any:
    """The parameters model from given values, falling back to the flow file's defaults."""
    values = {**flow_defaults(module_file, flow_file),
              **{k: v for k, v in (given or {}).items() if v is not None}}
    if not dataclasses.is_dataclass(model):
        return model(**values)
    hints = get_type_hints(model)
    names = [f.name for f in dataclasses.fields(model)]
    unknown = sorted(set(values) - set(names))
    if unknown and given and unknown[0] in given:
        raise FlowError(f"unknown parameter '{unknown[0]}'",
                        hint=f"this script takes: {', '.join(names) or 'no parameters'}")
    missing = [n for n in names if n not in values]
    if missing:
        raise FlowError(f"missing parameter '{missing[0]}'",
                        hint=f"pass it with --{missing[0].replace('_', '-')} VALUE")
    return model(**{n: _convert(values[n], hints.get(n, str)) for n in names})
