"""Where generated scripts live, and when a new version is written.

    .replaywright/scripts/            (default; or any folder, so a team can commit it)
      checkout.py                     the current version: run it, edit it
      checkout/v1.py, v2.py, ...      every version written, byte for byte
      checkout/manifest.json          versions, pin, and hashes of what the flow generated

A passing run regenerates only what it changed: the functions of blocks resolved or healed in
this run, of blocks missing from the script, and of blocks the flow file itself changed. Every
other function is left byte-identical — hand edits included — and a run that changes nothing
writes nothing (content hash). A pinned script is never rewritten.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from replaywright.codegen.generate import Module, generate_module, module_name
from replaywright.engine.results import RunResult
from replaywright.flow.model import Flow

DEFAULT_FOLDER = Path(".replaywright") / "scripts"
CHANGED = {"resolved", "healed"}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- finding block functions in a module ---------------------------------------------------


def block_label(node: ast.AST) -> str | None:
    """The label of `@script.block("label", ...)` on a function, if it has one."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    for decorator in node.decorator_list:
        if not isinstance(decorator, ast.Call) or not decorator.args:
            continue
        func = decorator.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = decorator.args[0]
        if name == "block" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def block_spans(text: str) -> dict[str, tuple[int, int]]:
    """Block label → (first line, last line), 1-based and inclusive, decorators included."""
    spans: dict[str, tuple[int, int]] = {}
    for node in ast.parse(text).body:
        label = block_label(node)
        if label is not None and label not in spans:
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            spans[label] = (start, node.end_lineno or node.lineno)
    return spans


def _lines(text: str, span: tuple[int, int]) -> list[str]:
    return text.splitlines(keepends=True)[span[0] - 1:span[1]]


def splice(base: str, donor: str, labels: set[str]) -> str:
    """`base` with the functions of `labels` taken from `donor` (each where `base` has it)."""
    base_spans, donor_spans = block_spans(base), block_spans(donor)
    lines = base.splitlines(keepends=True)
    for label, span in sorted(base_spans.items(), key=lambda kv: -kv[1][0]):
        if label in labels and label in donor_spans:
            new = _lines(donor, donor_spans[label])
            if new and not new[-1].endswith("\n"):
                new[-1] += "\n"
            lines[span[0] - 1:span[1]] = new
    return "".join(lines)


# -- the store -------------------------------------------------------------------------------------


@dataclass
class Regeneration:
    """What `regenerate` decided, for reports and tests."""

    path: Path | None
    version: int | None
    changed: list[str]
    reason: str


class ScriptStore:
    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else DEFAULT_FOLDER

    def current_path(self, flow: str) -> Path:
        return self.folder / f"{module_name(flow)}.py"

    def versions_dir(self, flow: str) -> Path:
        return self.folder / module_name(flow)

    def manifest_path(self, flow: str) -> Path:
        return self.versions_dir(flow) / "manifest.json"

    def manifest(self, flow: str) -> dict[str, Any]:
        path = self.manifest_path(flow)
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
        return {"flow": flow, "module": self.current_path(flow).name, "current": 0,
                "pinned": False, "versions": []}

    def _write_manifest(self, flow: str, manifest: dict[str, Any]) -> None:
        path = self.manifest_path(flow)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    def current(self, flow: str) -> str | None:
        path = self.current_path(flow)
        return path.read_text(encoding="utf-8") if path.exists() else None

    def version_path(self, flow: str, number: int) -> Path:
        return self.versions_dir(flow) / f"v{number}.py"

    def version(self, flow: str, number: int) -> str | None:
        path = self.version_path(flow, number)
        return path.read_text(encoding="utf-8") if path.exists() else None

    def pinned(self, flow: str) -> bool:
        return bool(self.manifest(flow).get("pinned"))

    def pin(self, flow: str, pinned: bool = True) -> None:
        manifest = self.manifest(flow)
        manifest["pinned"] = pinned
        self._write_manifest(flow, manifest)

    def diff(self, flow: str) -> str:
        """Unified diff of the last regeneration (previous version → current version)."""
        manifest = self.manifest(flow)
        number = manifest.get("current", 0)
        if number < 1:
            return ""
        old = self.version(flow, number - 1) or "" if number > 1 else ""
        new = self.version(flow, number) or ""
        name = module_name(flow)
        return "".join(difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True),
            fromfile=f"{name}/v{number - 1}.py" if number > 1 else "/dev/null",
            tofile=f"{name}/v{number}.py"))

    def write(self, flow: str, text: str, *, reason: str, changed: list[str],
              module: Module | None = None) -> int:
        """Store `text` as the next version and as the current script."""
        manifest = self.manifest(flow)
        number = int(manifest.get("current", 0)) + 1
        self.versions_dir(flow).mkdir(parents=True, exist_ok=True)
        self.version_path(flow, number).write_text(text, encoding="utf-8")
        self.current_path(flow).write_text(text, encoding="utf-8")
        manifest["current"] = number
        manifest["versions"].append({
            "version": number, "file": self.version_path(flow, number).name, "sha256": sha(text),
            "created": datetime.now(UTC).isoformat(timespec="seconds"), "reason": reason,
            "blocks": changed})
        if module is not None:
            manifest["scaffold"] = sha(module.scaffold)
            manifest["shapes"] = {fn.label: sha(fn.shape) for fn in module.functions}
        self._write_manifest(flow, manifest)
        return number


def changed_in_run(result: RunResult) -> set[str]:
    """Labels of the blocks with a step resolved or healed in this run."""
    return {step.block for step in result.steps if step.status in CHANGED}


def plan(flow: Flow, result: RunResult, store: ScriptStore,
         params: dict[str, Any] | None = None) -> tuple[str | None, list[str], str, Module]:
    """The new text of the script (None: nothing to write), the blocks replaced, and why."""
    module = generate_module(flow, result, script_path=store.current_path(flow.name),
                             params=params)
    existing = store.current(flow.name)
    labels = [fn.label for fn in module.functions]
    if existing is None:
        return module.text, labels, "first version", module
    try:
        spans = block_spans(existing)
    except SyntaxError as exc:
        return module.text, labels, f"the current script did not parse (line {exc.lineno})", module
    manifest = store.manifest(flow.name)
    shapes = manifest.get("shapes", {})
    ran = changed_in_run(result) & set(labels)
    missing = {label for label in labels if label not in spans}
    edited = {fn.label for fn in module.functions
              if fn.label in shapes and shapes[fn.label] != sha(fn.shape)}
    removed = set(spans) - set(labels)
    scaffold = "scaffold" in manifest and manifest["scaffold"] != sha(module.scaffold)
    replace = ran | missing | edited
    if not replace and not scaffold and not removed:
        return None, [], "nothing resolved or healed", module
    if not (missing or removed or scaffold):
        text = splice(existing, module.text, replace)
    else:  # the module's layout changed: take the new one, keep the untouched functions
        text = splice(module.text, existing, set(labels) - replace)
    why = []
    if ran:
        why.append("resolved or healed: " + ", ".join(sorted(ran)))
    if missing:
        why.append("missing: " + ", ".join(sorted(missing)))
    if edited:
        why.append("changed in the flow: " + ", ".join(sorted(edited)))
    if removed:
        why.append("removed from the flow: " + ", ".join(sorted(removed)))
    if scaffold:
        why.append("parameters or block list changed")
    if sha(text) == sha(existing):
        return None, [], "regenerated text is identical", module
    return text, sorted(replace), "; ".join(why), module


def regenerate_report(flow: Flow, result: RunResult, folder: str | Path | None = None, *,
                      params: dict[str, Any] | None = None) -> Regeneration:
    """Like `regenerate`, but says what it decided and why."""
    store = ScriptStore(folder)
    if not result.passed:
        return Regeneration(None, None, [], "the run failed")
    if store.pinned(flow.name):
        return Regeneration(None, None, [], "pinned")
    text, changed, reason, module = plan(flow, result, store, params)
    if text is None:
        return Regeneration(None, None, [], reason)
    existing = store.current(flow.name)
    latest = store.manifest(flow.name).get("current", 0)
    if existing is not None and latest and existing != store.version(flow.name, latest):
        # keep the hand-edited script as a version of its own before regenerating over it
        store.write(flow.name, existing, reason="hand edits", changed=[])
    number = store.write(flow.name, text, reason=reason, changed=changed, module=module)
    return Regeneration(store.current_path(flow.name), number, changed, reason)


def regenerate(flow: Flow, result: RunResult, folder: str | Path | None = None, *,
               params: dict[str, Any] | None = None) -> Path | None:
    """After a passing run: write a new version of the flow's script when a block was
    resolved or healed (or is missing); return its path, or None when nothing was written.
    `params` are the run's values, so none of them leaks into a selector hint."""
    return regenerate_report(flow, result, folder, params=params).path
