"""Bulk inserts (`timeline.store.bulk_insert`): the rows a COPY writes on PostgreSQL read back
exactly as those an executemany writes, fire the same triggers, and a refused one raises
SQLAlchemy's error and leaves the transaction's rows unwritten, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Table, insert, select, text
from sqlalchemy.exc import IntegrityError

from tests._statements import statements_sent
from timeline.store.bulk_insert import insert_rows
from timeline.store.db import Database
from timeline.store.tables import Event, EventRevision, EventTag, Process

_PROCESSES: Table = Process.__table__  # type: ignore[attr-defined]
_EVENTS: Table = Event.__table__  # type: ignore[attr-defined]
_TAGS: Table = EventTag.__table__  # type: ignore[attr-defined]
_REVISIONS: Table = EventRevision.__table__  # type: ignore[attr-defined]
_WHEN = dt.datetime(2024, 3, 4, 5, 6, 7, 891011, tzinfo=dt.timezone(dt.timedelta(hours=2)))
_DOCUMENT = {
    "kind": "deadline", "title": "Submissions on article 42 — «final»", "date": "2024-03",
    "status": "planned", "location": None, "summary": "Line one\nline two\ttabbed",
    "tags": ["article-42", "ünïcode"], "parent": None,
    "depends_on": [{"event": "e0", "lag_days": -3}],
    "sources": [{"url": "https://example.org/a?b=1", "title": "Note", "quote": None}],
    "attributes": {"count": 2, "share": 0.25, "nested": {"flag": True, "none": None}},
}  # fmt: skip


def _event(event_id: str, process_id: int) -> dict[str, Any]:
    return {
        "id": event_id, "process_id": process_id,
        **{k: _DOCUMENT[k] for k in ("kind", "title", "date", "status", "location", "summary")},
        **{k: _DOCUMENT[k] for k in ("tags", "parent", "depends_on", "sources", "attributes")},
        "start_day": dt.date(2024, 3, 1), "end_day": dt.date(2024, 3, 31), "precision": "month",
        "version": 1, "deleted": False, "known_on": dt.date(2024, 3, 4), "created_at": _WHEN,
        "updated_at": _WHEN, "ics_entry": "SUMMARY:Submissions\r\n",
    }  # fmt: skip


def _revision(event_id: str, process_id: int) -> dict[str, Any]:
    return {
        "event_id": event_id, "process_id": process_id, "version": 1, "change": "created",
        "actor": "importer", "known_on": dt.date(2024, 3, 4), "recorded_at": _WHEN,
        "fields": {"title": [None, _DOCUMENT["title"]]}, "snapshot": _DOCUMENT,
    }  # fmt: skip


async def _process(db: Database, slug: str) -> int:
    async with db.write() as session:
        conn = await session.connection()
        values = {
            "slug": slug,
            "title": slug,
            "version": 1,
            "created_at": _WHEN,
            "updated_at": _WHEN,
        }
        result = await conn.execute(insert(_PROCESSES).returning(_PROCESSES.c.id), values)
        return int(result.scalar_one())


async def test_bulk_rows_read_back_as_executemany_rows_and_are_indexed(
    database_url: str,
) -> None:
    db = Database(database_url)
    process_id = await _process(db, "p")
    with statements_sent(db) as sent:
        async with db.write() as session:
            conn = await session.connection()
            await insert_rows(conn, _EVENTS, [_event("bulk", process_id)])
            await insert_rows(conn, _TAGS, [{"event_id": "bulk", "tag": "article-42"}])
            await insert_rows(conn, _REVISIONS, [_revision("bulk", process_id)])
    if db.is_sqlite:
        assert any("INSERT INTO events" in s.text for s in sent)
    else:  # copied: no INSERT went through SQLAlchemy
        assert not any(s.text.lstrip().upper().startswith("INSERT") for s in sent)
    async with db.write() as session:
        conn = await session.connection()
        await conn.execute(insert(_EVENTS), [_event("each", process_id)])
        await conn.execute(insert(_TAGS), [{"event_id": "each", "tag": "article-42"}])
        await conn.execute(insert(_REVISIONS), [_revision("each", process_id)])
    async with db.read() as session:
        conn = await session.connection()
        events = {r.id: r._asdict() for r in await conn.execute(select(_EVENTS))}
        revisions = {r.event_id: r._asdict() for r in await conn.execute(select(_REVISIONS))}
        tags = sorted(tuple(r) for r in await conn.execute(select(_TAGS)))
        indexed = (await conn.execute(text("SELECT count(*) FROM event_search"))).scalar_one()
    assert {**events["bulk"], "id": "each"} == events["each"]
    assert events["bulk"]["created_at"] == _WHEN and events["bulk"]["tags"] == _DOCUMENT["tags"]
    bulk, each = revisions["bulk"], revisions["each"]
    assert bulk["id"] != each["id"]  # the serial id is the column's default either way
    assert {**bulk, "id": 0, "event_id": ""} == {**each, "id": 0, "event_id": ""}
    assert bulk["snapshot"] == _DOCUMENT
    assert tags == [("bulk", "article-42"), ("each", "article-42")]
    assert indexed == 2  # the search trigger indexed both revisions
    await db.dispose()


async def test_a_refused_bulk_insert_raises_and_its_transaction_writes_nothing(
    database_url: str,
) -> None:
    db = Database(database_url)
    with pytest.raises(IntegrityError):
        async with db.write() as session:
            conn = await session.connection()
            values = {"slug": "q", "title": "Q", "version": 1, "created_at": _WHEN}
            result = await conn.execute(
                insert(_PROCESSES).returning(_PROCESSES.c.id), {**values, "updated_at": _WHEN}
            )
            process_id = int(result.scalar_one())
            await insert_rows(conn, _EVENTS, [_event("a", process_id), _event("b", process_id)])
            await insert_rows(conn, _EVENTS, [_event("c", process_id), _event("a", process_id)])
    async with db.read() as session:
        conn = await session.connection()
        assert (await conn.execute(select(_PROCESSES.c.id))).all() == []
        assert (await conn.execute(select(_EVENTS.c.id))).all() == []
    await db.dispose()


async def test_no_rows_send_nothing(database_url: str) -> None:
    db = Database(database_url)
    with statements_sent(db) as sent:
        async with db.write() as session:
            await insert_rows(await session.connection(), _EVENTS, [])
    assert not any("events" in s.text for s in sent)
    await db.dispose()
