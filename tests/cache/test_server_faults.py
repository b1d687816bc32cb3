"""The team server under faults (issue 14, items 1 and 10): the key secret stays out of every
listing, a dropped PostgreSQL connection is a 503 with a retry and then recovers, and
counters and times are the server's."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from replaywright.cache.entry import CacheEntry
from replaywright.cache.http import HTTPStore
from replaywright.model import utcnow
from tests.cache.conftest import start_server


def client(server, secret: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {secret}"},
                        timeout=10)


def test_key_secret_is_handed_only_to_its_own_token_holders(server) -> None:
    _, _, a = server.new_token()
    _, _, b = server.new_token()
    with client(server, a) as ca, client(server, b) as cb:
        secret = ca.get("/v1/key-secret").json()["secret"]
        assert len(bytes.fromhex(secret)) == 32
        assert ca.get("/v1/key-secret").json()["secret"] == secret  # made once
        assert cb.get("/v1/key-secret").json()["secret"] != secret  # per organisation
        assert secret not in ca.get("/v1/meta").text + ca.get("/v1/entries").text
        assert ca.get("/v1/meta/value", params={"name": "secret:keys"}).json()["value"] is None
        bad = ca.put("/v1/meta", json={"name": "secret:keys", "value": "00" * 32})
        assert bad.status_code == 422
        assert ca.get("/v1/key-secret").json()["secret"] == secret
    assert HTTPStore(server.url, a).key_secret().hex() == secret


@pytest.mark.parametrize("change", [
    {"hits": -5}, {"heals": -1}, {"version": -2},
    {"last_used_at": "9999-01-01T00:00:00Z"}, {"created_at": "9999-01-01T00:00:00Z"},
])
def test_counters_and_times_from_clients_are_checked(server, change: dict) -> None:
    _, _, secret = server.new_token()
    body = {**CacheEntry(key="k", flow="f", step="s").model_dump(mode="json"), **change}
    with client(server, secret) as c:
        assert c.put("/v1/entry", json=body).status_code == 422
        assert c.get("/v1/entries").json()["entries"] == []


def test_touch_dates_in_the_future_are_refused(server) -> None:
    _, _, secret = server.new_token()
    with client(server, secret) as c:
        assert c.put("/v1/entry", json=CacheEntry(key="k").model_dump(mode="json")).is_success
        future = c.post("/v1/touch", json={"scope": "default", "key": "k",
                                           "at": "9999-01-01T00:00:00Z"})
        assert future.status_code == 422
        now = (utcnow() + timedelta(seconds=1)).isoformat()  # a little clock skew is fine
        assert c.post("/v1/touch", json={"scope": "default", "key": "k",
                                         "at": now}).status_code == 204
        entry = c.get("/v1/entry", params={"scope": "default", "key": "k"}).json()["entry"]
        assert entry["hits"] == 1 and entry["last_used_at"] < "9999"


@pytest.mark.postgres
def test_dropped_database_connections_are_503_then_recover(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    srv = start_server(pg_url, tmp_path / "server.log")
    try:
        _, _, secret = srv.new_token()
        name = f"replaywright-{srv.process.pid}"

        def drop_connections() -> int:
            with psycopg.connect(pg_url.split("?")[0], autocommit=True) as admin:
                return len(admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = %s", (name,)).fetchall())

        with client(srv, secret) as c:
            assert c.get("/v1/scopes").status_code == 200
            assert drop_connections() >= 1
            dropped = c.get("/v1/scopes")
            assert dropped.status_code == 503 and dropped.headers["retry-after"] == "1"
            assert "dropped the connection" in dropped.json()["detail"]
            assert c.get("/v1/scopes").status_code == 200  # reconnected
        store = HTTPStore(srv.url, secret)
        store.put(CacheEntry(key="kept"))
        assert drop_connections() >= 1
        assert store.get("default", "kept") is not None  # the client retried the 503
        store.close()
    finally:
        srv.process.terminate()
        srv.process.wait(timeout=10)
