"""One store test suite, run against SQLite, PostgreSQL and the server (see conftest)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from replaywright.cache.entry import CacheEntry, HistoryItem
from replaywright.cache.store import CorruptEntry, VersionConflict
from replaywright.model import Fingerprint, Selector, Usage, utcnow


def make(key: str = "k1", scope: str = "default", **kw) -> CacheEntry:
    return CacheEntry(key=key, scope=scope, flow="login", step="Click the Sign in button",
                      action="click", **kw)


def test_get_missing(store) -> None:
    assert store.get("default", "nope") is None


def test_put_get_roundtrip(store) -> None:
    fp = Fingerprint(tag="button", role="button", accessible_name="Sign in", x=10, y=20,
                     classes=["btn", "primary"], attributes={"data-x": "1"})
    entry = make(fingerprint=fp, selectors=[Selector(kind="role", value="button[name='Sign in']")],
                 code="page.get_by_role('button', name='Sign in').click()",
                 resolver="local", usage=Usage(calls=1, input_tokens=10, cost_usd=0.01),
                 data={"image": "abc", "n": [1, 2]},
                 history=[HistoryItem(reason="moved", fingerprint=fp)])
    stored = store.put(entry)
    assert stored.version == 1
    got = store.get("default", "k1")
    assert got is not None
    assert got.version == 1
    assert got.fingerprint == fp and got.selectors == entry.selectors
    assert got.code == entry.code and got.usage == entry.usage and got.data == entry.data
    assert got.history[0].reason == "moved"
    assert got.flow == "login" and got.step == "Click the Sign in button"


def test_put_replaces_and_bumps_version(store) -> None:
    store.put(make(code="a"))
    second = store.put(make(code="b"))
    assert second.version == 2
    assert store.get("default", "k1").code == "b"


def test_compare_and_set(store) -> None:
    first = store.put(make(), expected_version=0)  # 0: must not exist yet
    assert first.version == 1
    with pytest.raises(VersionConflict):
        store.put(make(), expected_version=0)
    assert store.put(make(code="x"), expected_version=1).version == 2
    with pytest.raises(VersionConflict):
        store.put(make(code="stale"), expected_version=1)
    assert store.get("default", "k1").code == "x"
    with pytest.raises(VersionConflict):
        store.put(make(key="new"), expected_version=3)
    assert store.get("default", "new") is None


def test_scopes_are_separate(store) -> None:
    store.put(make(scope="a", code="in a"))
    store.put(make(scope="b", code="in b"))
    assert store.get("a", "k1").code == "in a"
    assert store.get("b", "k1").code == "in b"
    assert store.get("c", "k1") is None


def test_touch_refreshes_last_used_and_counts_hits(store) -> None:
    old = utcnow() - timedelta(days=10)
    store.put(make(last_used_at=old))
    now = utcnow()
    store.touch("default", "k1", now)
    store.touch("default", "k1", now)
    got = store.get("default", "k1")
    assert got.hits == 2
    assert abs((got.last_used_at - now).total_seconds()) < 1
    store.touch("default", "missing", now)  # ignored


def test_delete(store) -> None:
    store.put(make())
    assert store.delete("default", "k1") is True
    assert store.delete("default", "k1") is False
    assert store.get("default", "k1") is None


def test_entries_listing_and_paging(store) -> None:
    for i in range(3):
        store.put(make(key=f"a{i}", scope="s1"))
    store.put(make(key="b", scope="s2"))
    assert [e.key for e in store.entries("s1")] == ["a0", "a1", "a2"]
    assert sorted((e.scope, e.key) for e in store.entries()) == [
        ("s1", "a0"), ("s1", "a1"), ("s1", "a2"), ("s2", "b")]


def test_entries_more_than_one_page(store) -> None:
    for i in range(520):
        store.put(make(key=f"k{i:04d}", scope="big"))
    keys = [e.key for e in store.entries("big")]
    assert keys == [f"k{i:04d}" for i in range(520)]


def test_purge_unused(store) -> None:
    now = utcnow()
    store.put(make(key="old", last_used_at=now - timedelta(days=91)))
    store.put(make(key="new", last_used_at=now))
    assert store.purge(now - timedelta(days=90)) == 1
    assert store.get("default", "old") is None
    assert store.get("default", "new") is not None


def test_scopes_copy_and_delete(store) -> None:
    store.put(make(key="x", scope="src", code="src-x"))
    store.put(make(key="y", scope="src", code="src-y"))
    store.put(make(key="x", scope="dst", code="dst-x"))
    assert store.scopes() == ["dst", "src"]
    assert store.copy_scope("src", "dst") == 1  # existing keys kept
    assert store.get("dst", "x").code == "dst-x"
    assert store.get("dst", "y").code == "src-y"
    assert store.get("dst", "y").version == 1
    assert store.copy_scope("src", "dst", overwrite=True) == 2
    assert store.get("dst", "x").code == "src-x"
    assert store.delete_scope("dst") == 2
    assert store.scopes() == ["src"]


def test_meta(store) -> None:
    assert store.get_meta("head:branch:x") is None
    store.set_meta("head:branch:x", "abc")
    store.set_meta("head:branch:x", "def")
    store.set_meta("other", "1")
    assert store.get_meta("head:branch:x") == "def"
    assert store.list_meta("head:") == {"head:branch:x": "def"}
    assert store.list_meta() == {"head:branch:x": "def", "other": "1"}


@pytest.mark.parametrize("key", [
    "'; DROP TABLE entries; --",
    "1' OR '1'='1",
    "../../../../etc/passwd",
    "..\\..\\windows\\system32",
    "%2e%2e%2fetc%2fpasswd",
    "a/b/c?x=1&y=2#frag",
    "ключ-🙂-鍵",
    "$(rm -rf /)",
])
def test_hostile_keys_are_data(store, key: str) -> None:
    scope = "branch:feature/x; DROP TABLE meta"
    store.put(make(key=key, scope=scope, code=key))
    got = store.get(scope, key)
    assert got is not None and got.key == key and got.code == key
    assert [e.key for e in store.entries(scope)] == [key]
    store.put(make(key="other"))
    assert store.get("default", "other") is not None  # tables intact
    assert store.delete(scope, key)


def test_corrupt_row_is_reported_not_dropped(backend) -> None:
    store = backend.store
    store.put(make(key="good1"))
    store.put(make(key="bad"))
    store.put(make(key="good2"))
    backend.corrupt("default", "bad", "{garbage")
    with pytest.raises(CorruptEntry) as info:
        store.get("default", "bad")
    assert info.value.key == "bad" and "bad" in str(info.value)
    assert store.get("default", "good1") is not None
    assert store.get("default", "good2") is not None
    seen: list[CorruptEntry] = []
    keys = [e.key for e in store.entries(on_corrupt=seen.append)]
    assert keys == ["good1", "good2"] and [c.key for c in seen] == ["bad"]
    with pytest.raises(CorruptEntry):
        list(store.entries())


def test_valid_json_wrong_shape_is_corrupt(backend) -> None:
    backend.store.put(make(key="shape"))
    backend.corrupt("default", "shape", '{"key": 5, "usage": "lots"}')
    with pytest.raises(CorruptEntry):
        backend.store.get("default", "shape")


def test_concurrent_cas_increments_lose_nothing(store) -> None:
    """Several threads read-modify-write one entry with CAS; every increment lands."""
    store.put(make(key="counter", data={"n": 0}))
    threads, per_thread = 4, 15

    def worker() -> None:
        done = 0
        while done < per_thread:
            entry = store.get("default", "counter")
            bumped = entry.model_copy(update={"data": {"n": entry.data["n"] + 1}})
            try:
                store.put(bumped, expected_version=entry.version)
                done += 1
            except VersionConflict:
                continue

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    final = store.get("default", "counter")
    assert final.data["n"] == threads * per_thread
    assert final.version == threads * per_thread + 1
