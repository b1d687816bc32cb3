"""Generating a readable Python module from a flow and a passing run of it.

One async function per block (decorated with `@script.block("label")`, so regeneration finds
it again), a dataclass of the flow's parameters, a `run()` coroutine that calls the blocks in
order, and an argparse `main()`. Every action keeps its plain-English description next to the
selector the run found; parameter values are referenced (`params.user`), never written in.
The text is laid out the way `ruff format` (line length 88) lays it out.
"""

from __future__ import annotations

import ast
import keyword
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from replaywright.engine.results import RunResult
from replaywright.errors import FlowError
from replaywright.flow.duration import parse_duration
from replaywright.flow.expressions import parse_expression
from replaywright.flow.intent import parse_step
from replaywright.flow.model import Block, Flow, StepSpec
from replaywright.flow.phrasing import VERBS, Shape, compose
from replaywright.flow.template import PLACEHOLDER

LINE = 88
INDENT = "    "
RESERVED = {"run", "main", "script", "Script", "Params", "Any", "dataclass", "FLOW_NAME",
            "FLOW_FILE", "START_URL", "params", "rw"}


# -- literals and layout -------------------------------------------------------------------


def string(value: str) -> str:
    """A string literal the way ruff format writes it (double quotes unless that adds escapes)."""
    text = repr(value)
    if text.startswith("'") and value.count('"') <= value.count("'"):
        return '"' + text[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
    return text


def call(indent: str, head: str, args: list[str]) -> list[str]:
    """`head(args)` on one line if it fits, else the arguments on one indented line, else one
    argument per line with a trailing comma (ruff format's layout for a simple call)."""
    one = f"{indent}{head}({', '.join(args)})"
    if len(one) <= LINE or not args:
        return [one]
    inner = indent + INDENT
    hugged = f"{inner}{', '.join(args)}"
    if len(hugged) <= LINE:
        return [f"{indent}{head}(", hugged, f"{indent})"]
    return [f"{indent}{head}(", *(f"{inner}{a}," for a in args), f"{indent})"]


def identifier(label: str, taken: set[str]) -> str:
    name = re.sub(r"\W+", "_", label.strip()).strip("_").lower() or "block"
    if name[0].isdigit():
        name = f"block_{name}"
    if keyword.iskeyword(name) or name in RESERVED:
        name = f"{name}_block"
    base, n = name, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def module_name(flow_name: str) -> str:
    """The file stem of a flow's script (an importable name)."""
    name = re.sub(r"\W+", "_", flow_name.strip()).strip("_").lower() or "flow"
    return f"flow_{name}" if name[0].isdigit() or keyword.iskeyword(name) else name


# -- expressions -----------------------------------------------------------------------------


def _reference_expr(name: str, loop: list[str]) -> str | None:
    """Python for a whole-value reference (`params.user`, a loop variable), or None when the
    value is better left as a template for the engine to render (env, outputs, helpers)."""
    head, *rest = name.split(".")
    if head == "params" and len(rest) >= 1:
        return "params." + rest[0] + "".join(f"[{string(p)}]" for p in rest[1:])
    if head in loop:
        return head + "".join(f"[{string(p)}]" for p in rest)
    return None


def value_arg(template: str, loop: list[str]) -> str:
    """The argument for a step's value: `params.user`, `product`, or a string literal (which
    may keep `{{ env.X }}` / mixed templates for the engine to render at run time)."""
    whole = PLACEHOLDER.fullmatch(template.strip())
    if whole:
        expr = _reference_expr(whole.group(1), loop)
        if expr is not None:
            return expr
    return string(template)


class _Python(ast.NodeTransformer):
    """A flow expression (`params.express`, `outputs.greeting.name == "x"`) as Python over
    the generated function's names."""

    def __init__(self, loop: list[str]) -> None:
        self.loop = loop

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in {"true", "false"}:
            return ast.Constant(node.id == "true")
        if node.id in {"outputs", "env"}:
            return ast.Attribute(ast.Name("rw", ast.Load()), node.id, ast.Load())
        if node.id == "params" or node.id in self.loop:
            return node
        raise FlowError(f"unknown name {node.id!r}")

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        base = node.value
        if isinstance(base, ast.Name) and base.id == "params":
            return node
        return ast.Subscript(self.visit(base), ast.Constant(node.attr), ast.Load())


def python_expression(expression: str, loop: list[str]) -> str | None:
    try:
        # an expression the engine would refuse gives None: `rw.holds` reports why at run time
        tree = _Python(loop).visit(parse_expression(expression))
        source = ast.unparse(tree)
    except (FlowError, ValueError):
        return None
    return source.replace("'", '"') if "'" in source and '"' not in source else source


# -- steps ---------------------------------------------------------------------------------------


def selector_hint(code: str, values: list[str]) -> str | None:
    """`get_by_label('Email', exact=True)` from the recorded `page.get_by_label(...)`; None when
    it would write a parameter's value into the script."""
    if not code:
        return None
    hint = code.removeprefix("page.")
    # a frame by the last part of its address: the host and port differ between runs
    hint = re.sub(r"frame\(url='[^']*/([^'/]+)'\)", r"frame(url='**/\1')", hint)
    try:
        shown = [node.value.casefold() for node in ast.walk(ast.parse(hint, mode="eval"))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    except SyntaxError:
        return None
    wanted = {part.strip().casefold() for v in values for part in [v, *v.split(",")]}
    if any(len(v) >= 3 and v in text for v in wanted for text in shown):
        return None
    return hint


def step_lines(spec: StepSpec, indent: str, loop: list[str], hint: str | None) -> list[str]:
    """The call for one step: the verb's `Script` method (from `flow.phrasing.VERBS`) when it
    composes back to the flow's own text, so both share cache entries; else `rw.step(text)`."""
    template = parse_step(spec.text)
    verb = VERBS[template.action]
    target, value = template.target, template.value
    options = []
    if hint:
        options.append(f"selector={string(hint)}")
    if spec.timeout:
        options.append(f"timeout={spec.timeout:g}")
    if not spec.cache:
        options.append("cache=False")
    method = f"await rw.{verb.method}"
    if verb.shape is Shape.SECONDS:
        return call(indent, method, [f"{parse_duration(value or '0'):g}"])
    if verb.shape is Shape.VALUE:
        return call(indent, method, [value_arg(value or "", loop)])
    # a check's "within N s" is not part of a verb's text: such steps keep theirs
    composed = compose(replace(template, timeout=None))
    same = " ".join(spec.text.split()) == composed
    if verb.method is None or (not same and template.needs_element):
        return call(indent, "await rw.step", [string(spec.text), *options])
    if verb.shape is Shape.KEY:
        args = [string(value or "")] + ([f"on={string(target)}"] if target else [])
        return call(indent, method, args + options)
    args = [string(target)]
    if value is not None:
        args.append(value_arg(value, loop))
    return call(indent, method, args + options)


# -- the module ------------------------------------------------------------------------------


@dataclass
class Function:
    label: str
    name: str
    kind: str
    lines: list[str]
    shape: str = ""  # the text generated without selector hints (what the flow alone says)


@dataclass
class Module:
    text: str
    functions: list[Function] = field(default_factory=list)
    scaffold: str = ""  # everything but the block functions


def _param_type(spec: Any) -> str:
    default = spec.default
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, list):
        return "list[Any]"
    if isinstance(default, dict):
        return "dict[str, Any]"
    return "str"


def _hints(result: RunResult | None) -> dict[tuple[str, str], list[str]]:
    """Recorded selectors of a run, by (block label, step text), in run order."""
    found: dict[tuple[str, str], list[str]] = {}
    if result is None:
        return found
    for step in result.steps:
        if step.status == "failed":
            continue
        found.setdefault((step.block, " ".join(step.text.split())), []).append(step.selector)
    return found


def _walk(blocks: list[Block], loop: list[str]) -> Iterator[tuple[Block, list[str]]]:
    """Every block, parents before children, with the loop variables in scope."""
    for block in blocks:
        yield block, loop
        if block.kind == "for_each":
            yield from _walk(block.blocks, [*loop, block.item_name])
        yield from _walk(block.then, loop)
        yield from _walk(block.otherwise, loop)


class Generator:
    def __init__(self, flow: Flow, result: RunResult | None = None,
                 flow_file: str | None = None) -> None:
        self.flow = flow
        self.hints = _hints(result)
        self.values = [str(v) for v in (_param_values(result, flow))]
        self.flow_file = flow_file
        taken: set[str] = set()
        self.names = {block.label: identifier(block.label, taken)
                      for block, _ in _walk(flow.blocks, [])}
        for name in flow.params:
            if not name.isidentifier() or keyword.iskeyword(name):
                raise FlowError(f"parameter '{name}' is not a Python name; rename it to "
                                "generate a script", path=flow.path)

    def _args(self, loop: list[str]) -> str:
        return ", ".join(["rw", "params", *loop])

    def _signature(self, loop: list[str]) -> str:
        extra = "".join(f", {name}: Any" for name in loop)
        return f"(rw: Script, params: Params{extra}) -> None:"

    def _call_block(self, block: Block, indent: str, loop: list[str]) -> str:
        return f"{indent}await {self.names[block.label]}({self._args(loop)})"

    def function(self, block: Block, loop: list[str], hinted: bool = True) -> Function:
        name = self.names[block.label]
        decorator = (f"@script.block({string(block.label)})" if block.kind == "steps" else
                     f"@script.block({string(block.label)}, kind={string(block.kind)})")
        lines = [decorator, f"async def {name}{self._signature(loop)}"]
        body = self._body(block, loop, hinted)
        lines += body or [f"{INDENT}pass"]
        return Function(block.label, name, block.kind, lines)

    def _body(self, block: Block, loop: list[str], hinted: bool) -> list[str]:
        i = INDENT
        if block.kind == "steps":
            lines: list[str] = []
            seen: dict[str, int] = {}
            for spec in block.steps:
                text = " ".join(spec.text.split())
                n = seen.get(text, 0)
                seen[text] = n + 1
                recorded = self.hints.get((block.label, text), [])
                hint = None
                if hinted and n < len(recorded):
                    hint = selector_hint(recorded[n], self.values)
                lines += step_lines(spec, i, loop, hint)
            return lines
        if block.kind == "goto":
            return call(i, "await rw.goto", [value_arg(block.url or "", loop)])
        if block.kind == "wait":
            return call(i, "await rw.wait", [f"{block.seconds or 0:g}"])
        target = f"rw.outputs[{string(block.label)}] = await"
        if block.kind == "extract":
            args = [_literal(block.extract)]
            if block.schema_:
                args.append(f"schema={_literal(block.schema_)}")
            return call(i, f"{target} rw.extract", args)
        if block.kind == "code":
            source = "\n".join(f"{i * 2}{line}" if line.strip() else ""
                               for line in (block.code or "pass").strip("\n").splitlines())
            timeout = [f"timeout={block.timeout:g}"] if block.timeout else []
            if '"""' in source or "\\" in source:
                return call(i, f"{target} rw.run_code", [string(block.code or "pass"), *timeout])
            return [f"{i}{target} rw.run_code(", f'{i * 2}"""', source,
                    f'{i * 2}"""' + "".join(f", {t}" for t in timeout), f"{i})"]
        if block.kind == "task":
            return call(i, f"{target} rw.task", [string(block.task or "")])
        if block.kind == "for_each":
            items = python_expression(block.items or "", loop) or string(block.items or "")
            head = f"for {block.item_name} in rw.loop"
            lines = call(i, head, [string(block.item_name), items])
            lines[-1] += ":"
            inner = [*loop, block.item_name]
            lines += [self._call_block(child, i * 2, inner) for child in block.blocks]
            return lines
        if block.kind == "if":
            condition = block.condition or ""
            try:
                check = parse_step(condition).is_check
            except FlowError:
                check = False
            expr = None if check else python_expression(condition, loop)
            test = (f"script.truthy({expr})" if expr is not None
                    else f"await rw.holds({string(condition)})")
            lines = [f"{i}if {test}:"]
            lines += [self._call_block(child, i * 2, loop) for child in block.then] or [
                f"{i * 2}pass"]
            if block.otherwise:
                lines.append(f"{i}else:")
                lines += [self._call_block(child, i * 2, loop) for child in block.otherwise]
            return lines
        raise FlowError(f"block '{block.label}': cannot generate code for kind {block.kind!r}")

    def functions(self) -> list[Function]:
        found = []
        for block, loop in _walk(self.flow.blocks, []):
            fn = self.function(block, loop)
            fn.shape = "\n".join(self.function(block, loop, hinted=False).lines)
            found.append(fn)
        return found

    def header(self, uses_any: bool) -> list[str]:
        flow = self.flow
        source = Path(flow.path).name if flow.path else "a flow"
        options = " ".join(f"--{n.replace('_', '-')} VALUE" for n, s in flow.params.items()
                           if s.default is None)
        lines = [
            f'"""{flow.name}: generated by replaywright from {source}.',
            "",
            "Each action names its element in plain English beside the selector recorded for",
            "it. Runs replay from the replaywright cache; when the page has changed, a step",
            "heals from its description. Regeneration replaces only the functions of blocks",
            "that were resolved or healed in a run, so edits to the others are kept.",
            "",
            f"    python {module_name(flow.name)}.py {options + ' ' if options else ''}"
            "[--base-url URL] [--cache PATH]",
            '"""',
            "",
            "from __future__ import annotations",
            "",
            "from dataclasses import dataclass",
        ]
        if uses_any:
            lines.append("from typing import Any")
        lines += ["", "from replaywright import script", "from replaywright.script import Script",
                  "", f"FLOW_NAME = {string(flow.name)}",
                  f"FLOW_FILE = {string(self.flow_file) if self.flow_file else 'None'}",
                  f"START_URL = {value_arg(flow.url, []) if flow.url else 'None'}",
                  "", "", "@dataclass", "class Params:",
                  f'{INDENT}"""The flow\'s parameters (defaults: from FLOW_FILE)."""', ""]
        if flow.params:
            lines += [f"{INDENT}{name}: {_param_type(spec)}" for name, spec in flow.params.items()]
        else:
            lines[-1:] = []
        return lines

    def footer(self) -> list[str]:
        i = INDENT
        lines = ["async def run(rw: Script, params: Params) -> None:",
                 f'{i}"""The whole flow, block by block."""']
        if self.flow.url:
            lines.append(f"{i}await rw.goto(START_URL)")
        lines += [self._call_block(block, i, []) for block in self.flow.blocks]
        lines += ["", "", "def main(argv: list[str] | None = None) -> int:",
                  f'{i}"""Command line: one option per parameter, plus the run options."""',
                  f"{i}parser = script.argument_parser(__doc__)"]
        from replaywright.script import RUN_OPTIONS

        for name, spec in self.flow.params.items():
            flag = name.replace("_", "-")
            args = [string(f"--{flag}")]
            if name in RUN_OPTIONS:
                args = [string(f"--param-{flag}"), f"dest={string(name)}"]
            elif flag != name:
                args.append(f"dest={string(name)}")
            kind = _param_type(spec)
            if kind in {"int", "float"}:
                args.append(f"type={kind}")
            elif kind == "bool":
                args.append("type=script.truthy")
            origin = "required" if spec.default is None else "default: from the flow file"
            help_text = f"{spec.description} ({origin})" if spec.description else origin
            args.append(f"help={string(help_text)}")
            lines += call(i, "parser.add_argument", args)
        lines += [f"{i}return script.main(__name__, argv, parser)", "", "",
                  'if __name__ == "__main__":', f"{i}raise SystemExit(main())"]
        return lines

    def module(self) -> Module:
        functions = self.functions()
        uses_any = any("Any" in line for fn in functions for line in fn.lines[1:2]) or any(
            _param_type(s).endswith("Any]") for s in self.flow.params.values())
        parts = ["\n".join(self.header(uses_any))]
        parts += ["\n".join(fn.lines) for fn in functions]
        parts.append("\n".join(self.footer()))
        text = "\n\n\n".join(parts) + "\n"
        scaffold = "\n\n\n".join([parts[0], parts[-1]])
        return Module(text=text, functions=functions, scaffold=scaffold)


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return string(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def _param_values(result: RunResult | None, flow: Flow) -> list[Any]:
    """Parameter values to keep out of selector hints: the flow's defaults (and, through the
    selectors themselves, whatever the run used — see `selector_hint`)."""
    values: list[Any] = []
    for spec in flow.params.values():
        if isinstance(spec.default, list):
            values += spec.default
        elif spec.default is not None and not isinstance(spec.default, bool):
            values.append(spec.default)
    return values


def generate_module(flow: Flow, result: RunResult | None = None, *,
                    script_path: Path | None = None,
                    params: dict[str, Any] | None = None) -> Module:
    """The module for `flow`, with selectors from `result` (a passing run). `params` are the
    values the run used: none of them is written into the code (selectors that would show one
    are left out). `script_path` is where the module will live (to point it at its flow)."""
    flow_file = None
    if flow.path is not None:
        target = Path(flow.path).resolve()
        if script_path is not None:
            flow_file = os.path.relpath(target, Path(script_path).resolve().parent)
        else:
            flow_file = str(target)
    generator = Generator(flow, result, flow_file=flow_file)
    for value in (params or {}).values():
        generator.values += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return generator.module()


def generate(flow: Flow, result: RunResult | None = None, *, script_path: Path | None = None,
             params: dict[str, Any] | None = None) -> str:
    """The text of `<flow>.py` for a flow and a passing run of it."""
    return generate_module(flow, result, script_path=script_path, params=params).text
