"""Safe evaluation of workflow expressions: `for_each` lists and `if` conditions.

Only literals, names (`params`, `outputs`, `env`, loop variables), attribute/index access,
comparisons, `and`/`or`/`not` and `in` are allowed — no calls, no imports.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from typing import Any

from replaywright.errors import FlowError
from replaywright.flow.template import PLACEHOLDER, Context

_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.Compare,
            ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is,
            ast.IsNot, ast.Name, ast.Load, ast.Attribute, ast.Subscript, ast.Constant,
            ast.List, ast.Tuple, ast.USub)


class _Namespace(dict):
    """Dict whose keys read as attributes, so `params.user` works in expressions."""

    def __getattr__(self, name: str) -> Any:
        try:
            return _wrap(self[name])
        except KeyError:
            raise FlowError(f"'{name}' is not defined in this expression") from None


def _wrap(value: Any) -> Any:
    return _Namespace(value) if isinstance(value, Mapping) else value


def _names(ctx: Context) -> dict[str, Any]:
    return {"params": _Namespace(ctx.params), "outputs": _Namespace(ctx.outputs),
            "env": _Namespace(ctx.env), "true": True, "false": False,
            **{k: _wrap(v) for k, v in ctx.loop.items()}}


def parse_expression(expression: str) -> ast.Expression:
    """The syntax tree of an allowed expression; `{{ x }}` around it is accepted and ignored."""
    text = expression.strip()
    whole = PLACEHOLDER.fullmatch(text)
    if whole:
        text = whole.group(1)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FlowError(f"invalid expression {expression!r}: {exc.msg}") from exc
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise FlowError(f"expression {expression!r} uses {type(node).__name__}, which is "
                            "not allowed (only names, comparisons, and/or/not, in)")
    return tree


def evaluate(expression: str, ctx: Context) -> Any:
    """The value of an expression over params, outputs, env and loop variables."""
    tree = parse_expression(expression)
    try:
        return eval(compile(tree, "<expression>", "eval"), {"__builtins__": {}}, _names(ctx))
    except FlowError:
        raise
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise FlowError(f"cannot evaluate {expression!r}: {exc}") from exc


def as_list(value: Any) -> list[Any]:
    """What `for_each` iterates: a list, a JSON list in a string, or comma-separated text."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as exc:
                raise FlowError(f"for_each: not a JSON list: {text[:60]!r}") from exc
            if isinstance(parsed, list):
                return parsed
        return [part.strip() for part in text.split(",") if part.strip()]
    raise FlowError(f"for_each needs a list, got {type(value).__name__}")


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in {"", "false", "no", "0", "off", "none"}
    return bool(value)
