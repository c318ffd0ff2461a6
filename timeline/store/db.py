"""Engines and sessions: one place that knows how SQLite and PostgreSQL differ.

SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` for writes, so concurrent writers queue
instead of failing with "database is locked"; reads use deferred transactions and never block
each other. PostgreSQL uses one pool for both, with row locks taken by the queries that need them.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import configure_mappers
from sqlmodel.ext.asyncio.session import AsyncSession

__all__ = ["Database", "decode_json", "normalize_url"]

_SQLITE_BUSY_MS = 30_000
_log = logging.getLogger(__name__)


def decode_json(text: str | bytes) -> Any:
    """A stored JSON value, as the standard library would read it."""
    # msgspec decodes 3-4x faster, into the same values; every event row carries four JSON
    # columns, so this was a tenth of a timeline page's time. It refuses a lone UTF-16
    # surrogate escape, which `json.dumps` writes for such a string: those go the slow way.
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        return json.loads(text)


_write_generations: defaultdict[str, int] = defaultdict(int)


def normalize_url(url: str) -> str:
    """The async driver URL for a database URL a user may write without one."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url


class Database:
    """The engines of one database and the sessions to read and write it."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalize_url(url)
        self.is_sqlite = make_url(self.url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            self.read_engine = self._sqlite_engine(immediate=False, echo=echo)
            self.write_engine = self._sqlite_engine(immediate=True, echo=echo)
        else:
            self.read_engine = create_async_engine(
                self.url,
                echo=echo,
                pool_pre_ping=True,
                pool_size=10,
                max_overflow=10,
                json_deserializer=decode_json,
            )
            self.write_engine = self.read_engine
        self._read = async_sessionmaker(
            self.read_engine, class_=AsyncSession, expire_on_commit=False, autoflush=False
        )
        self._write = async_sessionmaker(
            self.write_engine, class_=AsyncSession, expire_on_commit=False, autoflush=False
        )

    def _sqlite_engine(self, *, immediate: bool, echo: bool) -> AsyncEngine:
        engine = create_async_engine(
            self.url,
            echo=echo,
            connect_args={"timeout": _SQLITE_BUSY_MS / 1000},
            json_deserializer=decode_json,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling would defer BEGIN; take control of it.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
            cursor.execute("PRAGMA journal_mode")
            if str(cursor.fetchone()[0]).lower() != "wal":
                # WAL is a property of the file (migrations set it), so this only runs on a
                # database made elsewhere. Switching needs the file to itself and SQLite does
                # not wait for that: when another connection holds it, that one switches it.
                try:
                    cursor.execute("PRAGMA journal_mode=WAL")
                except Exception as error:
                    if "locked" not in str(error).lower():
                        raise
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reads; its transaction sees one consistent snapshot."""
        async with self._read() as session:
            yield session

    @property
    def generation(self) -> int:
        """A number that grows after every write transaction this process ran on this database
        (through any `Database` of the same URL); read it before reading the data it guards.

        Writes by other processes do not move it: caches keyed on it must also expire."""
        return _write_generations[self.url]

    @asynccontextmanager
    async def write(self, *, bookkeeping: bool = False) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on any error.

        `bookkeeping` writes (rate-limit counters) change nothing a reader is served, so they
        leave `generation` alone.
        """
        try:
            async with self._write() as session, session.begin():
                yield session
        finally:
            # also after a failure: whether a commit that raised took effect is unknowable
            if not bookkeeping:
                _write_generations[self.url] += 1

    async def warm_up(self) -> None:
        """Do once, at start, the work the first request would otherwise pay for: configure
        the ORM's mappers and open a first connection (the dialect learns the server then)."""
        configure_mappers()
        try:
            async with self.read_engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (OSError, SQLAlchemyError) as error:
            # A database that is not up yet must not stop the server: requests will connect.
            _log.warning("could not open a first connection to the database: %s", error)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            await self.write_engine.dispose()
