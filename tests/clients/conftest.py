"""A seeded database served by a real uvicorn on 127.0.0.1, for the client and its CLI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.clients.server import live_server, seed


@pytest.fixture
async def seeded_url(database_url: str) -> str:
    """The test database with the AHC demo data loaded."""
    await seed(database_url)
    return database_url


@pytest.fixture
def server(seeded_url: str) -> Iterator[str]:
    """The base URL of a live server on the seeded database."""
    with live_server(seeded_url) as url:
        yield url
