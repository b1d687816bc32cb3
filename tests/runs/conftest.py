"""Fixtures for the run workers: a cluster of real worker processes on the local Redis
(`redis_url`, tests/conftest.py), on a queue of the test's own, so tests, and other suites
on the same Redis, do not see each other's messages."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from replaywright.demo.server import demo_flow_path
from tests.runs.helpers import Cluster


@pytest.fixture
def cluster(redis_url: str, tmp_path: Path) -> Iterator[Cluster]:
    queue = f"rw-test-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "REPLAYWRIGHT_BROKER": redis_url, "PYTHONUNBUFFERED": "1",
           "REPLAYWRIGHT_RETRY_BACKOFF": "0.2"}
    env.pop("REPLAYWRIGHT_CACHE", None)
    c = Cluster(tmp_path, queue, str(tmp_path / "cache.db"), env)
    yield c
    c.stop()
    import redis

    redis.Redis.from_url(redis_url).delete(queue)


@pytest.fixture(scope="session")
def demo_flow() -> Path:
    return demo_flow_path("checkout")
