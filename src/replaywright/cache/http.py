"""The `Store` interface as a client of the team cache server (`http(s)://host` + token)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from replaywright.cache.entry import CacheEntry
from replaywright.cache.sql import utc
from replaywright.cache.store import (
    CacheConfigError,
    CacheError,
    CorruptEntry,
    OnCorrupt,
    Unauthorized,
    VersionConflict,
)

#: A 503 (the server's database is reconnecting) is retried this many times ...
RETRIES_503 = 3
#: ... waiting what the server's Retry-After says, at most this many seconds.
MAX_RETRY_AFTER = 2.0


class HTTPStore:
    """Cache entries on a replaywright cache server. Thread-safe (one pooled client)."""

    read_only = False

    def __init__(self, url: str, token: str, timeout: float = 30.0,
                 client: httpx.Client | None = None) -> None:
        self.url = url.rstrip("/")
        if not token.isascii() or not token.isprintable() or " " in token.strip():
            raise CacheConfigError("the cache token is not a token (it must be printable "
                                   "ASCII without spaces): check --token / REPLAYWRIGHT_TOKEN")
        self._http = client or httpx.Client(
            base_url=self.url, timeout=timeout,
            headers={"Authorization": f"Bearer {token.strip()}",
                     "User-Agent": "replaywright-cache"},
        )
        self._key_secret: bytes | None = None

    @classmethod
    def connect(cls, url: str, token: str, timeout: float = 30.0) -> HTTPStore:
        """A store whose server answered and accepted the token; otherwise a
        `CacheConfigError` saying which (exit code 2 before anything runs)."""
        store = cls(url, token, timeout)
        try:
            store.whoami()
        except CacheError as exc:
            store.close()
            raise CacheConfigError(str(exc)) from None
        return store

    # -- plumbing -----------------------------------------------------------------------

    def call(self, method: str, path: str, *, ok404: bool = False, **kw: Any) -> Any:
        """One API request: the decoded JSON answer (None for 204, or 404 with `ok404`);
        401 raises `Unauthorized`, 409 `VersionConflict`, anything else ≥ 400 `CacheError`.
        A 503 (the server's database is reconnecting) is retried after its Retry-After."""
        for attempt in range(RETRIES_503 + 1):
            try:
                resp = self._http.request(method, path, **kw)
            except httpx.HTTPError as exc:
                raise CacheError(f"cache server {self.url} unreachable: "
                                 f"{exc or type(exc).__name__}") from exc
            if resp.status_code != 503 or attempt == RETRIES_503:
                break
            time.sleep(_retry_after(resp))
        if resp.status_code == 401:
            raise Unauthorized(f"cache server {self.url} refused the token: "
                               f"{_detail(resp)}")
        if resp.status_code == 409:
            raise VersionConflict(_detail(resp))
        if resp.status_code == 404 and ok404:
            return None
        if resp.status_code >= 400:
            raise CacheError(f"cache server {self.url}: HTTP {resp.status_code}: "
                             f"{_detail(resp)}")
        return None if resp.status_code == 204 else resp.json()

    # -- the Store protocol -------------------------------------------------------------

    def get(self, scope: str, key: str) -> CacheEntry | None:
        data = self.call("GET", "/v1/entry", params={"scope": scope, "key": key}, ok404=True)
        if data is None:
            return None
        if "corrupt" in data:
            c = data["corrupt"]
            raise CorruptEntry(c["scope"], c["key"], c["detail"])
        return CacheEntry.model_validate(data["entry"])

    def put(self, entry: CacheEntry, expected_version: int | None = None) -> CacheEntry:
        params = {} if expected_version is None else {"expected_version": expected_version}
        data = self.call("PUT", "/v1/entry", params=params,
                          content=entry.model_dump_json(),
                          headers={"Content-Type": "application/json"})
        return CacheEntry.model_validate(data)

    def touch(self, scope: str, key: str, at: datetime) -> None:
        self.call("POST", "/v1/touch",
                   json={"scope": scope, "key": key, "at": utc(at).isoformat()})

    def delete(self, scope: str, key: str) -> bool:
        return self.call("DELETE", "/v1/entry", params={"scope": scope, "key": key})["deleted"]

    def entries(self, scope: str | None = None, *,
                on_corrupt: OnCorrupt | None = None) -> Iterator[CacheEntry]:
        params: dict[str, Any] = {"limit": 500}
        if scope is not None:
            params["scope"] = scope
        while True:
            data = self.call("GET", "/v1/entries", params=params)
            for c in data["corrupt"]:
                exc = CorruptEntry(c["scope"], c["key"], c["detail"])
                if on_corrupt is None:
                    raise exc
                on_corrupt(exc)
            for item in data["entries"]:
                yield CacheEntry.model_validate(item)
            if not data["next"]:
                return
            params["after_scope"], params["after_key"] = data["next"]

    def purge(self, unused_since: datetime) -> int:
        return self.call("POST", "/v1/purge",
                          json={"unused_since": utc(unused_since).isoformat()})["removed"]

    def scopes(self) -> list[str]:
        return self.call("GET", "/v1/scopes")["scopes"]

    def copy_scope(self, src: str, dst: str, overwrite: bool = False) -> int:
        return self.call("POST", "/v1/scopes/copy",
                          json={"src": src, "dst": dst, "overwrite": overwrite})["copied"]

    def delete_scope(self, scope: str) -> int:
        return self.call("DELETE", "/v1/scope", params={"scope": scope})["removed"]

    def get_meta(self, name: str) -> str | None:
        return self.call("GET", "/v1/meta/value", params={"name": name})["value"]

    def set_meta(self, name: str, value: str) -> None:
        self.call("PUT", "/v1/meta", json={"name": name, "value": value})

    def list_meta(self, prefix: str = "") -> dict[str, str]:
        return self.call("GET", "/v1/meta", params={"prefix": prefix})["meta"]

    def whoami(self) -> str:
        return self.call("GET", "/v1/whoami")["org"]

    def key_secret(self) -> bytes:
        """The organisation's key secret, held by the server and given only to its token
        holders (fetched once)."""
        if self._key_secret is None:
            self._key_secret = bytes.fromhex(self.call("GET", "/v1/key-secret")["secret"])
        return self._key_secret

    def close(self) -> None:
        self._http.close()


def _retry_after(resp: httpx.Response) -> float:
    try:
        return min(MAX_RETRY_AFTER, max(0.05, float(resp.headers.get("retry-after", "0.2"))))
    except ValueError:
        return 0.2


def _detail(resp: httpx.Response) -> str:
    try:
        detail = resp.json().get("detail", resp.text)
    except ValueError:
        detail = resp.text
    return detail if isinstance(detail, str) else str(detail)[:500]
