"""The `Store` interface as a client of the team cache server (`http(s)://host` + token)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from replaywright.cache.entry import CacheEntry
from replaywright.cache.sql import utc
from replaywright.cache.store import (
    CacheError,
    CorruptEntry,
    OnCorrupt,
    Unauthorized,
    VersionConflict,
)


class HTTPStore:
    """Cache entries on a replaywright cache server. Thread-safe (one pooled client)."""

    def __init__(self, url: str, token: str, timeout: float = 30.0,
                 client: httpx.Client | None = None) -> None:
        self.url = url.rstrip("/")
        self._http = client or httpx.Client(
            base_url=self.url, timeout=timeout,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "replaywright-cache"},
        )

    # -- plumbing -----------------------------------------------------------------------

    def _call(self, method: str, path: str, *, ok404: bool = False, **kw: Any) -> Any:
        try:
            resp = self._http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise CacheError(f"cache server {self.url} unreachable: {exc}") from exc
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
        data = self._call("GET", "/v1/entry", params={"scope": scope, "key": key}, ok404=True)
        if data is None:
            return None
        if "corrupt" in data:
            c = data["corrupt"]
            raise CorruptEntry(c["scope"], c["key"], c["detail"])
        return CacheEntry.model_validate(data["entry"])

    def put(self, entry: CacheEntry, expected_version: int | None = None) -> CacheEntry:
        params = {} if expected_version is None else {"expected_version": expected_version}
        data = self._call("PUT", "/v1/entry", params=params,
                          content=entry.model_dump_json(),
                          headers={"Content-Type": "application/json"})
        return CacheEntry.model_validate(data)

    def touch(self, scope: str, key: str, at: datetime) -> None:
        self._call("POST", "/v1/touch",
                   json={"scope": scope, "key": key, "at": utc(at).isoformat()})

    def delete(self, scope: str, key: str) -> bool:
        return self._call("DELETE", "/v1/entry", params={"scope": scope, "key": key})["deleted"]

    def entries(self, scope: str | None = None, *,
                on_corrupt: OnCorrupt | None = None) -> Iterator[CacheEntry]:
        params: dict[str, Any] = {"limit": 500}
        if scope is not None:
            params["scope"] = scope
        while True:
            data = self._call("GET", "/v1/entries", params=params)
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
        return self._call("POST", "/v1/purge",
                          json={"unused_since": utc(unused_since).isoformat()})["removed"]

    def scopes(self) -> list[str]:
        return self._call("GET", "/v1/scopes")["scopes"]

    def copy_scope(self, src: str, dst: str, overwrite: bool = False) -> int:
        return self._call("POST", "/v1/scopes/copy",
                          json={"src": src, "dst": dst, "overwrite": overwrite})["copied"]

    def delete_scope(self, scope: str) -> int:
        return self._call("DELETE", "/v1/scope", params={"scope": scope})["removed"]

    def get_meta(self, name: str) -> str | None:
        return self._call("GET", "/v1/meta/value", params={"name": name})["value"]

    def set_meta(self, name: str, value: str) -> None:
        self._call("PUT", "/v1/meta", json={"name": name, "value": value})

    def list_meta(self, prefix: str = "") -> dict[str, str]:
        return self._call("GET", "/v1/meta", params={"prefix": prefix})["meta"]

    def whoami(self) -> str:
        return self._call("GET", "/v1/whoami")["org"]

    def close(self) -> None:
        self._http.close()


def _detail(resp: httpx.Response) -> str:
    try:
        detail = resp.json().get("detail", resp.text)
    except ValueError:
        detail = resp.text
    return detail if isinstance(detail, str) else str(detail)[:500]
