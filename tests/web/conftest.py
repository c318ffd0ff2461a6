"""Fixtures for the HTML pages: the AHC demo data set loaded once per test module (pages only
read it), an in-process client over it, and its stable event ids.

A test that writes takes the function-scoped `seeded` database instead, so it changes nothing
the other tests read. On PostgreSQL (TIMELINE_TEST_DATABASE_URL) the module gets a database of
its own, dropped afterwards, because the shared test database is emptied before every test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.clients.server import seed
from tests.conftest import in_process_client
from timeline.seed import seed_event_id
from timeline.settings import Settings
from timeline.store import migrate
from timeline.store.db import normalize_url

SLUG = "ahc-cybercrime"
PG_URL = os.environ.get("TIMELINE_TEST_DATABASE_URL")


def event_id(key: str) -> str:
    """The id of a seeded AHC event, by its key in the seed module."""
    return seed_event_id(SLUG, key)


async def _admin(statement: str) -> None:
    assert PG_URL is not None
    engine = create_async_engine(normalize_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
async def module_db(
    migrated_template: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """The URL of a database holding the seeded AHC data, shared by one module's tests."""
    if PG_URL:
        name = f"timeline_web_{uuid.uuid4().hex[:10]}"
        await _admin(f'CREATE DATABASE "{name}"')
        url = make_url(normalize_url(PG_URL)).set(database=name)
        rendered = url.render_as_string(hide_password=False)
        try:
            await migrate.upgrade(rendered)
            await seed(rendered)
            yield rendered
        finally:
            await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    path: Path = tmp_path_factory.mktemp("web") / "seeded.db"
    shutil.copyfile(migrated_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    await seed(url)
    yield url


@pytest.fixture(scope="module")
async def pages(module_db: str) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client driving the app in-process over the module's seeded database."""
    settings = Settings(
        database_url=module_db,
        base_url="http://testserver",
        write_rate_per_minute=0,
        read_rate_per_minute=0,
    )
    async with in_process_client(settings) as client:
        yield client


@pytest.fixture
async def seeded(database_url: str) -> str:
    """A fresh test database of its own with the AHC data loaded, for a test that writes."""
    await seed(database_url)
    return database_url
