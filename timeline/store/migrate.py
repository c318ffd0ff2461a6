"""Run Alembic migrations from code, inside a running event loop, on a connection we own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from timeline.store.db import normalize_url

__all__ = ["alembic_config", "check", "current_revision", "downgrade", "head_revision", "upgrade"]

_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at the project's migrations (and `url`, if given)."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    if url is not None:
        config.attributes["url"] = normalize_url(url)
    return config


async def _with_connection(url: str, action: Any, *args: Any) -> Any:
    engine: AsyncEngine = create_async_engine(normalize_url(url))
    try:
        if engine.dialect.name == "sqlite":
            # WAL lives in the file: set it once here, alone, rather than racing for it later
            # when several connections of a running service open the database at once.
            async with engine.connect() as connection:
                await connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        async with engine.begin() as connection:
            return await connection.run_sync(action, *args)
    finally:
        await engine.dispose()


def _run(connection: Connection, verb: str, revision: str | None) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    if verb == "upgrade":
        command.upgrade(config, revision or "head")
    elif verb == "downgrade":
        command.downgrade(config, revision or "base")
    else:
        command.check(config)


async def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` up to `revision`."""
    await _with_connection(url, _run, "upgrade", revision)


async def downgrade(url: str, revision: str) -> None:
    """Migrate the database at `url` down to `revision` (`base` empties it)."""
    await _with_connection(url, _run, "downgrade", revision)


async def check(url: str) -> None:
    """Raise if the tables the code describes differ from the migrated schema."""
    await _with_connection(url, _run, "check", None)


def head_revision() -> str | None:
    """The newest revision among the migrations shipped with the code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database behind `engine` is at (None when never migrated)."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)
