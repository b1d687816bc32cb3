"""Loading flow files: YAML in, a validated `Flow` out, every error with file and line."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path
from typing import Any, TypedDict, get_args

import yaml

from replaywright.errors import FlowError
from replaywright.flow import locators as locator_expr
from replaywright.flow.duration import parse_duration
from replaywright.flow.intent import parse_step
from replaywright.flow.model import Block, BlockKind, Flow, ParamSpec, StepSpec
from replaywright.flow.template import check_filters

FLOW_KEYS = {"name", "url", "params", "steps", "blocks", "description", "model"}
BLOCK_KINDS: tuple[BlockKind, ...] = get_args(BlockKind)
BLOCK_OPTIONS = {"label", "cache", "description", "model", "as", "blocks", "then", "else",
                 "schema", "max_steps", "timeout"}
COSMETIC = {"description", "model"}  # changing these never invalidates the cache
_REFERENCE = re.compile(r"\b(params|outputs)\.([A-Za-z_][\w-]*)")
STEP_OPTIONS = {"step", "cache", "timeout", "expect", "heal"}
PARAM_OPTIONS = {"default", "required", "description", "secret"}


def _key_lines(node: yaml.Node | None, keys: bool = False) -> dict[str, yaml.Node]:
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
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise FlowError(f"not a text file: byte {exc.start} is not UTF-8", path=path, line=line,
                        hint="a flow file is YAML text in UTF-8") from None
    return parse_flow(text, path=path)


def _no_duplicates(node: yaml.Node | None, path: Path | None) -> None:
    """YAML keeps the last of two equal keys without a word; a flow file may not have any."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise FlowError(f"duplicate key '{key.value}' (first at line "
                                    f"{seen[key.value]})", path=path, line=_line(key))
                seen[key.value] = _line(key) or 0
            _no_duplicates(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _no_duplicates(item, path)


def parse_flow(text: str, path: Path | None = None) -> Flow:
    """Validate a flow document; the first problem found is raised as a FlowError."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None and mark.line >= len(text.splitlines()):
            # "found end of stream": where the unclosed construct started says more
            mark = getattr(exc, "context_mark", None) or mark
        problem = getattr(exc, "problem", None) or str(exc)
        raise FlowError(f"invalid YAML: {problem}", path=path,
                        line=mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise FlowError("a flow file must be a mapping with at least 'steps'", path=path, line=1)
    _no_duplicates(root, path)
    nodes = _key_lines(root)
    for key in data:
        if key not in FLOW_KEYS:
            raise FlowError(f"unknown key '{key}'", path=path,
                            line=_line(_key_lines(root, keys=True).get(key)),
                            hint=f"a flow has: {', '.join(sorted(FLOW_KEYS))}")
    if ("steps" in data) == ("blocks" in data):
        raise FlowError("a flow needs either 'steps' or 'blocks'", path=path, line=1)
    name = data.get("name") or (path.stem if path else "flow")
    url = data.get("url")
    if url is not None and not isinstance(url, str):
        raise FlowError("'url' must be a string", path=path, line=_line(nodes.get("url")))
    params = _params(data.get("params"), nodes.get("params"), path)
    checker = _References(path, set(params))
    checker.check(url, None, _line(nodes.get("url")))
    if "steps" in data:
        steps = _steps(data["steps"], nodes["steps"], path)
        for spec in steps:
            checker.check(spec.text, None, spec.line, spec)
            checker.check(spec.expect, None, spec.line, spec)
        block = Block(label="steps", kind="steps", line=_line(nodes["steps"]) or 0,
                      steps=steps, digest=_digest(data["steps"]))
        return Flow(name=str(name), url=url, params=params, steps=steps, blocks=[block],
                    path=path)
    blocks = _blocks(data["blocks"], nodes["blocks"], path, checker)
    return Flow(name=str(name), url=url, params=params, blocks=blocks, workflow=True,
                path=path)


def _digest(content: Any) -> str:
    """Hash of what a block does: parsed content, so comments and layout do not count."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in COSMETIC}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    text = json.dumps(strip(content), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class _Where(TypedDict):
    """Where a reference was found, as `FlowError` takes it."""

    path: Path | None
    line: int | None
    step: int | None
    text: str | None


class _References:
    """Checks that templates are variables (no filters) and refer only to parameters and to
    outputs already produced: a run never starts to fail on step 9 over a typo."""

    def __init__(self, path: Path | None, params: set[str]) -> None:
        self.path, self.params = path, params
        self.labels: set[str] = set()
        self.outputs: set[str] = set()

    def check(self, text: Any, label: str | None, line: int | None,
              step: StepSpec | None = None) -> None:
        if not isinstance(text, str):
            return
        where = f"block '{label}': " if label else ""
        located = _Where(path=self.path, line=line, step=step.index if step else None,
                         text=step.text if step else None)
        try:
            check_filters(text)
        except FlowError as exc:
            raise FlowError(where + exc.problem, hint=exc.hint, **located) from None
        for root, name in _REFERENCE.findall(text):
            if root == "params" and name not in self.params:
                raise FlowError(f"{where}parameter '{name}' is not defined", **located,
                                hint=f"defined parameters: {', '.join(sorted(self.params)) or 'none'}")
            if root == "outputs" and name not in self.outputs:
                raise FlowError(f"{where}output '{name}' is not produced by an "
                                "earlier extract, code or task block", **located)


def _blocks(raw: Any, node: yaml.Node, path: Path | None, refs: _References) -> list[Block]:
    if not isinstance(raw, list) or not raw:
        raise FlowError("'blocks' must be a non-empty list", path=path, line=_line(node))
    return [_block(item, item_node, path, refs)
            for item, item_node in zip(raw, node.value, strict=True)]


def _block(raw: Any, node: yaml.Node, path: Path | None, refs: _References) -> Block:
    line = _line(node)
    if not isinstance(raw, dict):
        raise FlowError("a block must be a mapping with a 'label' and one of: "
                        + ", ".join(BLOCK_KINDS), path=path, line=line)
    label = raw.get("label")
    if isinstance(label, bool | int | float):
        raise FlowError(f"block label {label!r} is not text: YAML reads yes/no/on/off and numbers "
                        "as values; quote it (label: \"yes\")", path=path, line=line)
    if not isinstance(label, str) or not label.strip():
        raise FlowError("a block needs a 'label'", path=path, line=line)
    keys = _key_lines(node, keys=True)
    if "timeout" in raw and "code" not in raw:
        raise FlowError(f"block '{label}': 'timeout' is an option of code blocks (steps take "
                        "their own `timeout:`)", path=path, line=_line(keys.get("timeout")))
    for key in raw:
        if key not in BLOCK_KINDS and key not in BLOCK_OPTIONS:
            raise FlowError(f"block '{label}': unknown key '{key}'", path=path,
                            line=_line(keys.get(key)),
                            hint="a block has a label, one of: " + ", ".join(BLOCK_KINDS)
                            + "; and options: " + ", ".join(sorted(BLOCK_OPTIONS - {"label"})))
    kinds = [k for k in BLOCK_KINDS if k in raw]
    if len(kinds) != 1:
        raise FlowError(f"block '{label}' must have exactly one of: {', '.join(BLOCK_KINDS)}"
                        + (f" (it has {', '.join(kinds)})" if kinds else ""), path=path,
                        line=line)
    if label in refs.labels:
        raise FlowError(f"duplicate block label '{label}'", path=path, line=line)
    refs.labels.add(label)
    kind = kinds[0]
    values = _key_lines(node)
    block = Block(label=label, kind=kind, line=line or 0, cache=raw.get("cache", True) is not False,
                  digest=_digest(raw))
    if kind == "steps":
        block.steps = _steps(raw["steps"], values["steps"], path)
        for spec in block.steps:
            refs.check(spec.text, label, spec.line)
    elif kind == "task":
        block.task = str(raw["task"])
        max_steps = raw.get("max_steps", block.max_steps)
        if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
            raise FlowError(f"block '{label}': max_steps must be a whole number of actions "
                            f"(1 or more), not {max_steps!r}", path=path,
                            line=_line(keys.get("max_steps")) or line)
        block.max_steps = max_steps
        refs.check(block.task, label, line)
        refs.outputs.add(label)
    elif kind == "for_each":
        block.items, block.item_name = str(raw["for_each"]), str(raw.get("as", "item"))
        refs.check(block.items, label, line)
        if "blocks" not in raw:
            raise FlowError(f"block '{label}': for_each needs nested 'blocks'", path=path,
                            line=line)
        block.blocks = _blocks(raw["blocks"], values["blocks"], path, refs)
    elif kind == "if":
        block.condition = str(raw["if"])
        refs.check(block.condition, label, line)
        if "then" not in raw:
            raise FlowError(f"block '{label}': 'if' needs 'then' blocks", path=path, line=line)
        block.then = _blocks(raw["then"], values["then"], path, refs)
        if "else" in raw:
            block.otherwise = _blocks(raw["else"], values["else"], path, refs)
    elif kind == "extract":
        block.extract, block.schema_ = raw["extract"], raw.get("schema")
        for text in (raw["extract"].values() if isinstance(raw["extract"], dict)
                     else [raw["extract"]]):
            refs.check(text, label, line)
        refs.outputs.add(label)
    elif kind == "wait":
        try:
            block.seconds = parse_duration(raw["wait"])
        except ValueError as exc:
            raise FlowError(f"block '{label}': {exc}", path=path, line=line) from exc
    elif kind == "code":
        block.code = str(raw["code"])
        if raw.get("timeout") is not None:
            try:
                block.timeout = parse_duration(raw["timeout"])
            except ValueError as exc:
                raise FlowError(f"block '{label}': {exc}", path=path,
                                line=_line(keys.get("timeout")) or line) from exc
        try:
            compile(block.code, f"<block {label}>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        except SyntaxError as exc:
            start = _line(values.get("code")) or line or 0  # the `code: |` line
            raise FlowError(f"block '{label}': Python syntax error: {exc.msg}", path=path,
                            line=start + (exc.lineno or 1)) from exc
        refs.outputs.add(label)
    elif kind == "goto":
        block.url = str(raw["goto"])
        refs.check(block.url, label, line)
    return block


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
            unknown = set(spec) - PARAM_OPTIONS
            if unknown:
                raise FlowError(f"parameter '{name}': unknown option '{sorted(unknown)[0]}'",
                                path=path, line=_line(item_nodes.get(name)),
                                hint="a parameter has: " + ", ".join(sorted(PARAM_OPTIONS)))
            if not isinstance(spec.get("secret", False), bool):
                raise FlowError(f"parameter '{name}': 'secret' must be true or false",
                                path=path, line=_line(item_nodes.get(name)))
            params[str(name)] = ParamSpec(
                default=spec.get("default"),
                required=bool(spec.get("required", spec.get("default") is None)),
                description=str(spec.get("description", "")),
                secret=spec.get("secret", False))
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
                                hint="a step is a string, or a mapping with: step, cache, timeout, "
                                     "expect, heal")
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
        for flag in ("cache", "heal"):
            if flag in options and not isinstance(options[flag], bool):
                raise FlowError(f"'{flag}' must be true or false", path=path, line=line,
                                step=index, text=text)
        expect = options.get("expect")
        if expect is not None:
            if not isinstance(expect, str):
                raise FlowError("'expect' must be a Playwright locator string, e.g. "
                                "get_by_role(\"button\", name=\"Save\")", path=path, line=line,
                                step=index, text=text)
            try:
                locator_expr.parse(expect)
            except locator_expr.LocatorSyntaxError as exc:
                raise FlowError(f"'expect' is not a Playwright locator: {exc}", path=path,
                                line=line, step=index, text=text) from None
        try:
            parse_step(text)
        except FlowError as exc:
            raise exc.located(path=path, line=line, step=index, text=text) from None
        steps.append(StepSpec(text=text.strip(), index=index, line=line or 0,
                              cache=options.get("cache", True), timeout=timeout,
                              expect=expect, heal=options.get("heal", True)))
    return steps
