"""Turning templated step values into Python expressions, so generated code reads
`params.user` where the flow said `{{ params.user }}` and never hard-codes a parameter."""

from __future__ import annotations

from replaywright.flow.template import PLACEHOLDER


def _reference(name: str) -> str:
    head, *rest = name.split(".")
    if head == "env":
        return f"env[{'.'.join(rest)!r}]"
    if head == "outputs":
        return "outputs" + "".join(f"[{part!r}]" for part in rest)
    return ".".join([head, *rest])


def value_expression(template: str | None) -> str:
    """A Python expression that evaluates to the rendered template."""
    if template is None:
        return "None"
    matches = list(PLACEHOLDER.finditer(template))
    if not matches:
        return repr(template)
    if len(matches) == 1 and matches[0].span() == (0, len(template)):
        return f"str({_reference(matches[0].group(1))})"
    parts, last = [], 0
    for match in matches:
        literal = template[last:match.start()].replace("{", "{{").replace("}", "}}")
        parts.append(literal + "{" + _reference(match.group(1)) + "}")
        last = match.end()
    tail = template[last:].replace("{", "{{").replace("}", "}}")
    return "f" + repr("".join(parts) + tail)
