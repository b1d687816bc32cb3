"""Fixtures for the examples: the bundled demo shop (Acme Mugs), served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from replaywright.demo.server import serve_demo


@pytest.fixture(scope="session")
def shop() -> Iterator[str]:
    """Base URL of the demo shop's original design (`/v1/`)."""
    with serve_demo() as base:
        yield f"{base}/v1"
