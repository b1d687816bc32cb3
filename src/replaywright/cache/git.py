"""Git isolation: which cache scopes a run reads, and which one it writes.

Scopes:

- `main@<sha>`: main keeps a cache per commit. A run on main at commit S reads `main@S`,
  then main's earlier commits along the first-parent line (the newest cached one wins).
- `branch:<name>`: any other branch keeps only its latest entries, one scope per branch
  (a write replaces that key in the branch's scope). A branch reads its own scope, then
  falls back to main's cache at its merge base with main (and that commit's first-parent
  ancestors).
- When main's HEAD is a merge commit, its read list also holds the merged branch's scope,
  before main's previous commit, so the first run after a merge hits. The merged branch is
  found through store metadata: after a saved run a branch records its head commit
  (`record_head`, meta name `head:branch:<name>`); at the merge, the branch scope whose
  recorded head is among the commits the merge brought in (`git rev-list P1..P2`) is read.
- `default`: outside git (or in a repository without commits), one scope.

The engine:

    scope = cache_scope(cwd)
    read = scope.resolve(store)       # concrete read list (or use lookup() per key)
    entry = lookup(store, scope, key) # first hit wins
    ... write entries with scope=scope.write ...
    finish(store, scope)              # after a *saved* run: record head / carry forward
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from replaywright.cache.entry import CacheEntry
from replaywright.cache.policy import PROTECTED_BRANCHES, is_expired
from replaywright.model import utcnow

if TYPE_CHECKING:
    from replaywright.cache.store import Store

DEFAULT_SCOPE = "default"
MAIN_PREFIX = "main@"
BRANCH_PREFIX = "branch:"
HEAD_META = "head:"
ANCESTORS = 20  # first-parent commits of main searched for a cached ancestor
MERGED_MAX = 1000  # commits of a merged branch considered when looking for its scope


@dataclass
class CacheScope:
    """Where a run reads (in order, first hit wins) and writes.

    `read` lists candidate scopes from git alone; `resolve(store)` narrows them to scopes
    that exist in the store and adds the scope of a branch merged at HEAD.
    """

    read: list[str]
    write: str
    branch: str | None = None  # the git branch, None outside git
    head: str | None = None  # HEAD commit
    trunk: bool = False  # True on main
    merged: list[str] = field(default_factory=list)  # commits brought in by a merge at HEAD
    _resolved: dict[int, list[str]] = field(default_factory=dict, repr=False, compare=False)

    def resolve(self, store: Store, refresh: bool = False) -> list[str]:
        """The concrete read list for `store` (memoised per store object)."""
        cached = self._resolved.get(id(store))
        if cached is not None and not refresh:
            return cached
        order = list(self.read)
        if self.merged:
            position = {sha: i for i, sha in enumerate(self.merged)}
            heads = [(position[sha], name[len(HEAD_META):])
                     for name, sha in store.list_meta(HEAD_META).items() if sha in position]
            branch_scopes = [s for _, s in sorted(heads) if s not in order]
            order[1:1] = branch_scopes  # after main@HEAD, before main's previous commit
        existing = set(store.scopes())
        resolved = [s for s in order if s == self.write or s in existing]
        self._resolved[id(store)] = resolved
        return resolved


def _git(cwd: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                             timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _branch_from_env(env: Mapping[str, str]) -> str | None:
    """The branch CI checked out when HEAD is detached (GitHub Actions, GitLab CI)."""
    if env.get("GITHUB_HEAD_REF"):
        return env["GITHUB_HEAD_REF"]
    if env.get("GITHUB_REF", "").startswith("refs/heads/"):
        return env["GITHUB_REF"][len("refs/heads/"):]
    return env.get("CI_COMMIT_BRANCH") or None


def _main_ref(cwd: Path, main: str | None) -> tuple[str, str | None]:
    """(main branch name, a ref that resolves to it or None)."""
    names = [main] if main else ["main", "master"]
    for name in names:
        for ref in (f"refs/heads/{name}", f"refs/remotes/origin/{name}"):
            if _git(cwd, "rev-parse", "--verify", "-q", ref) is not None:
                return name, ref
    return names[0], None


def _first_parents(cwd: Path, commit: str, n: int) -> list[str]:
    out = _git(cwd, "rev-list", "--first-parent", f"--max-count={n}", commit)
    return out.split() if out else [commit]


def current_branch(cwd: str | Path = ".", env: Mapping[str, str] | None = None) -> str | None:
    """The checked-out branch (or CI's branch when detached); None outside git."""
    env = os.environ if env is None else env
    cwd = Path(cwd)
    if env.get("REPLAYWRIGHT_BRANCH"):
        return env["REPLAYWRIGHT_BRANCH"]
    if _git(cwd, "rev-parse", "--is-inside-work-tree") != "true":
        return None
    return _git(cwd, "symbolic-ref", "--short", "-q", "HEAD") or _branch_from_env(env)


def cache_scope(cwd: str | Path = ".", *, main: str | None = None,
                env: Mapping[str, str] | None = None,
                ancestors: int = ANCESTORS) -> CacheScope:
    """Compute the scopes of a run started in `cwd`.

    `main` names the trunk branch (default: `REPLAYWRIGHT_MAIN_BRANCH`, else `main`, else
    `master`). `REPLAYWRIGHT_BRANCH` overrides the branch name (useful in CI checkouts with
    a detached HEAD; GitHub/GitLab variables are used automatically).
    """
    env = os.environ if env is None else env
    cwd = Path(cwd)
    default = CacheScope(read=[DEFAULT_SCOPE], write=DEFAULT_SCOPE)
    if _git(cwd, "rev-parse", "--is-inside-work-tree") != "true":
        return default
    head = _git(cwd, "rev-parse", "--verify", "-q", "HEAD")
    if head is None:  # a repository without commits
        return default
    main_name, main_ref = _main_ref(cwd, main or env.get("REPLAYWRIGHT_MAIN_BRANCH"))
    branch = current_branch(cwd, env)
    if branch is None:  # detached, no CI hint: main if HEAD is on main's history
        on_main = main_ref is not None and _git(
            cwd, "merge-base", "--is-ancestor", head, main_ref) is not None
        branch = main_name if on_main else f"detached-{head[:12]}"

    if branch == main_name:
        parents = (_git(cwd, "rev-list", "--parents", "-n", "1", head) or head).split()[1:]
        merged: list[str] = []
        if len(parents) >= 2:
            out = _git(cwd, "rev-list", f"--max-count={MERGED_MAX}",
                       f"{parents[0]}..{parents[1]}")
            merged = out.split() if out else []
        read = [MAIN_PREFIX + sha for sha in _first_parents(cwd, head, ancestors + 1)]
        return CacheScope(read=read, write=MAIN_PREFIX + head, branch=branch, head=head,
                          trunk=True, merged=merged)

    own = BRANCH_PREFIX + branch
    read = [own]
    if main_ref is not None:
        base = _git(cwd, "merge-base", head, main_ref)
        if base:
            read += [MAIN_PREFIX + sha for sha in _first_parents(cwd, base, ancestors + 1)]
    return CacheScope(read=read, write=own, branch=branch, head=head)


def lookup(store: Store, scope: CacheScope, key: str, *, ttl_days: int | None = None,
           touch: bool = False, now: datetime | None = None) -> CacheEntry | None:
    """The entry for `key` from the first scope of `scope.resolve(store)` that has it.

    With `ttl_days`, expired entries are skipped (as if absent). With `touch`, the hit's
    last-used time and hit count are refreshed. `CorruptEntry` propagates (the engine
    reports it and resolves the step afresh).
    """
    for name in scope.resolve(store):
        entry = store.get(name, key)
        if entry is None:
            continue
        if ttl_days is not None and is_expired(entry, ttl_days, now):
            continue
        if touch:
            store.touch(name, key, now or utcnow())
        return entry
    return None


def record_head(store: Store, scope: CacheScope) -> None:
    """Remember which commit a branch scope was last saved at, so a merge into main can
    find it. No-op on main and outside git."""
    if scope.head and not scope.trunk and scope.write.startswith(BRANCH_PREFIX):
        store.set_meta(HEAD_META + scope.write, scope.head)


def finish(store: Store, scope: CacheScope) -> int:
    """Call once after a run whose entries were saved (see `policy.save_decision`).

    On a branch: records the branch head (for merges). On main: carries forward into
    `main@HEAD` the entries of the scopes it read (earliest scope in the read order wins,
    existing keys kept), so each commit of main has a complete cache and the next commit
    finds everything one step back. Returns the number of entries carried forward.
    """
    if not scope.trunk:
        record_head(store, scope)
        return 0
    copied = 0
    for name in scope.resolve(store, refresh=True):
        if name != scope.write:
            copied += store.copy_scope(name, scope.write)
    return copied


def protected_branch(branch: str | None, protected: Sequence[str] = PROTECTED_BRANCHES) -> bool:
    return branch is not None and branch in protected
