"""Shared fixtures: one real headless Chromium per session, and the test sites on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from replaywright.browser.launch import BrowserSession, open_browser
from replaywright.demo.server import serve_demo, serve_directory

FIXTURES = Path(__file__).parent / "fixtures"


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
