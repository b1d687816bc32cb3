"""`replaywright cache …` commands (`replaywright serve …` is `replaywright.server`).

Mount with::

    app.add_typer(cache_app, name="cache")

or run standalone: `python -m replaywright.cache.cli cache ls`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError

from replaywright.cache.entry import CacheEntry
from replaywright.cache.factory import CACHE_ENV, TOKEN_ENV, open_store
from replaywright.cache.policy import purge_expired, ttl_days
from replaywright.cache.sqlite import SQLiteStore
from replaywright.cache.store import CacheDamaged, CorruptEntry, Store
from replaywright.exits import ErrorsToExits

cache_app = typer.Typer(cls=ErrorsToExits, help="Inspect and manage the step cache.",
                        no_args_is_help=True)

CacheOpt = Annotated[str | None, typer.Option(
    "--cache", envvar=CACHE_ENV, show_envvar=True,
    help="Cache URL: file path / sqlite:///…, postgresql://…, http(s)://… "
         "(default: .replaywright/cache.db).")]
TokenOpt = Annotated[str | None, typer.Option(
    "--token", envvar=TOKEN_ENV, show_envvar=True, help="API token for an http(s) cache.")]
ScopeOpt = Annotated[str | None, typer.Option("--scope", help="Only this scope.")]


def _open(cache: str | None, token: str | None) -> Store:
    """The store a command works on. Its errors end the command through `ErrorsToExits`:
    one line, exit 2 for configuration (bad URL, refused token), 1 for a failure on the way.
    A damaged SQLite file is read through a rescued copy: every readable row is there."""
    try:
        return open_store(cache, token)
    except CacheDamaged as exc:
        if exc.path is None:
            raise
        from replaywright.cache.doctor import RescuedCopy

        return RescuedCopy(exc.path)


_S = TypeVar("_S", bound=Store)


@contextmanager
def _using(store: _S) -> Iterator[_S]:
    """The store for one command, closed afterwards."""
    try:
        yield store
    finally:
        store.close()


def _when(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M")


def _report_corrupt(exc: CorruptEntry) -> None:
    typer.echo(f"warning: {exc}", err=True)


# -- cache ---------------------------------------------------------------------------------

@cache_app.command("ls")
def ls(cache: CacheOpt = None, token: TokenOpt = None, scope: ScopeOpt = None) -> None:
    """List entries: scope, key, flow, step, hits, heals, last used."""
    with _using(_open(cache, token)) as store:
        n = 0
        for e in store.entries(scope, on_corrupt=_report_corrupt):
            n += 1
            typer.echo(f"{e.scope}\t{e.key}\t{e.flow}\t{e.step}\thits={e.hits}"
                       f"\theals={e.heals}\tv{e.version}\t{_when(e.last_used_at)}")
        typer.echo(f"{n} entr{'y' if n == 1 else 'ies'}", err=True)


@cache_app.command("show")
def show(key: Annotated[str, typer.Argument(help="Entry key (or a unique prefix).")],
         cache: CacheOpt = None, token: TokenOpt = None, scope: ScopeOpt = None) -> None:
    """Print entries with this key (in every scope unless --scope) as JSON."""
    with _using(_open(cache, token)) as store:
        if scope is not None and (entry := store.get(scope, key)) is not None:
            found = [entry]
        else:
            found = [e for e in store.entries(scope, on_corrupt=_report_corrupt)
                     if e.key.startswith(key)]
        if not found:
            typer.echo(f"no entry {key!r}" + (f" in scope {scope!r}" if scope else ""),
                       err=True)
            raise typer.Exit(1)
        for entry in found:
            typer.echo(entry.model_dump_json(indent=2))


@cache_app.command("rm")
def rm(key: Annotated[str | None, typer.Argument(help="Entry key; omit with --scope to "
                                                      "remove the whole scope.")] = None,
       cache: CacheOpt = None, token: TokenOpt = None, scope: ScopeOpt = None) -> None:
    """Remove one entry (from --scope, or from every scope), or a whole scope."""
    if key is None and scope is None:
        typer.echo("error: give a KEY, or --scope to remove a whole scope", err=True)
        raise typer.Exit(2)
    with _using(_open(cache, token)) as store:
        if key is None:
            assert scope is not None  # refused above when both are missing
            n = store.delete_scope(scope)
        elif scope is not None:
            n = int(store.delete(scope, key))
        else:
            n = sum(int(store.delete(s, key)) for s in store.scopes())
        typer.echo(f"removed {n} entr{'y' if n == 1 else 'ies'}")
        if n == 0 and key is not None:
            raise typer.Exit(1)


@cache_app.command("purge")
def purge(cache: CacheOpt = None, token: TokenOpt = None,
          days: Annotated[int | None, typer.Option(
              "--days", min=0, help="Remove entries unused for this many days "
                                    "(default REPLAYWRIGHT_CACHE_TTL_DAYS or 90).")] = None,
          ) -> None:
    """Remove expired entries (unused for 90 days by default)."""
    with _using(_open(cache, token)) as store:
        n = purge_expired(store, ttl_days() if days is None else days)
        typer.echo(f"purged {n} expired entr{'y' if n == 1 else 'ies'}")


@cache_app.command("export")
def export(cache: CacheOpt = None, token: TokenOpt = None, scope: ScopeOpt = None,
           output: Annotated[Path | None, typer.Option(
               "--output", "-o", help="File to write (default: stdout); with --format yaml, "
               "the folder.")] = None,
           format_: Annotated[str, typer.Option(
               "--format", help="jsonl: every field, one entry per line; yaml: one "
               "reviewable file per flow, for git.")] = "jsonl",
           directory: Annotated[Path | None, typer.Argument(
               help="With --format yaml: the folder to write (same as --output).")] = None,
           ) -> None:
    """Write entries as JSON lines, or as one YAML file per flow to review in git."""
    if format_ not in {"jsonl", "json", "yaml"}:
        raise typer.BadParameter(f"unknown format {format_!r}: use jsonl or yaml",
                                 param_hint="--format")
    if format_ == "yaml":
        from replaywright.cache.review_files import export_files

        folder = directory or output
        if folder is None:
            raise typer.BadParameter("--format yaml writes a folder: give it as DIR or -o DIR")
        with _using(_open(cache, token)) as store:
            written = export_files(store, folder, scope, on_corrupt=_report_corrupt)
        for path, n in written.items():
            typer.echo(f"{path}: {n} entr{'y' if n == 1 else 'ies'}")
        total = sum(written.values())
        typer.echo(f"exported {total} entr{'y' if total == 1 else 'ies'} in {len(written)} "
                   f"file{'s' if len(written) != 1 else ''}", err=True)
        return
    with _using(_open(cache, token)) as store:
        out = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            n = 0
            for entry in store.entries(scope, on_corrupt=_report_corrupt):
                out.write(entry.model_dump_json() + "\n")
                n += 1
            typer.echo(f"exported {n} entr{'y' if n == 1 else 'ies'}", err=True)
        finally:
            if output:
                out.close()


@cache_app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="JSON lines file ('-' for stdin).")],
            cache: CacheOpt = None, token: TokenOpt = None,
            scope: Annotated[str | None, typer.Option(
                "--scope", help="Import into this scope instead of each entry's own.")] = None,
            ) -> None:
    """Read entries from JSON lines (as written by export; each replaces the stored one),
    or a folder (or file) of YAML review files: an entry whose element changed replaces the
    stored element and keeps the old one in its history."""
    if file.is_dir() or file.suffix in {".yaml", ".yml"}:
        from replaywright.cache.review_files import import_files

        with _using(_open(cache, token)) as store:
            counts = import_files(store, file, scope)
        typer.echo(f"imported {counts.changed} changed entr{'y' if counts.changed == 1 else 'ies'}"
                   f", {counts.unchanged} unchanged")
        return
    source = sys.stdin if str(file) == "-" else file.open(encoding="utf-8")
    imported, bad = 0, 0
    try:
        with _using(_open(cache, token)) as store:
            for number, line in enumerate(source, 1):
                if not line.strip():
                    continue
                try:
                    entry = CacheEntry.model_validate_json(line)
                except ValidationError as exc:
                    bad += 1
                    typer.echo(f"{file}:{number}: not a cache entry: "
                               f"{str(exc).splitlines()[0]}", err=True)
                    continue
                if scope is not None:
                    entry = entry.model_copy(update={"scope": scope})
                store.put(entry)
                imported += 1
    finally:
        if source is not sys.stdin:
            source.close()
    typer.echo(f"imported {imported} entr{'y' if imported == 1 else 'ies'}"
               + (f", {bad} bad line{'s' if bad != 1 else ''}" if bad else ""))
    if bad:
        raise typer.Exit(1)


def compute_stats(store: Store, scope: str | None = None) -> dict[str, Any]:
    """Entries, scopes, hits, heals, last used and size (bytes of JSON) of a store."""
    corrupt: list[CorruptEntry] = []
    stats: dict[str, Any] = {"entries": 0, "scopes": 0, "hits": 0, "heals": 0, "last_used": None,
                             "size_bytes": 0, "corrupt": 0, "resolver_calls_recorded": 0,
                             "llm_tokens_recorded": 0, "llm_cost_recorded_usd": 0.0,
                             "resolver_calls_avoided": 0, "llm_tokens_avoided": 0,
                             "llm_cost_avoided_usd": 0.0}
    scopes: set[str] = set()
    last: datetime | None = None
    for e in store.entries(scope, on_corrupt=corrupt.append):
        stats["entries"] += 1
        stats["hits"] += e.hits
        stats["heals"] += e.heals
        stats["size_bytes"] += len(e.model_dump_json().encode())
        # what resolving cost once, and what every cached replay (a hit) did not spend again
        tokens = e.usage.input_tokens + e.usage.output_tokens
        stats["resolver_calls_recorded"] += e.usage.calls
        stats["llm_tokens_recorded"] += tokens
        stats["llm_cost_recorded_usd"] += e.usage.cost_usd
        stats["resolver_calls_avoided"] += e.hits * e.usage.calls
        stats["llm_tokens_avoided"] += e.hits * tokens
        stats["llm_cost_avoided_usd"] += e.hits * e.usage.cost_usd
        scopes.add(e.scope)
        last = e.last_used_at if last is None or e.last_used_at > last else last
    stats["scopes"] = len(scopes)
    stats["corrupt"] = len(corrupt)
    stats["last_used"] = last.isoformat() if last else None
    for name in ("llm_cost_recorded_usd", "llm_cost_avoided_usd"):
        stats[name] = round(stats[name], 6)
    return stats


@cache_app.command("stats")
def stats(cache: CacheOpt = None, token: TokenOpt = None, scope: ScopeOpt = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Entries, hits, heals, last used, size, and resolver/LLM spending recorded and avoided."""
    with _using(_open(cache, token)) as store:
        result = compute_stats(store, scope)
    if as_json:
        typer.echo(json.dumps(result))
        return
    for name, value in result.items():
        typer.echo(f"{name.replace('_', ' ')}: {value if value is not None else '-'}")


@cache_app.command("doctor")
def doctor(cache: CacheOpt = None, token: TokenOpt = None,
           repair: Annotated[bool, typer.Option(
               "--repair", help="SQLite: rescue every readable entry into a new file, keeping "
                                "the damaged one beside it.")] = False) -> None:
    """Check every entry and the file itself; with --repair, rescue a damaged SQLite file.
    Exit code 0 when the cache is (now) sound, 1 when something needs a person."""
    from replaywright.cache import doctor as doc

    with _using(_open(cache, token)) as store:
        found = doc.diagnose(store)
        damaged_file = store.damaged if isinstance(store, doc.RescuedCopy) else (
            store.path if found.damage and isinstance(store, SQLiteStore) else None)
    typer.echo(f"{found.readable} readable entr{'y' if found.readable == 1 else 'ies'}, "
               f"{len(found.corrupt)} problem{'s' if len(found.corrupt) != 1 else ''}")
    for line in found.corrupt:
        typer.echo(f"  {line}")
    if found.healthy:
        return
    if not repair or damaged_file is None:
        typer.echo("run `replaywright cache doctor --repair` to rescue the readable entries into "
                   "a new file" if damaged_file is not None else
                   "inspect the entries named above with `replaywright cache show KEY`, remove "
                   "them with `replaywright cache rm KEY`", err=True)
        raise typer.Exit(1)
    done = doc.repair(damaged_file)
    typer.echo(f"rescued {done.rescued} entr{'y' if done.rescued == 1 else 'ies'} into a new "
               f"{damaged_file}; the damaged file is kept as {done.kept_as}")
    for line in done.left_behind:
        typer.echo(f"  left behind (still in the damaged file): {line}")


# -- heals (review mode) ------------------------------------------------------------------

heals_app = typer.Typer(cls=ErrorsToExits, no_args_is_help=True,
                        help="Heals proposed by runs with --heal review: list, show, accept, "
                             "reject.")


@heals_app.command("ls")
def heals_ls(cache: CacheOpt = None, token: TokenOpt = None,
             as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
             ) -> None:
    """Heals waiting for review: id, flow, step, the element cached → the element found."""
    from replaywright.cache.proposals import pending

    with _using(_open(cache, token)) as store:
        found = pending(store)
    if as_json:
        typer.echo(json.dumps({"proposals": [
            {"id": p.id, "flow": p.entry.flow, "step": p.entry.step, "old": p.old_summary(),
             "new": p.new_summary(), "page_url": p.about.get("page_url", ""),
             "proposed_at": p.entry.created_at.isoformat()} for p in found]}, indent=2))
        return
    for p in found:
        typer.echo(f"{p.id}  {_when(p.entry.created_at)}  {p.entry.flow}: {p.entry.step}\n"
                   f"            {p.old_summary()} → {p.new_summary()}")
    typer.echo(f"{len(found)} heal{'s' if len(found) != 1 else ''} pending review", err=True)


@heals_app.command("show")
def heals_show(proposal: Annotated[str, typer.Argument(help="Proposal id (or a prefix).")],
               cache: CacheOpt = None, token: TokenOpt = None) -> None:
    """Everything about one proposal: old and new element, selectors, code, page, scores."""
    from replaywright.cache.proposals import find

    with _using(_open(cache, token)) as store:
        found = find(store, proposal)
    about = found.about
    old = about.get("old", {})
    typer.echo(json.dumps({
        "id": found.id, "flow": found.entry.flow, "step": found.entry.step,
        "entry": {"key": about.get("entry_key"), "scope": about.get("entry_scope"),
                  "version": about.get("base_version")},
        "page_url": about.get("page_url"), "reason": about.get("reason"),
        "confidence": about.get("confidence"),
        "old": {"element": found.old_summary(), "selectors": old.get("selectors", []),
                "code": old.get("code", ""), "fingerprint": old.get("fingerprint")},
        "new": {"element": found.new_summary(),
                "selectors": [s.model_dump() for s in found.entry.selectors],
                "code": found.entry.code,
                "fingerprint": found.entry.fingerprint.model_dump(mode="json")
                if found.entry.fingerprint else None},
        "proposed_at": found.entry.created_at.isoformat()}, indent=2))


@heals_app.command("accept")
def heals_accept(
        proposals: Annotated[list[str] | None, typer.Argument(help="Proposal ids.")] = None,
        all_: Annotated[bool, typer.Option("--all", help="Every pending proposal.")] = False,
        cache: CacheOpt = None, token: TokenOpt = None) -> None:
    """Apply heals to their entries (compare-and-set: a stale proposal is refused)."""
    from replaywright.cache.proposals import ProposalError, accept, find, pending

    if not proposals and not all_:
        raise typer.BadParameter("give proposal ids, or --all")
    refused = 0
    with _using(_open(cache, token)) as store:
        chosen = pending(store) if all_ else [find(store, p) for p in proposals or []]
        for proposal in chosen:
            try:
                accept(store, proposal)
            except ProposalError as exc:
                refused += 1
                typer.echo(f"error: {exc}", err=True)
                continue
            typer.echo(f"accepted {proposal.id}: {proposal.entry.step!r} now "
                       f"{proposal.new_summary()}")
    if refused:
        raise typer.Exit(1)


@heals_app.command("reject")
def heals_reject(proposals: Annotated[list[str], typer.Argument(help="Proposal ids.")],
                 cache: CacheOpt = None, token: TokenOpt = None) -> None:
    """Drop proposals; their entries stay as they are."""
    from replaywright.cache.proposals import find, reject

    with _using(_open(cache, token)) as store:
        for pid in proposals:
            proposal = find(store, pid)
            reject(store, proposal)
            typer.echo(f"rejected {proposal.id}: {proposal.entry.step!r}")


def main_app() -> typer.Typer:
    """A throwaway top-level app with the group mounted (for `python -m`)."""
    app = typer.Typer(no_args_is_help=True)
    app.add_typer(cache_app, name="cache")
    return app


if __name__ == "__main__":
    main_app()()
