"""The team server's runs API, for real: a server process, tokens of two organisations, a
worker that records through the server, and the Python client."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from replaywright.cache.store import Unauthorized
from replaywright.client import Client
from replaywright.runs.secrets import MASK
from tests.cache.conftest import Server, start_server
from tests.runs.helpers import Cluster

PASSWORD = "correct-horse"  # the demo flow's password parameter


@pytest.fixture
def team(tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A server on its own SQLite database, queuing to the test's Redis."""
    monkeypatch.setenv("REPLAYWRIGHT_BROKER", redis_url)
    srv = start_server(str(tmp_path / "team.db"), tmp_path / "server.log")
    yield srv
    srv.process.terminate()
    try:
        srv.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.process.kill()


def test_runs_api_needs_a_token_and_never_crosses_organisations(
        team: Server, cluster: Cluster, demo_site: str, demo_flow: Path) -> None:
    _, _, acme = team.new_token("acme")
    _, _, globex = team.new_token("globex")
    for method, path in (("GET", "/v1/runs"), ("POST", "/v1/runs"),
                         ("GET", "/v1/runs/run_0123456789ab")):
        assert httpx.request(method, team.url + path).status_code == 401
        assert httpx.request(method, team.url + path, headers={
            "Authorization": "Bearer rwt_forged"}).status_code == 401
    with pytest.raises(Unauthorized):
        Client(team.url, "rwt_forged").runs()

    with Client(team.url, acme) as client:
        run = client.submit(demo_flow, {"password": PASSWORD}, base_url=f"{demo_site}/v1/",
                            queue=cluster.queue)
        assert run.status == "queued" and run.trigger.startswith("api, token ")
        assert run.params["password"] == MASK and run.params["user"] == "alice"
        with Client(team.url, globex) as other:
            assert other.run(run.id) is None
            assert other.runs() == [] and other.runs(flow="checkout") == []
            raw = httpx.get(f"{team.url}/v1/runs/{run.id}/report",
                            headers={"Authorization": f"Bearer {globex}"})
            assert raw.status_code == 404

        # a worker of acme's records through the server, with acme's token
        cluster.start(1, "--save-cache", cache=team.url, env={"REPLAYWRIGHT_TOKEN": acme})
        done = client.wait(run.id, timeout=180, poll=0.5)
        assert done.status == "passed", done.error
        assert done.resolver_calls > 0 and done.summary["resolved"] == done.summary["steps"]
        assert [r.id for r in client.runs(flow="checkout")] == [run.id]

        headers = {"Authorization": f"Bearer {acme}"}
        answers = [httpx.get(f"{team.url}/v1/runs/{run.id}", headers=headers).text,
                   httpx.get(f"{team.url}/v1/runs?flow=checkout", headers=headers).text,
                   client.report(run.id)]
        for text in answers:
            assert PASSWORD not in text
        record = json.loads(answers[0])
        assert record["params"]["password"] == MASK
        assert record["report"].endswith(f"/v1/runs/{run.id}/report")
        assert "Order confirmed" in answers[2]
