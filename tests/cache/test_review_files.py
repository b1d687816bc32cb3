"""`cache export --format yaml` / `cache import DIR`: the cache as one reviewable file per
flow, stable across runs, where a changed element is a readable diff."""

from __future__ import annotations

import difflib
from pathlib import Path

from typer.testing import CliRunner

from replaywright.cache.cli import cache_app
from replaywright.cache.entry import CacheEntry
from replaywright.cache.sqlite import SQLiteStore
from replaywright.model import Fingerprint, Selector, utcnow

runner = CliRunner()


def _entry(key: str, step: str, name: str, flow: str = "checkout") -> CacheEntry:
    return CacheEntry(key=key, scope="main", flow=flow, step=step, action="click",
                      fingerprint=Fingerprint(tag="button", role="button", accessible_name=name,
                                              x=10, y=20, width=80, height=30),
                      selectors=[Selector(kind="role", value=name, role="button")],
                      code=f'page.get_by_role("button", name="{name}").click()',
                      data={"image": "aGVsbG8="})


def _seed(db: Path) -> None:
    store = SQLiteStore(db)
    store.put(_entry("k2", "Click the Sign in button", "Sign in"))
    store.put(_entry("k1", "Click the Buy button", "Buy"))
    store.put(_entry("k3", "Click Home", "Home", flow="other flow/with slash"))
    store.close()


def _export(db: Path, out: Path) -> str:
    result = runner.invoke(cache_app, ["export", "--format", "yaml", str(out),
                                       "--cache", str(db)])
    assert result.exit_code == 0, result.output
    return (out / "checkout.yaml").read_text()


def test_export_writes_one_sorted_file_per_flow_without_churn(tmp_path: Path) -> None:
    db, out = tmp_path / "c.db", tmp_path / "review"
    _seed(db)
    text = _export(db, out)
    assert sorted(p.name for p in out.iterdir()) == ["checkout.yaml", "other-flow-with-slash.yaml"]
    assert text.index("Click the Buy button") < text.index("Click the Sign in button")
    for churn in ("hits", "last_used_at", "updated_at", "version", "aGVsbG8="):
        assert churn not in text
    # a run that only replays (hits, timestamps) leaves the file byte for byte the same
    store = SQLiteStore(db)
    store.touch("main", "k1", utcnow())
    store.close()
    assert _export(db, out) == text


def test_a_changed_element_is_a_readable_diff_and_imports_back(tmp_path: Path) -> None:
    db, out = tmp_path / "c.db", tmp_path / "review"
    _seed(db)
    before = _export(db, out)
    store = SQLiteStore(db)
    old = store.get("main", "k2")
    assert old is not None
    store.put(old.healed(Fingerprint(tag="button", role="button", accessible_name="Log in"),
                         [Selector(kind="role", value="Log in", role="button")], "reworded",
                         'page.get_by_role("button", name="Log in").click()', old.usage))
    store.close()
    after = _export(db, out)
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="") if line[:1] in "+-"]
    assert "+  element: <button> 'Log in'" in diff
    assert "-  element: <button> 'Sign in'" in diff
    assert not any("Buy" in line for line in diff)  # the other steps do not move

    # into a fresh store: every entry; into the one it came from: nothing changes
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(cache_app, ["import", str(out), "--cache", str(fresh)])
    assert result.exit_code == 0, result.output
    assert "imported 3 changed entries, 0 unchanged" in result.stdout
    store = SQLiteStore(fresh)
    got = store.get("main", "k2")
    store.close()
    assert got is not None and got.fingerprint is not None
    assert got.fingerprint.accessible_name == "Log in" and got.flow == "checkout"
    result = runner.invoke(cache_app, ["import", str(out), "--cache", str(db)])
    assert "imported 0 changed entries, 3 unchanged" in result.stdout


def test_a_bad_review_file_names_where_and_changes_nothing(tmp_path: Path) -> None:
    db, out = tmp_path / "c.db", tmp_path / "review"
    _seed(db)
    _export(db, out)
    edited = (out / "checkout.yaml").read_text().replace("Sign in", "Log in")
    (out / "checkout.yaml").write_text(edited)
    (out / "other-flow-with-slash.yaml").write_text("flow: x\nentries:\n  - step: [unclosed\n")
    result = runner.invoke(cache_app, ["import", str(out), "--cache", str(db)])
    assert result.exit_code != 0
    assert "other-flow-with-slash.yaml:4: not valid YAML" in result.output
    store = SQLiteStore(db)
    kept = store.get("main", "k2")
    store.close()
    assert kept is not None and kept.fingerprint is not None
    assert kept.fingerprint.accessible_name == "Sign in"  # the good file was not applied either


def test_an_entry_that_is_not_a_cache_entry_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "flow.yaml"
    bad.write_text("flow: f\nentries:\n  - step: Click Go\n    key: k\n    selectors:\n"
                   "      - kind: role\n")  # a selector without its value
    result = runner.invoke(cache_app, ["import", str(bad), "--cache", str(tmp_path / "c.db")])
    assert result.exit_code != 0
    assert "flow.yaml: entry 1 ('Click Go'): selectors.0.value: Field required" in result.output
