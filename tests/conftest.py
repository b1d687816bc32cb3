"""Shared fixtures: one real headless Chromium per session, the test sites on loopback, and
the local PostgreSQL and Redis.

PostgreSQL: `REPLAYWRIGHT_TEST_PG`, else postgresql://postgres@127.0.0.1:5432/test, else the
`root` role. Each test session works in its own schema, dropped at the end. Unreachable
PostgreSQL skips the postgres tests, but fails them when `CI=true`; the same for Redis
(`REPLAYWRIGHT_TEST_BROKER`, default redis://127.0.0.1:6379/0), the run workers' broker.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from replaywright.browser.launch import BrowserSession, open_browser
from replaywright.demo.server import serve_demo, serve_directory

FIXTURES = Path(__file__).parent / "fixtures"


CANDIDATES = ["postgresql://postgres@127.0.0.1:5432/test", "postgresql://root@127.0.0.1:5432/test"]


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _reachable(url: str) -> str | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return None
    except Exception as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


#: A test using one of these, directly or through another fixture, drives a real Chromium:
#: `browser` and `page` in this process; the test sites exist to be loaded by one, here, in
#: a `replaywright run` subprocess or in a run worker.
BROWSER_FIXTURES = frozenset({"browser", "page", "fixture_site", "demo_site"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark browser tests by the fixtures they use, so `-m "not browser"` is the fast set
    without relying on every test remembering the mark."""
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    given = os.environ.get("REPLAYWRIGHT_TEST_PG")
    errors = []
    for url in [given] if given else CANDIDATES:
        error = _reachable(url)
        if error is None:
            return url
        errors.append(f"{url}: {error}")
    message = "PostgreSQL unreachable (set REPLAYWRIGHT_TEST_PG): " + "; ".join(errors)
    if _ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_url(pg_base_url: str) -> Iterator[str]:
    """A URL with a throwaway schema (`?schema=`), dropped after the session."""
    from replaywright.cache.postgres import PostgresStore

    schema = f"rw_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    sep = "&" if "?" in pg_base_url else "?"
    url = f"{pg_base_url}{sep}schema={schema}"
    yield url
    store = PostgresStore(url)
    store.drop_schema()
    store.close()


BROKER = os.environ.get("REPLAYWRIGHT_TEST_BROKER", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        message = f"Redis unreachable at {BROKER} (set REPLAYWRIGHT_TEST_BROKER): {exc}"
        if _ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from replaywright.runs.app import app

    app.conf.broker_url = BROKER  # what this process submits goes where the workers listen
    return BROKER


@pytest.fixture(scope="session")
def fixture_site() -> Iterator[str]:
    """Base URL of tests/fixtures/site (the step-kinds page and friends)."""
    with serve_directory(FIXTURES / "site") as base:
        yield base


@pytest.fixture(scope="session")
def demo_site() -> Iterator[str]:
    """Base URL of the bundled demo shop; `/v1/` and `/v2/` below it."""
    with serve_demo() as base:
        yield base


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[BrowserSession]:
    async with open_browser() as session:
        yield session


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: BrowserSession):
    """A fresh page in a fresh context for each test."""
    return await browser.new_page()
