"""Alembic environment: async engines, and a connection handed in by the caller when there is one.

`timeline.store.migrate` passes an open connection in `config.attributes["connection"]`, so
migrations run inside an already running event loop (tests, the app) without `asyncio.run()`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from timeline.settings import Settings
from timeline.store import position_tables, tables  # noqa: F401  (registers its tables)
from timeline.store.db import normalize_url

config = context.config
target_metadata = tables.metadata


def _include_name(name: str | None, type_: str, _parents: Any) -> bool:
    # The full-text index (migration 0005) is dialect-specific DDL, like the triggers: an FTS5
    # table and its shadow tables on SQLite, a tsvector table on PostgreSQL. No model has it.
    return not (type_ == "table" and (name or "").startswith("event_search"))


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
        await connection.commit()
    await engine.dispose()


def _url() -> str:
    configured: Any = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    return normalize_url(configured or Settings.from_env().database_url)


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (shared := config.attributes.get("connection")) is not None:
    _configure(shared)
else:
    asyncio.run(_run_async(_url()))
