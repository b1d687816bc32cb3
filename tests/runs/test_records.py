"""Run records on SQLite and PostgreSQL: attempts, recorded once, organisations; secrets."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from replaywright.cache.sql import SQLStore
from replaywright.engine.results import RunResult, StepResult
from replaywright.flow.loader import parse_flow
from replaywright.runs.records import Outcome, RunRequest, SQLRunStore, new_record
from replaywright.runs.secrets import MASK, Secrets, is_secret

FLOW = """\
name: login
url: "{{ params.site }}/index.html"
params:
  site: https://shop.example
  user: alice
  password: {required: true}
  api_key: {required: true}
steps:
  - Type "{{ params.user }}" into the Username field
  - Type "{{ params.password }}" into the Password field
  - Type "{{ env.RW_TEST_OTP }}" into the Code field
"""
PARAMS = {"password": "hunter2-hunter2", "api_key": "k-123456", "user": "bob"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SQLStore]:
    if request.param == "sqlite":
        from replaywright.cache.sqlite import SQLiteStore

        store: SQLStore = SQLiteStore(tmp_path / "cache.db")
    else:
        from replaywright.cache.postgres import PostgresStore

        store = PostgresStore(request.getfixturevalue("pg_url"),
                              org=f"test-{uuid.uuid4().hex[:8]}")
    yield store
    store.close()


def _queued(runs: SQLRunStore, **params: str) -> str:
    record = new_record(RunRequest(flow=FLOW, params={**PARAMS, **params}), trigger="test")
    runs.create(record)
    return record.id


def test_a_record_moves_through_attempts_and_is_recorded_once(db: SQLStore) -> None:
    runs = SQLRunStore(db)
    run_id = _queued(runs)
    first = runs.start(run_id, "host:1")
    assert first is not None and first.status == "running" and first.attempt == 1
    # re-delivered while the first attempt still runs: the newest attempt owns the run
    second = runs.start(run_id, "host:2")
    assert second is not None and second.attempt == 2
    assert not runs.finish(run_id, 1, Outcome(status="passed"))
    assert runs.finish(run_id, 2, Outcome(status="failed", error="step 3 failed"))
    record = runs.get(run_id)
    assert record is not None
    assert (record.status, record.attempt, record.worker) == ("failed", 2, "host:2")
    assert record.finished_at is not None and record.error == "step 3 failed"
    # a late delivery of a finished run is dropped, and nothing changes it any more
    assert runs.start(run_id, "host:3") is None
    assert not runs.finish(run_id, 2, Outcome(status="passed"))
    assert not runs.fail(run_id, "too late")
    assert runs.get(run_id).status == "failed"


def test_requeue_keeps_the_history_and_fail_ends_the_run(db: SQLStore) -> None:
    runs = SQLRunStore(db)
    run_id = _queued(runs)
    runs.start(run_id, "host:1")
    assert runs.requeue(run_id, 1, "attempt 1 on host:1: the browser crashed")
    assert not runs.requeue(run_id, 1, "again")  # no longer running
    assert runs.get(run_id).status == "queued"
    assert runs.fail(run_id, "gave up after 1 attempts")
    record = runs.get(run_id)
    assert record.status == "error" and record.history == [
        "attempt 1 on host:1: the browser crashed"]


def test_records_list_newest_first_per_flow_and_per_organisation(db: SQLStore) -> None:
    runs = SQLRunStore(db)
    ids = [_queued(runs) for _ in range(3)]
    other = new_record(RunRequest(flow="name: other\nsteps:\n  - Press Enter\n"), "test")
    runs.create(other)
    assert [r.id for r in runs.list(flow="login")] == ids[::-1]
    assert runs.list()[0].id == other.id
    assert len(runs.list(limit=2)) == 2
    elsewhere = SQLRunStore(db.for_org(db.org + "-elsewhere"))
    assert elsewhere.get(ids[0]) is None and elsewhere.list() == []
    assert elsewhere.start(ids[0], "host:9") is None


def test_a_record_shows_no_secret_anywhere(db: SQLStore,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    runs = SQLRunStore(db)
    run_id = _queued(runs)
    record = runs.get(run_id)
    assert record.params == {"site": "https://shop.example", "password": MASK, "api_key": MASK,
                             "user": "bob"}
    assert record.host == "shop.example"
    # the worker's outcome: step results that repeat the secrets are scrubbed before storing
    flow = parse_flow(FLOW)
    monkeypatch.setenv("RW_TEST_OTP", "otp-998877")
    result = RunResult(flow="login", steps=[
        StepResult(index=2, text=FLOW.splitlines()[-2].strip("- "), status="resolved",
                   code='page.get_by_label("Password").fill("hunter2-hunter2")'),
        StepResult(index=3, text="Type ... into the Code field", status="failed",
                   error='no Code field to type "otp-998877" into')])
    secrets = Secrets(flow, PARAMS, {"RW_TEST_OTP": "otp-998877"})
    runs.start(run_id, "host:1")
    assert runs.finish(run_id, 1, Outcome.of(result, secrets))
    with db.transaction(write=False) as cur:
        stored = cur.execute("SELECT body FROM runs WHERE org=? AND id=?",
                             (db.org, run_id)).fetchone()[0]
    for secret in ("hunter2-hunter2", "k-123456", "otp-998877"):
        assert secret not in stored
    assert MASK in runs.get(run_id).steps[0]["code"]


def test_secret_names_and_the_flows_own_flag() -> None:
    assert all(is_secret(n) for n in ("password", "db_password", "apiToken", "API_KEY",
                                      "client_secret", "pin", "privateKey"))
    assert not any(is_secret(n) for n in ("user", "author", "footpath", "sort_key",
                                          "spinner", "full_name"))

    class Flagged:  # a param spec as it will be once flows can say `secret: true`
        secret = True

    assert is_secret("shipping_note", Flagged())  # type: ignore[arg-type]


def test_a_bad_submission_fails_before_anything_is_stored(db: SQLStore) -> None:
    from replaywright.errors import FlowError

    with pytest.raises(FlowError, match="missing parameter 'password'"):
        new_record(RunRequest(flow=FLOW, source="flows/login.yaml"), "test")
    with pytest.raises(FlowError, match=r"flows/bad.yaml:3"):
        new_record(RunRequest(flow="name: bad\nsteps:\n  - Frobnicate the widget\n",
                              source="flows/bad.yaml"), "test")
