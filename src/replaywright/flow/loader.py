"""Loading flow files: YAML in, a validated `Flow` out, every error with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from replaywright.errors import FlowError
from replaywright.flow.duration import parse_duration
from replaywright.flow.intent import parse_step
from replaywright.flow.model import Flow, ParamSpec, StepSpec

FLOW_KEYS = {"name", "url", "params", "steps", "description"}
STEP_OPTIONS = {"step", "cache", "timeout"}


def _key_lines(node: yaml.Node, keys: bool = False) -> dict[str, yaml.Node]:
    """Child nodes of a mapping by key: the value nodes, or with `keys` the key nodes."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: (k if keys else v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def load_flow(path: str | Path) -> Flow:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FlowError(f"cannot read flow file: {exc.strerror}", path=path) from exc
    return parse_flow(text, path=path)


def parse_flow(text: str, path: Path | None = None) -> Flow:
    """Validate a flow document; the first problem found is raised as a FlowError."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise FlowError(f"invalid YAML: {problem}", path=path,
                        line=mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise FlowError("a flow file must be a mapping with at least 'steps'", path=path, line=1)
    nodes = _key_lines(root)
    for key in data:
        if key not in FLOW_KEYS:
            raise FlowError(f"unknown key '{key}'", path=path,
                            line=_line(_key_lines(root, keys=True).get(key)),
                            hint=f"a flow has: {', '.join(sorted(FLOW_KEYS))}")
    if "steps" not in data:
        raise FlowError("a flow needs 'steps'", path=path, line=1)
    name = data.get("name") or (path.stem if path else "flow")
    url = data.get("url")
    if url is not None and not isinstance(url, str):
        raise FlowError("'url' must be a string", path=path, line=_line(nodes.get("url")))
    params = _params(data.get("params"), nodes.get("params"), path)
    steps = _steps(data["steps"], nodes["steps"], path)
    return Flow(name=str(name), url=url, params=params, steps=steps, path=path)


def _params(raw: Any, node: yaml.Node | None, path: Path | None) -> dict[str, ParamSpec]:
    if raw is None:
        return {}
    if isinstance(raw, list):
        return {str(name): ParamSpec(required=True) for name in raw}
    if not isinstance(raw, dict):
        raise FlowError("'params' must be a mapping of name to default", path=path,
                        line=_line(node))
    params: dict[str, ParamSpec] = {}
    item_nodes = _key_lines(node) if node is not None else {}
    for name, spec in raw.items():
        if isinstance(spec, dict):
            unknown = set(spec) - {"default", "required", "description"}
            if unknown:
                raise FlowError(f"parameter '{name}': unknown option '{sorted(unknown)[0]}'",
                                path=path, line=_line(item_nodes.get(name)),
                                hint="a parameter has: default, required, description")
            params[str(name)] = ParamSpec(
                default=spec.get("default"),
                required=bool(spec.get("required", spec.get("default") is None)),
                description=str(spec.get("description", "")))
        else:
            params[str(name)] = ParamSpec(default=spec, required=spec is None)
    return params


def _steps(raw: Any, node: yaml.Node, path: Path | None) -> list[StepSpec]:
    if not isinstance(raw, list) or not raw:
        raise FlowError("'steps' must be a non-empty list", path=path, line=_line(node))
    steps = []
    for index, (item, item_node) in enumerate(zip(raw, node.value, strict=True), start=1):
        line = _line(item_node)
        options: dict[str, Any] = {}
        if isinstance(item, dict):
            unknown = set(item) - STEP_OPTIONS
            if unknown or "step" not in item:
                problem = (f"unknown step option '{sorted(unknown)[0]}'" if unknown
                           else "a step mapping needs 'step: <plain-English step>'")
                raise FlowError(problem, path=path, line=line, step=index,
                                hint="a step is a string, or a mapping with: step, cache, timeout")
            text, options = item["step"], item
        else:
            text = item
        if not isinstance(text, str) or not text.strip():
            raise FlowError("a step must be a non-empty string", path=path, line=line,
                            step=index)
        timeout = None
        if options.get("timeout") is not None:
            try:
                timeout = parse_duration(options["timeout"])
            except ValueError as exc:
                raise FlowError(str(exc), path=path, line=line, step=index, text=text) from exc
        if "cache" in options and not isinstance(options["cache"], bool):
            raise FlowError("'cache' must be true or false", path=path, line=line, step=index,
                            text=text)
        try:
            parse_step(text)
        except FlowError as exc:
            raise exc.located(path=path, line=line, step=index, text=text) from None
        steps.append(StepSpec(text=text.strip(), index=index, line=line or 0,
                              cache=options.get("cache", True), timeout=timeout))
    return steps
