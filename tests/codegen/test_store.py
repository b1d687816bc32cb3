"""Versions and regeneration: only what a run changed is rewritten; edits and pins hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from replaywright.codegen.cli import codegen_app
from replaywright.codegen.store import ScriptStore, block_spans, regenerate, regenerate_report
from replaywright.flow.loader import load_flow
from tests.codegen.helpers import WORKFLOW, assert_ruff_clean, fake_run

NEW = "page.get_by_test_id('new-place')"


@pytest.fixture
def flow(tmp_path: Path):
    path = tmp_path / "flows" / "shop.yaml"
    path.parent.mkdir()
    path.write_text(WORKFLOW)
    return load_flow(path)


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    return tmp_path / "scripts"


def _functions(text: str) -> dict[str, str]:
    lines = text.splitlines(keepends=True)
    return {label: "".join(lines[a - 1:b]) for label, (a, b) in block_spans(text).items()}


def _first(flow, scripts: Path) -> Path:
    path = regenerate(flow, fake_run(flow, default="resolved"), scripts)
    assert path == scripts / "shop_workflow.py"
    return path


def test_first_passing_run_writes_version_one(flow, scripts: Path) -> None:
    path = _first(flow, scripts)
    store = ScriptStore(scripts)
    manifest = json.loads((scripts / "shop_workflow" / "manifest.json").read_text())
    assert manifest["current"] == 1 and manifest["versions"][0]["reason"] == "first version"
    assert store.version(flow.name, 1) == path.read_text()
    assert_ruff_clean(path)
    assert regenerate(flow, fake_run(flow).model_copy(update={"passed": False}), scripts) is None


def test_unchanged_run_writes_nothing(flow, scripts: Path) -> None:
    path = _first(flow, scripts)
    before, mtime = path.read_text(), path.stat().st_mtime_ns
    report = regenerate_report(flow, fake_run(flow, default="cached"), scripts)
    assert report.path is None and report.reason == "nothing resolved or healed"
    # resolved again but to the same code (e.g. a cleared cache): same content, no version
    assert regenerate(flow, fake_run(flow, default="resolved"), scripts) is None
    assert path.read_text() == before and path.stat().st_mtime_ns == mtime
    assert ScriptStore(scripts).manifest(flow.name)["current"] == 1
    assert not (scripts / "shop_workflow" / "v2.py").exists()


def test_one_healed_block_changes_only_its_function(flow, scripts: Path) -> None:
    path = _first(flow, scripts)
    before = path.read_text()
    run = fake_run(flow, statuses={"to_checkout": "healed"}, selectors={"to_checkout": NEW})
    report = regenerate_report(flow, run, scripts)
    assert report.version == 2 and report.changed == ["to_checkout"]
    after = path.read_text()
    old, new = _functions(before), _functions(after)
    assert old.keys() == new.keys()
    assert [label for label in old if old[label] != new[label]] == ["to_checkout"]
    assert "get_by_test_id('new-place')" in new["to_checkout"]
    # outside the block functions, byte-identical too
    strip = lambda text, fns: "".join(text.split(fns["to_checkout"]))  # noqa: E731
    assert strip(before, old) == strip(after, new)
    diff = ScriptStore(scripts).diff(flow.name)
    assert diff.startswith("--- shop_workflow/v1.py\n+++ shop_workflow/v2.py")
    assert "+    await rw.click(\"the Cart link\", selector=\"get_by_test_id('new-place')\")" in diff
    assert diff.count("\n@@ ") == 1  # one hunk: the healed function
    assert_ruff_clean(path)


def test_hand_edit_in_another_block_survives(flow, scripts: Path) -> None:
    path = _first(flow, scripts)
    text = path.read_text()
    edited = text.replace('    await rw.wait(0.1)\n',
                          '    # slower on staging\n    await rw.wait(0.5)\n')
    edited = edited.replace('@script.block("login")\nasync def login(',
                            '# hand-written note about login\n@script.block("login")\n'
                            "async def login(")
    assert edited != text
    path.write_text(edited)
    run = fake_run(flow, statuses={"place_order": "healed"}, selectors={"place_order": NEW})
    report = regenerate_report(flow, run, scripts)
    assert report.changed == ["place_order"]
    after = path.read_text()
    assert "# slower on staging\n    await rw.wait(0.5)" in after
    assert "# hand-written note about login" in after
    assert "get_by_test_id('new-place')" in _functions(after)["place_order"]
    store = ScriptStore(scripts)
    manifest = store.manifest(flow.name)
    # the hand-edited script is kept as a version of its own before the regeneration
    assert [v["reason"] for v in manifest["versions"]][1] == "hand edits"
    assert store.version(flow.name, 2) == edited
    assert store.version(flow.name, 3) == after


def test_hand_edit_in_the_healed_block_is_replaced(flow, scripts: Path) -> None:
    path = _first(flow, scripts)
    path.write_text(path.read_text().replace('"the Cart link"', '"the Basket link"'))
    run = fake_run(flow, statuses={"to_checkout": "healed"})
    regenerate(flow, run, scripts)
    assert '"the Cart link"' in path.read_text()


def test_pinned_script_is_never_rewritten(flow, scripts: Path) -> None:
    path = _first(flow, scripts)
    before = path.read_text()
    store = ScriptStore(scripts)
    store.pin(flow.name)
    run = fake_run(flow, default="healed", selector=NEW)
    assert regenerate_report(flow, run, scripts).reason == "pinned"
    assert path.read_text() == before and store.manifest(flow.name)["current"] == 1
    store.pin(flow.name, pinned=False)
    assert regenerate(flow, run, scripts) == path and path.read_text() != before


def test_missing_block_is_regenerated_and_edits_elsewhere_kept(flow, scripts: Path) -> None:
    path = _first(flow, scripts)
    text = path.read_text()
    functions = _functions(text)
    edited = text.replace(functions["settle"], "").replace("wait(0.1)", "wait(9)")
    edited = edited.replace('"1 Main Street"', '"2 Side Road"')
    path.write_text(edited)
    report = regenerate_report(flow, fake_run(flow), scripts)
    assert report.changed == ["settle"] and "missing: settle" in report.reason
    after = path.read_text()
    assert "settle" in block_spans(after)
    assert '"2 Side Road"' in after


def test_flow_edit_regenerates_the_edited_block(flow, scripts: Path, tmp_path: Path) -> None:
    path = _first(flow, scripts)
    source = tmp_path / "flows" / "shop.yaml"
    source.write_text(WORKFLOW.replace("wait: 0.1s", "wait: 2s").replace(
        "  express: \"true\"\n", "  express: \"true\"\n  note: hello\n"))
    changed = load_flow(source)
    report = regenerate_report(changed, fake_run(changed), scripts)
    assert report.changed == ["settle"], report
    after = path.read_text()
    assert "await rw.wait(2)" in after and "    note: str\n" in after
    assert '"--note"' in after


def test_codegen_cli_show_diff_pin(flow, scripts: Path) -> None:
    app = typer.Typer()
    app.add_typer(codegen_app)

    @app.command()
    def other() -> None:  # a second command, as in the real CLI
        pass

    cli = CliRunner()
    missing = cli.invoke(app, ["codegen", str(flow.path), "--scripts", str(scripts)])
    assert missing.exit_code == 1 and "no generated script" in missing.output
    path = _first(flow, scripts)
    shown = cli.invoke(app, ["codegen", str(flow.path), "--scripts", str(scripts)])
    assert shown.exit_code == 0 and shown.output == path.read_text()
    regenerate(flow, fake_run(flow, statuses={"login": "healed"}, selectors={"login": NEW}),
               scripts)
    diff = cli.invoke(app, ["codegen", "shop-workflow", "--scripts", str(scripts), "--diff"])
    assert diff.exit_code == 0 and "+++ shop_workflow/v2.py" in diff.output
    pinned = cli.invoke(app, ["codegen", "shop-workflow", "--scripts", str(scripts), "--pin"])
    assert pinned.exit_code == 0 and "pinned" in pinned.output
    assert ScriptStore(scripts).pinned(flow.name)
    cli.invoke(app, ["codegen", "shop-workflow", "--scripts", str(scripts), "--unpin"])
    assert not ScriptStore(scripts).pinned(flow.name)
