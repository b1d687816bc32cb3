"""A small Python client for the runs API of a replaywright team server (also the
`RunStore` of workers that record through it; users import it as `replaywright.client`).

    from replaywright.client import Client

    with Client("https://rw.example", token=os.environ["RW_TOKEN"]) as rw:
        run = rw.submit("flows/checkout.yaml", {"user": "alice"}, base_url="https://shop/")
        run = rw.wait(run.id)                  # polls until passed / failed / error
        print(run.status, run.resolver_calls, run.report)
        for past in rw.runs(flow="checkout"):  # newest first
            print(past.id, past.status, past.trigger)

Every call is authenticated with the token and sees only its organisation's runs. Errors:
`Unauthorized` (a missing, unknown or revoked token), `CacheError` (unreachable, or any
other refusal, with the server's reason), `FlowError` (a flow file that does not load).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from replaywright.cache.http import HTTPStore
from replaywright.runs.records import Outcome, RunRecord, RunRequest


class Client:
    """The runs API: submit runs, read their records, wait for them to finish."""

    def __init__(self, url: str | HTTPStore, token: str = "", timeout: float = 30.0) -> None:
        self._api = url if isinstance(url, HTTPStore) else HTTPStore(url, token, timeout)
        self.url = self._api.url

    def submit(self, flow: str | Path, params: dict[str, Any] | None = None, *,
               base_url: str | None = None, queue: str | None = None,
               timeout: float = 10.0) -> RunRecord:
        """Queue a run of `flow` (a flow file, or its YAML text); returns its record."""
        text, source = _flow_text(flow)
        request = RunRequest(flow=text, source=source, base_url=base_url, timeout=timeout,
                             params={k: str(v) for k, v in (params or {}).items()})
        request.load()  # a malformed flow fails here, naming the file and line
        return self.enqueue(request, queue=queue)

    def run(self, run_id: str) -> RunRecord | None:
        """One run's record, or None when this organisation has no such run."""
        data = self._api.call("GET", f"/v1/runs/{run_id}", ok404=True)
        return None if data is None else RunRecord.model_validate(data)

    def runs(self, flow: str | None = None, limit: int = 50) -> list[RunRecord]:
        """The newest runs first, of one flow (by its name) or of all."""
        params: dict[str, Any] = {"limit": limit} | ({"flow": flow} if flow else {})
        data = self._api.call("GET", "/v1/runs", params=params)
        return [RunRecord.model_validate(r) for r in data["runs"]]

    def wait(self, run_id: str, timeout: float = 600.0, poll: float = 1.0) -> RunRecord:
        """Poll until the run has finished; `TimeoutError` after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            record = self.run(run_id)
            if record is None:
                raise LookupError(f"no run {run_id} on {self.url}")
            if record.finished:
                return record
            if time.monotonic() >= deadline:
                raise TimeoutError(f"run {run_id} is still {record.status} after {timeout:g} s")
            time.sleep(poll)

    def report(self, run_id: str) -> str:
        """The run's HTML report."""
        resp = self._api._http.get(f"/v1/runs/{run_id}/report")
        resp.raise_for_status()
        return resp.text

    # -- what workers use (the `RunStore` interface) ------------------------------------------

    def enqueue(self, request: RunRequest, trigger: str = "", queue: str | None = None
                ) -> RunRecord:
        """Submit a prepared request (the server records who asked: the token)."""
        body = {"request": request.model_dump(), "queue": queue}
        return RunRecord.model_validate(self._api.call("POST", "/v1/runs", json=body))

    def get(self, run_id: str) -> RunRecord | None:
        return self.run(run_id)

    def list(self, flow: str | None = None, limit: int = 50) -> list[RunRecord]:
        return self.runs(flow, limit)

    def start(self, run_id: str, worker: str) -> RunRecord | None:
        data = self._api.call("POST", f"/v1/runs/{run_id}/start", json={"worker": worker})
        return None if data["run"] is None else RunRecord.model_validate(data["run"])

    def finish(self, run_id: str, attempt: int, outcome: Outcome) -> bool:
        return self._api.call("POST", f"/v1/runs/{run_id}/finish",
                              json={"attempt": attempt, "outcome": outcome.model_dump()})["done"]

    def requeue(self, run_id: str, attempt: int, note: str) -> bool:
        return self._api.call("POST", f"/v1/runs/{run_id}/requeue",
                              json={"attempt": attempt, "note": note})["done"]

    def fail(self, run_id: str, error: str) -> bool:
        return self._api.call("POST", f"/v1/runs/{run_id}/fail", json={"error": error})["done"]

    def close(self) -> None:
        self._api.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _flow_text(flow: str | Path) -> tuple[str, str]:
    """(YAML text, source name) of a flow file or of YAML given as text."""
    if isinstance(flow, Path) or "\n" not in flow:
        path = Path(flow)
        return path.read_text(encoding="utf-8"), path.name
    return flow, ""
