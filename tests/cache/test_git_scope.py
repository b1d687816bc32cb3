"""Git isolation on a throwaway repository: main per commit, branches, merge base, merges."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from replaywright.cache.entry import CacheEntry
from replaywright.cache.git import cache_scope, current_branch, finish, lookup, record_head
from replaywright.cache.sqlite import SQLiteStore

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
NO_CI: dict[str, str] = {}  # no GITHUB_*/REPLAYWRIGHT_* hints


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def commit(repo: Path, name: str) -> str:
    (repo / name).write_text(name)
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", name)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    return path


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "cache.db")
    yield s
    s.close()


def save(store, scope, key: str, step: str) -> None:
    store.put(CacheEntry(key=key, scope=scope.write, step=step))


def test_outside_git_one_default_scope(tmp_path: Path) -> None:
    scope = cache_scope(tmp_path, env=NO_CI)
    assert scope.read == ["default"] and scope.write == "default"
    assert scope.branch is None
    assert current_branch(tmp_path, env=NO_CI) is None


def test_repository_without_commits_is_default(repo: Path) -> None:
    assert cache_scope(repo, env=NO_CI).write == "default"


def test_main_keeps_a_cache_per_commit(repo: Path, store) -> None:
    a = commit(repo, "a")
    s1 = cache_scope(repo, env=NO_CI)
    assert s1.trunk and s1.write == f"main@{a}" and s1.read == [f"main@{a}"]
    save(store, s1, "k1", "from A")
    finish(store, s1)

    b = commit(repo, "b")
    s2 = cache_scope(repo, env=NO_CI)
    assert s2.write == f"main@{b}"
    assert s2.read[:2] == [f"main@{b}", f"main@{a}"]
    assert lookup(store, s2, "k1").step == "from A"  # the previous commit's cache
    assert s2.resolve(store) == [f"main@{b}", f"main@{a}"]
    # a saved run on main carries entries forward: main@B is complete on its own
    assert finish(store, s2) == 1
    assert store.get(f"main@{b}", "k1").step == "from A"
    assert store.get(f"main@{a}", "k1").step == "from A"  # A's cache is kept per commit


def test_branch_reads_own_scope_then_merge_base(repo: Path, store) -> None:
    commit(repo, "a")
    base = commit(repo, "b")
    on_main = cache_scope(repo, env=NO_CI)
    save(store, on_main, "k1", "main at merge base")

    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "c")
    s = cache_scope(repo, env=NO_CI)
    assert not s.trunk and s.branch == "feature"
    assert s.write == "branch:feature"
    assert s.read[:2] == ["branch:feature", f"main@{base}"]
    assert lookup(store, s, "k1").step == "main at merge base"  # seeded from the merge base

    # the branch writes its own scope; main's cache is untouched
    save(store, s, "k1", "healed on feature")
    assert lookup(store, s, "k1").step == "healed on feature"
    assert store.get(f"main@{base}", "k1").step == "main at merge base"

    # main moving on does not change what the branch falls back to
    git(repo, "checkout", "-q", "main")
    commit(repo, "d")
    git(repo, "checkout", "-q", "feature")
    assert cache_scope(repo, env=NO_CI).read[1] == f"main@{base}"


def test_branch_keeps_only_its_latest(repo: Path, store) -> None:
    commit(repo, "a")
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "c1")
    s1 = cache_scope(repo, env=NO_CI)
    save(store, s1, "k", "first")
    commit(repo, "c2")
    s2 = cache_scope(repo, env=NO_CI)
    assert s2.write == s1.write == "branch:feature"  # one scope per branch
    save(store, s2, "k", "second")
    assert [e.step for e in store.entries("branch:feature")] == ["second"]
    assert store.get("branch:feature", "k").version == 2


def test_merge_into_main_reads_branch_and_previous_commit(repo: Path, store) -> None:
    commit(repo, "a")
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "c")
    feature = cache_scope(repo, env=NO_CI)
    save(store, feature, "k-branch", "written on feature")
    save(store, feature, "k-both", "feature's version")
    finish(store, feature)  # records the branch head
    assert store.get_meta("head:branch:feature") == feature.head

    # an unrelated branch must not be merged in
    git(repo, "checkout", "-q", "-b", "other", "main")
    commit(repo, "o")
    other = cache_scope(repo, env=NO_CI)
    save(store, other, "k-other", "other branch")
    record_head(store, other)

    git(repo, "checkout", "-q", "main")
    d = commit(repo, "d")
    main_d = cache_scope(repo, env=NO_CI)
    save(store, main_d, "k-main", "main before merge")
    save(store, main_d, "k-both", "main's version")

    git(repo, "merge", "-q", "--no-ff", "-m", "merge feature", "feature")
    merge = cache_scope(repo, env=NO_CI)
    assert merge.trunk and merge.write == f"main@{merge.head}"
    assert merge.merged and feature.head in merge.merged
    assert merge.resolve(store) == [merge.write, "branch:feature", f"main@{d}"]
    assert lookup(store, merge, "k-branch").step == "written on feature"
    assert lookup(store, merge, "k-main").step == "main before merge"
    assert lookup(store, merge, "k-both").step == "feature's version"  # the branch is newer
    assert lookup(store, merge, "k-other") is None

    # after the first saved run on the merge commit, main@M holds the combination
    finish(store, merge)
    steps = {e.key: e.step for e in store.entries(merge.write)}
    assert steps == {"k-branch": "written on feature", "k-main": "main before merge",
                     "k-both": "feature's version"}
    # and the next commit on main hits from it
    commit(repo, "e")
    nxt = cache_scope(repo, env=NO_CI)
    assert lookup(store, nxt, "k-branch").step == "written on feature"


def test_merge_finds_branch_saved_before_its_last_commit(repo: Path, store) -> None:
    commit(repo, "a")
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "c1")
    s = cache_scope(repo, env=NO_CI)
    save(store, s, "k", "feature")
    finish(store, s)
    commit(repo, "c2-docs-only")  # no run at this commit
    git(repo, "checkout", "-q", "main")
    commit(repo, "d")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "feature")
    assert lookup(store, cache_scope(repo, env=NO_CI), "k").step == "feature"


def test_detached_head_and_overrides(repo: Path) -> None:
    a = commit(repo, "a")
    commit(repo, "b")
    git(repo, "checkout", "-q", "--detach", a)
    s = cache_scope(repo, env=NO_CI)
    assert s.trunk and s.write == f"main@{a}"  # on main's history
    s = cache_scope(repo, env={"GITHUB_HEAD_REF": "pr-branch"})
    assert s.write == "branch:pr-branch"
    s = cache_scope(repo, env={"REPLAYWRIGHT_BRANCH": "custom"})
    assert s.write == "branch:custom"
    git(repo, "checkout", "-q", "-b", "side")
    c = commit(repo, "c")
    git(repo, "checkout", "-q", "--detach", c)
    s = cache_scope(repo, env=NO_CI)
    assert s.write == f"branch:detached-{c[:12]}"
    assert s.read[1] == f"main@{a}"  # its merge base with main


def test_master_as_main(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "master")
    a = commit(repo, "a")
    assert cache_scope(repo, env=NO_CI).write == f"main@{a}"
    git(repo, "checkout", "-q", "-b", "trunk2")
    assert cache_scope(repo, env=NO_CI, main="trunk2").trunk


def test_lookup_skips_expired_and_touches(repo: Path, store) -> None:
    from datetime import timedelta

    from replaywright.model import utcnow

    commit(repo, "a")
    s = cache_scope(repo, env=NO_CI)
    store.put(CacheEntry(key="old", scope=s.write, last_used_at=utcnow() - timedelta(days=100)))
    store.put(CacheEntry(key="new", scope=s.write))
    assert lookup(store, s, "old") is not None
    assert lookup(store, s, "old", ttl_days=90) is None
    assert lookup(store, s, "new", ttl_days=90, touch=True) is not None
    assert store.get(s.write, "new").hits == 1
