"""The team server: authentication, organisation isolation, input validation."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from replaywright.cache.entry import CacheEntry
from replaywright.cache.http import HTTPStore
from replaywright.cache.sql import hash_token
from replaywright.cache.store import Unauthorized
from replaywright.server import serve_app

runner = CliRunner()


def entry_json(key: str = "k1", scope: str = "default", **kw) -> str:
    return CacheEntry(key=key, scope=scope, flow="f", step="s", **kw).model_dump_json()


@pytest.fixture
def org_a(server):
    org, token_id, secret = server.new_token()
    return org, token_id, secret


def client(server, secret: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10)


ENDPOINTS = [
    ("GET", "/v1/entry?scope=default&key=k1", None),
    ("PUT", "/v1/entry", entry_json()),
    ("DELETE", "/v1/entry?scope=default&key=k1", None),
    ("GET", "/v1/entries", None),
    ("POST", "/v1/touch", '{"scope":"default","key":"k1","at":"2026-01-01T00:00:00Z"}'),
    ("POST", "/v1/purge", '{"unused_since":"2030-01-01T00:00:00Z"}'),
    ("GET", "/v1/scopes", None),
    ("POST", "/v1/scopes/copy", '{"src":"a","dst":"b"}'),
    ("DELETE", "/v1/scope?scope=default", None),
    ("GET", "/v1/meta", None),
    ("GET", "/v1/meta/value?name=x", None),
    ("PUT", "/v1/meta", '{"name":"x","value":"y"}'),
    ("GET", "/v1/whoami", None),
    ("GET", "/v1/key-secret", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
@pytest.mark.parametrize("auth", [None, "Bearer", "Bearer rwt_not-a-real-token",
                                  "Basic dXNlcjpwYXNz", "bearer x y"])
def test_every_endpoint_needs_a_valid_token(server, org_a, method, path, body, auth) -> None:
    headers = {"Content-Type": "application/json"}
    if auth is not None:
        headers["Authorization"] = auth
    resp = httpx.request(method, server.url + path, content=body, headers=headers)
    assert resp.status_code == 401
    assert resp.headers.get("www-authenticate") == "Bearer"
    # and nothing was written through the failed call
    with client(server, org_a[2]) as c:
        assert c.get("/v1/entries").json()["entries"] == []


def test_openapi_spec_is_served(server) -> None:
    spec = httpx.get(server.url + "/openapi.json").json()
    assert {"/v1/entry", "/v1/entries", "/v1/touch", "/v1/scopes"} <= set(spec["paths"])


def test_tokens_are_stored_hashed(server, org_a) -> None:
    _, token_id, secret = org_a
    admin = server.admin()
    try:
        with admin._tx() as cur:
            rows = cur.execute("SELECT id, org, hash, label FROM tokens").fetchall()
    finally:
        admin.close()
    assert all(secret not in " ".join(map(str, row)) for row in rows)
    assert (token_id, hash_token(secret)) in {(r[0], r[2]) for r in rows}


def test_other_organisation_sees_and_changes_nothing(server, org_a) -> None:
    a = HTTPStore(server.url, org_a[2])
    _, _, secret_b = server.new_token()
    b = HTTPStore(server.url, secret_b)
    try:
        a.put(CacheEntry(key="secret-step", scope="main@abc", code="A's code"))
        a.set_meta("head:branch:x", "sha-a")
        assert b.whoami() != a.whoami()
        # not visible
        assert b.get("main@abc", "secret-step") is None
        assert list(b.entries()) == [] and b.scopes() == [] and b.list_meta() == {}
        assert b.get_meta("head:branch:x") is None
        # not writable: B's writes land in B's own rows, A's entry is untouched
        assert b.delete("main@abc", "secret-step") is False
        assert b.delete_scope("main@abc") == 0
        b.touch("main@abc", "secret-step", CacheEntry(key="x").last_used_at)
        b.put(CacheEntry(key="secret-step", scope="main@abc", code="B's code"))
        assert b.copy_scope("main@abc", "stolen") == 1  # copies B's own row only
        assert b.purge(CacheEntry(key="x").last_used_at.replace(year=2100)) == 2
        got = a.get("main@abc", "secret-step")
        assert got.code == "A's code" and got.version == 1 and got.hits == 0
        assert a.scopes() == ["main@abc"] and a.get_meta("head:branch:x") == "sha-a"
        # CAS against A's version from B cannot touch A's row either
        with client(server, secret_b) as c:
            resp = c.get("/v1/entry", params={"scope": "main@abc", "key": "secret-step"})
            assert resp.status_code == 404
    finally:
        a.close()
        b.close()


def test_revoked_token_is_refused(server) -> None:
    org, token_id, secret = server.new_token()
    store = HTTPStore(server.url, secret)
    store.put(CacheEntry(key="k"))
    result = runner.invoke(serve_app, ["--db", server.db, "token", "revoke", token_id])
    assert result.exit_code == 0, result.output
    with pytest.raises(Unauthorized):
        store.get("default", "k")
    with client(server, secret) as c:
        assert c.get("/v1/entries").status_code == 401
    # revoking twice says so; a new token of the org still sees the data
    assert runner.invoke(serve_app, ["--db", server.db, "token", "revoke", token_id]
                         ).exit_code == 1
    _, _, fresh = server.new_token(org)
    assert HTTPStore(server.url, fresh).get("default", "k") is not None
    store.close()


def test_token_cli_create_and_ls(server) -> None:
    result = runner.invoke(serve_app, ["--db", server.db, "token", "create", "--org",
                                       "cli-org", "--label", "CI"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("rwt_")
    assert HTTPStore(server.url, secret).whoami() == "cli-org"
    listing = runner.invoke(serve_app, ["token", "ls", "--org", "cli-org", "--db", server.db])
    assert listing.exit_code == 0 and "cli-org" in listing.stdout and "active" in listing.stdout
    assert secret not in listing.stdout


BAD_BODIES = [
    ("not json", "{this is not json"),
    ("empty", ""),
    ("array", "[1, 2, 3]"),
    ("missing key", '{"scope": "default"}'),
    ("wrong type", json.dumps({"key": "k", "hits": "many"})),
    ("wrong nested type", json.dumps({"key": "k", "usage": {"calls": "x"}})),
    ("empty key", json.dumps({"key": ""})),
    ("long key", json.dumps({"key": "k" * 201})),
    ("long scope", json.dumps({"key": "k", "scope": "s" * 201})),
    ("control char key", json.dumps({"key": "a\u0000b"})),
    ("newline key", json.dumps({"key": "a\nb"})),
]


@pytest.mark.parametrize(("why", "body"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_malformed_bodies_are_refused_and_nothing_stored(server, org_a, why, body) -> None:
    with client(server, org_a[2]) as c:
        resp = c.put("/v1/entry", content=body, headers={"Content-Type": "application/json"})
        assert 400 <= resp.status_code < 500, (why, resp.status_code, resp.text)
        assert resp.status_code != 401
        assert c.get("/v1/entries").json()["entries"] == []
        assert c.get("/v1/scopes").json()["scopes"] == []


def test_oversized_bodies_are_refused(server, org_a) -> None:
    big = entry_json(data={"blob": "x" * (1024 * 1024 + 10)})
    with client(server, org_a[2]) as c:
        resp = c.put("/v1/entry", content=big, headers={"Content-Type": "application/json"})
        assert resp.status_code == 413

        def chunks():  # no Content-Length: the limit applies while streaming
            for i in range(0, len(big), 65536):
                yield big[i:i + 65536].encode()

        resp = c.put("/v1/entry", content=chunks(), headers={"Content-Type": "application/json"})
        assert resp.status_code == 413
        resp = c.post("/v1/touch", content=b"{" + b" " * (1024 * 1024 + 1) + b"}",
                      headers={"Content-Type": "application/json"})
        assert resp.status_code == 413
        assert c.get("/v1/entries").json()["entries"] == []
        # just under the limit is fine
        ok = entry_json(data={"blob": "x" * (1024 * 1024 - 2000)})
        assert c.put("/v1/entry", content=ok,
                     headers={"Content-Type": "application/json"}).status_code == 200


@pytest.mark.parametrize("query", [
    {"scope": "default", "key": "k" * 201},
    {"scope": "", "key": "k"},
    {"scope": "default"},
    {"scope": "default", "key": "a\u0001b"},
])
def test_bad_query_parameters(server, org_a, query) -> None:
    with client(server, org_a[2]) as c:
        assert c.get("/v1/entry", params=query).status_code == 422


def test_bad_numbers(server, org_a) -> None:
    with client(server, org_a[2]) as c:
        assert c.put("/v1/entry?expected_version=-1", content=entry_json(),
                     headers={"Content-Type": "application/json"}).status_code == 422
        assert c.put("/v1/entry?expected_version=abc", content=entry_json(),
                     headers={"Content-Type": "application/json"}).status_code == 422
        assert c.get("/v1/entries?limit=100000").status_code == 422
        assert c.get("/v1/entries").json()["entries"] == []


def test_cas_conflict_is_409(server, org_a) -> None:
    with client(server, org_a[2]) as c:
        h = {"Content-Type": "application/json"}
        assert c.put("/v1/entry?expected_version=0", content=entry_json(), headers=h
                     ).json()["version"] == 1
        resp = c.put("/v1/entry?expected_version=0", content=entry_json(), headers=h)
        assert resp.status_code == 409


def test_path_traversal_in_urls_is_not_data(server, org_a) -> None:
    with client(server, org_a[2]) as c:
        for path in ["/v1/../../etc/passwd", "/v1/entry/../../../etc/passwd",
                     "/%2e%2e/%2e%2e/etc/passwd"]:
            assert c.get(path).status_code == 404
        key = "../../etc/passwd"
        h = {"Content-Type": "application/json"}
        assert c.put("/v1/entry", content=entry_json(key=key), headers=h).status_code == 200
        got = c.get("/v1/entry", params={"scope": "default", "key": key}).json()
        assert got["entry"]["key"] == key
