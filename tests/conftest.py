"""Shared fixtures: a freshly migrated database per test (SQLite, or PostgreSQL when
TIMELINE_TEST_DATABASE_URL is set), the app driven in-process through httpx, and tokens.

SQLite tests copy a database migrated once per session; PostgreSQL tests share one database
made for the session and empty every table between tests (TRUNCATE does not fire the
append-only row triggers, DELETE would).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from timeline.app import create_app
from timeline.settings import Settings
from timeline.store import migrate
from timeline.store.db import Database, normalize_url
from timeline.store.tables import metadata

ADMIN_TOKEN = "test-admin-token-0123456789abcdef"
PG_URL = os.environ.get("TIMELINE_TEST_DATABASE_URL")


def pytest_report_header() -> str:
    return f"timeline database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("TIMELINE_REQUIRE_POSTGRES") and not PG_URL:  # a belt to the Makefile
        print("\nTIMELINE_REQUIRE_POSTGRES is set but TIMELINE_TEST_DATABASE_URL is not")
        session.exitstatus = 1


async def _create_pg_database(base: str) -> str:
    name = f"timeline_test_{uuid.uuid4().hex[:10]}"
    engine = create_async_engine(normalize_url(base), isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return make_url(normalize_url(base)).set(database=name).render_as_string(hide_password=False)


async def _drop_pg_database(base: str, url: str) -> None:
    name = make_url(url).database
    engine = create_async_engine(normalize_url(base), isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head once per session: a SQLite file, or a PostgreSQL database."""
    if PG_URL:
        url = asyncio.run(_create_pg_database(PG_URL))
        asyncio.run(migrate.upgrade(url))
        yield url
        asyncio.run(_drop_pg_database(PG_URL, url))
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(migrate.upgrade(f"sqlite+aiosqlite:///{path}"))
    yield str(path)


async def _truncate_all(url: str) -> None:
    engine = create_async_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
async def database_url(migrated_template: str, tmp_path: Path) -> str:
    """The URL of an empty, migrated database for one test."""
    if PG_URL:
        await _truncate_all(migrated_template)
        return migrated_template
    path = tmp_path / "timeline.db"
    shutil.copyfile(migrated_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for an app on the test database, with a known admin token.

    Rate limits are off here so that a test making many requests is not refused; the tests in
    tests/api/test_limits.py turn them on.
    """
    return Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        base_url="http://testserver",
        write_rate_per_minute=0,
        read_rate_per_minute=0,
    )


@asynccontextmanager
async def in_process_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client driving an app made from `settings` in-process; the app's pool is closed
    on the way out."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await app.state.db.dispose()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A `Database` on the test database, disposed after the test."""
    database = Database(database_url)
    yield database
    await database.dispose()


# Only PostgreSQL runs writers side by side: SQLite takes one writer at a time, so its ids always
# commit in order and a test of late commits has nothing to check there.
postgres_only = pytest.mark.skipif(
    PG_URL is None, reason="SQLite serialises writers: ids always commit in order"
)


@pytest.fixture
async def app_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client driving the app in-process.

    The app's only lifespan work is closing its pool, done here: entering Litestar's lifespan
    in one task and leaving it in another (as async fixtures do) breaks anyio's cancel scopes.
    """
    async with in_process_client(settings) as client:
        yield client


@pytest.fixture
def admin_headers() -> dict[str, str]:
    """Authorization headers of the bootstrap admin token."""
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
