"""The search index: written by the database in the revision's own transaction, filled for
revisions older than it, and read by one store function on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from timeline.store import migrate
from timeline.store.db import Database
from timeline.store.event_rows import EventFilter
from timeline.store.processes import get_process
from timeline.store.search import SearchQuery, search_events
from timeline.store.tables import Event, EventRevision, Process

_NOW = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _document(title: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "note", "title": title, "date": "2024-01-02", "status": "held",
        "location": None, "summary": None, "tags": [], "parent": None, "depends_on": [],
        "sources": [], "attributes": {}, **fields,
    }  # fmt: skip


async def _write(db: Database, event_id: str, document: dict[str, Any]) -> None:
    async with db.write() as session:
        process = (
            await session.exec(text("SELECT id FROM processes WHERE slug = 'p'"))  # type: ignore[call-overload]
        ).first()
        if process is None:
            row = Process(slug="p", title="P", created_at=_NOW, updated_at=_NOW)
            session.add(row)
            await session.flush()
            process_id = row.id
        else:
            process_id = process[0]
        assert process_id is not None
        session.add(
            Event(
                id=event_id, process_id=process_id, kind="note", title=document["title"],
                date="2024-01-02", start_day=dt.date(2024, 1, 2), end_day=dt.date(2024, 1, 2),
                precision="day", status="held", known_on=dt.date(2024, 1, 2), created_at=_NOW,
                updated_at=_NOW, location=document["location"], tags=document["tags"],
            )
        )  # fmt: skip
        await session.flush()
        session.add(
            EventRevision(
                event_id=event_id, process_id=process_id, version=1, change="created",
                actor="t", known_on=dt.date(2024, 1, 2), recorded_at=_NOW, snapshot=document,
            )
        )  # fmt: skip


async def _found(db: Database, *words: str, location: str | None = None) -> list[str]:
    async with db.read() as session:
        process = await get_process(session, "p")
        found = await search_events(session, process, SearchQuery(words, location), EventFilter())
    return [state.id for _, state in found]


async def _indexed(db: Database) -> int:
    async with db.read() as session:
        count = (await session.exec(text("SELECT count(*) FROM event_search"))).one()  # type: ignore[call-overload]
    return int(count[0])


async def test_a_revision_is_indexed_in_its_own_transaction(database_url: str) -> None:
    db = Database(database_url)
    with pytest.raises(RuntimeError, match="abandon"):
        async with db.write() as session:
            session.add(Process(slug="q", title="Q", created_at=_NOW, updated_at=_NOW))
            await session.flush()
            raise RuntimeError("abandon the write")
    await _write(db, "e1", _document("Talks in Hanoi", tags=["article-42"]))
    assert await _indexed(db) == 1
    assert await _found(db, "hanoi") == ["e1"]
    assert await _found(db, "article", "42") == ["e1"]
    with pytest.raises(RuntimeError, match="abandon"):
        async with db.write() as session:
            process = await get_process(session, "p")
            session.add(
                EventRevision(
                    event_id="e1", process_id=process.id, version=2, change="updated", actor="t",
                    known_on=dt.date(2024, 1, 3), recorded_at=_NOW,
                    snapshot=_document("Talks in Lima"),
                )
            )  # fmt: skip
            await session.flush()
            assert (await session.exec(text("SELECT count(*) FROM event_search"))).one()[0] == 2  # type: ignore[call-overload]
            raise RuntimeError("abandon the write")
    assert await _indexed(db) == 1  # the index entry went with the revision
    await db.dispose()


async def test_the_migration_indexes_revisions_written_before_it(database_url: str) -> None:
    await migrate.downgrade(database_url, "0003")
    db = Database(database_url)
    await _write(db, "old", _document("Intersessional in Vienna", location="Vienna"))
    await db.dispose()
    await migrate.upgrade(database_url)
    db = Database(database_url)
    assert await _found(db, "intersessional") == ["old"]
    assert await _found(db, location="VIENNA") == ["old"]
    assert await _found(db, "lima") == []
    await db.dispose()
