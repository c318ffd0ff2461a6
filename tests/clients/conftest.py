"""A seeded database served by a real uvicorn on 127.0.0.1, for the client and its CLI.

Seeding is the slow part, so the client tests share one seeded server per module; tests that
write make their own events and compare against what they saw before, never absolute counts.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.clients.server import live_server, seed
from tests.conftest import PG_URL, _truncate_all


@pytest.fixture
async def seeded_url(database_url: str) -> str:
    """The test database with the AHC demo data loaded."""
    await seed(database_url)
    return database_url


@pytest.fixture
def server(seeded_url: str) -> Iterator[str]:
    """The base URL of a live server on a seeded database of this test's own."""
    with live_server(seeded_url) as url:
        yield url


@pytest.fixture(scope="module")
async def module_seeded_url(
    migrated_template: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A seeded database shared by one test module."""
    if PG_URL:
        await _truncate_all(migrated_template)
        url = migrated_template
    else:
        path = tmp_path_factory.mktemp("seeded") / "timeline.db"
        shutil.copyfile(migrated_template, path)
        url = f"sqlite+aiosqlite:///{path}"
    await seed(url)
    yield url
    if PG_URL:
        await _truncate_all(migrated_template)


@pytest.fixture(scope="module")
def shared_server(module_seeded_url: str) -> Iterator[str]:
    """The base URL of a live server shared by one test module."""
    with live_server(module_seeded_url) as url:
        yield url
