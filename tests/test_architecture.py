"""The package graph of replaywright stays acyclic and points the documented way.

A part is a first-level module or package under `src/replaywright` (`engine`, `cache`,
`cli`, …). Every import of another part is an edge: module-level or inside a function (a
lazy import still couples the two), and `import_module("replaywright.x")` with a literal
name. Only imports under `if TYPE_CHECKING:` are left out: they never run.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from itertools import pairwise
from pathlib import Path

import replaywright

ROOT = Path(replaywright.__file__).parent
PACKAGE = ROOT.name

#: Edges → the places that make them ("path:line").
Graph = dict[str, dict[str, list[str]]]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str | None:
    bits = module.split(".")
    return bits[1] if bits[0] == PACKAGE and len(bits) > 1 else None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The modules an import statement or a literal `import_module(...)` call names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            target = ".".join([*base, node.module] if node.module else base)
        else:
            target = node.module or ""
        if target == PACKAGE:  # `from replaywright import cache`
            return [f"{PACKAGE}.{alias.name}" for alias in node.names]
        return [target]
    if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in {"import_module", "__import__"}:
            return [node.args[0].value]
    return []


def _walk(node: ast.AST):
    """Every node below `node`, skipping the bodies of `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield other
                yield from _walk(other)
            continue
        yield child
        yield from _walk(child)


@cache
def package_graph() -> Graph:
    """The part graph of the installed source (scanned once per session)."""
    graph: defaultdict[str, defaultdict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        source = _part(module)
        if source is None:  # replaywright/__init__.py
            source = "__init__"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _walk(tree):
            for target in _imported(node, module, path.name == "__init__.py"):
                part = _part(target)
                if part is not None and part != source:
                    where = f"{path.relative_to(ROOT.parent.parent)}:{node.lineno}"
                    graph[source][part].append(where)
    return {src: dict(dsts) for src, dsts in graph.items()}


def find_cycle(graph: Graph) -> list[str] | None:
    """One cycle as a list of parts (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _explain(graph: Graph, cycle: list[str]) -> str:
    lines = [" → ".join(cycle)]
    for src, dst in pairwise(cycle):
        lines.append(f"  {src} → {dst}:")
        lines += [f"    {where}" for where in graph[src][dst]]
    return "\n".join(lines)


def test_the_scan_sees_lazy_imports_and_skips_type_checking() -> None:
    code = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from replaywright.cli import app\n"
            "def f():\n    from replaywright.engine import runner\n"
            "    import_module('replaywright.match')\n")
    found = [t for n in _walk(ast.parse(code)) for t in _imported(n, "replaywright.x.y", False)]
    assert found == ["typing", "replaywright.engine", "replaywright.match"]
    cyclic = {"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:2"]}, "c": {"a": ["c.py:3"]}}
    assert find_cycle(cyclic) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": ["a.py:1"]}, "b": {}}) is None


def test_no_import_cycles_between_parts() -> None:
    graph = package_graph()
    assert graph.get("engine"), "the scan found no imports: is ROOT right?"
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle between replaywright parts:\n" + _explain(graph, cycle)


def test_the_engine_never_imports_what_sits_above_it() -> None:
    above = {"cli", "session", "script", "runs", "pytest_plugin", "demo", "bench", "server",
             "codegen", "report"}
    edges = package_graph().get("engine", {})
    wrong = {part: edges[part] for part in sorted(above & set(edges))}
    assert not wrong, f"engine imports parts above it: {wrong}"


def test_the_model_imports_nothing_of_ours() -> None:
    edges = package_graph().get("model", {})
    assert not edges, f"replaywright.model must stay a leaf: {edges}"


def test_nothing_imports_the_command_line() -> None:
    """`cli` is the top: commands of the parts are mounted by it, never the other way."""
    users = {src: edges["cli"] for src, edges in package_graph().items() if "cli" in edges}
    assert not users, f"parts import replaywright.cli: {users}"


def test_the_engine_loads_the_llm_package_only_for_types() -> None:
    """A run without --llm never imports `resolve.llm` (its SDKs and prompts)."""
    found = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _walk(tree):
            for target in _imported(node, _module_name(path), path.name == "__init__.py"):
                if target.startswith(f"{PACKAGE}.resolve.llm"):
                    found.append(f"{path.name}:{node.lineno}")
    assert not found, f"engine imports resolve.llm at run time: {found}"
