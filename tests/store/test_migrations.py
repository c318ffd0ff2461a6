"""The schema is made only by migrations, which go up, down and up again and match the models."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from tests.store._append_only import assert_refused_and_unchanged
from timeline.store import migrate
from timeline.store.db import Database
from timeline.store.tables import Event, EventRevision, Process, metadata


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    # the full-text index's tables are no model's (migration 0005): see `_search_tables`
    return {n for n in names - {"alembic_version"} if not n.startswith("event_search")}


async def _search_tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return {n for n in names if n.startswith("event_search")}


async def test_upgrade_downgrade_upgrade_and_check_agree_with_the_models(
    database_url: str,
) -> None:
    assert await _tables(database_url) == set(metadata.tables)
    await migrate.check(database_url)
    assert "event_search" in await _search_tables(database_url)
    await migrate.downgrade(database_url, "base")
    assert await _tables(database_url) == set()
    assert await _search_tables(database_url) == set()
    await migrate.upgrade(database_url)
    assert await _tables(database_url) == set(metadata.tables)
    await migrate.check(database_url)
    db = Database(database_url)
    assert await migrate.current_revision(db.read_engine) == migrate.head_revision()
    await db.dispose()


async def _one_revision(db: Database) -> None:
    now = dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)
    async with db.write() as session:
        process = Process(slug="p", title="P", created_at=now, updated_at=now)
        session.add(process)
        await session.flush()
        assert process.id is not None
        event = Event(
            id="e1",
            process_id=process.id,
            kind="note",
            title="N",
            date="2024-01-02",
            start_day=dt.date(2024, 1, 2),
            end_day=dt.date(2024, 1, 2),
            precision="day",
            status="held",
            known_on=dt.date(2024, 1, 2),
            created_at=now,
            updated_at=now,
        )
        session.add(event)
        await session.flush()
        session.add(
            EventRevision(
                event_id="e1",
                process_id=process.id,
                version=1,
                change="created",
                actor="t",
                known_on=dt.date(2024, 1, 2),
                recorded_at=now,
            )
        )


@pytest.mark.parametrize(
    "statement",
    ["UPDATE event_revisions SET actor = 'mallory'", "DELETE FROM event_revisions"],
)
async def test_the_database_refuses_to_change_or_delete_revisions(
    database_url: str, statement: str
) -> None:
    db = Database(database_url)
    await _one_revision(db)
    await assert_refused_and_unchanged(db, statement, "event_revisions")
    await db.dispose()


async def test_datetimes_come_back_timezone_aware_utc(database_url: str) -> None:
    db = Database(database_url)
    await _one_revision(db)
    async with db.read() as session:
        row = await session.get(Process, 1)
    assert row is not None
    assert row.created_at == dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)
    assert row.created_at.utcoffset() == dt.timedelta(0)
    await db.dispose()


async def test_a_migrated_sqlite_file_is_already_in_wal_mode(database_url: str) -> None:
    db = Database(database_url)
    if not db.is_sqlite:
        await db.dispose()
        pytest.skip("journal modes are SQLite's")
    await db.dispose()
    engine = create_async_engine(database_url)  # a plain engine: none of our connect hooks
    async with engine.connect() as conn:
        mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
    await engine.dispose()
    assert mode == "wal"
