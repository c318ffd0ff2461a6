"""The item store: every write appends a revision in the same transaction; replays as of a day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import Conflict, InvalidFields, NotFound, PreconditionFailed
from timeline.store.db import Database
from timeline.store.items import create_item, get_item, item_states, update_item
from timeline.store.log_position import item_log_version
from timeline.store.processes import create_process, get_process
from timeline.store.tables import Item, ItemRevision, Process

NOW = dt.datetime(2024, 8, 9, 12, tzinfo=dt.UTC)
D = dt.date


@pytest.fixture
async def db(db: Database) -> Database:
    """The test database, holding one process, "p"."""
    async with db.write() as session:
        await create_process(session, {"slug": "p", "title": "P"}, now=NOW)
    return db


async def _open_item(session: AsyncSession, process: Process, key: str, known_on: dt.date) -> None:
    """Create item `key` (titled in capitals), open, made public on `known_on`."""
    await create_item(
        session, process, {"key": key, "title": key.upper(), "status": "open"},
        known_on=known_on, actor="t", now=NOW,
    )  # fmt: skip


async def test_create_and_update_append_revisions_with_snapshots(db: Database) -> None:
    async with db.write() as session:
        process = await get_process(session, "p")
        raw = {"key": "art-57", "title": "Article 57", "chapter": None, "status": "informals"}
        await create_item(session, process, raw, known_on=D(2023, 1, 20), actor="a", now=NOW)
        # the same patch twice: the second finds nothing to change
        state, unchanged = [
            await update_item(
                session,
                process,
                "art-57",
                {"status": "agreed"},
                expected_version=version,
                known_on=known_on,
                actor=actor,
                now=NOW,
            )
            for version, known_on, actor in ((1, D(2024, 8, 8), "b"), (2, D(2024, 8, 9), "c"))
        ]
    assert state.version == unchanged.version == 2  # a no-op patch writes nothing
    assert [(c.version, c.status, c.actor) for c in state.history] == [
        (1, "informals", "a"),
        (2, "agreed", "b"),
    ]
    async with db.read() as session:
        revisions = (
            await session.exec(select(ItemRevision).order_by(col(ItemRevision.version)))
        ).all()
        row = (await session.exec(select(Item))).one()
        assert (
            await item_log_version(session, [process.id]) == f"{revisions[-1].id}.{len(revisions)}"
        )
    assert [r.fields for r in revisions] == [
        {"key": [None, "art-57"], "title": [None, "Article 57"], "status": [None, "informals"]},
        {"status": ["informals", "agreed"]},
    ]
    assert revisions[1].snapshot["status"] == "agreed"
    assert (row.status, row.version, row.known_on) == ("agreed", 2, D(2024, 8, 8))


async def test_replay_as_of_uses_the_latest_revision_known_then(db: Database) -> None:
    async with db.write() as session:
        process = await get_process(session, "p")
        await _open_item(session, process, "a", D(2023, 1, 1))
        await update_item(
            session, process, "a", {"status": "informals"}, expected_version=None,
            known_on=D(2023, 6, 1), actor="t", now=NOW,
        )  # fmt: skip
        await _open_item(session, process, "b", D(2023, 9, 1))
    async with db.read() as session:
        process = await get_process(session, "p")
        early = await item_states(session, process, D(2023, 5, 31))
        mid = await item_states(session, process, D(2023, 6, 1))
        now = await item_states(session, process)
        with pytest.raises(NotFound):
            await get_item(session, process, "b", D(2023, 8, 31))
        with pytest.raises(NotFound):
            await get_item(session, process, "zzz")
    assert [(s.key, s.status, len(s.history)) for s in early] == [("a", "open", 1)]
    assert [(s.key, s.status) for s in mid] == [("a", "informals")]
    assert [(s.key, s.status) for s in now] == [("a", "informals"), ("b", "open")]


async def test_failed_writes_change_nothing(db: Database) -> None:
    async with db.write() as session:
        process = await get_process(session, "p")
        await _open_item(session, process, "a", D(2023, 1, 1))
    attempts = [
        (create_item, ({"key": "a", "title": "Again", "status": "open"},), Conflict),
        (create_item, ({"key": "c", "title": "C", "status": "closed"},), InvalidFields),
        (update_item, ("a", {"status": "agreed"}), PreconditionFailed),
        (update_item, ("a", {"status": "unknown"}), InvalidFields),
    ]
    for function, args, error in attempts:
        extra = {"expected_version": 7} if error is PreconditionFailed else {}
        if function is update_item and not extra:
            extra = {"expected_version": 1}
        with pytest.raises(error):
            async with db.write() as session:
                process = await get_process(session, "p")
                await function(  # type: ignore[operator]
                    session, process, *args, known_on=D(2023, 2, 1), actor="t", now=NOW, **extra
                )
    async with db.read() as session:
        count = (await session.exec(text("SELECT count(*) FROM item_revisions"))).one()  # type: ignore[call-overload]
        process = await get_process(session, "p")
        [state] = await item_states(session, process)
    assert count[0] == 1
    assert (state.status, state.version, state.title) == ("open", 1, "A")


async def test_revisions_are_append_only(db: Database) -> None:
    async with db.write() as session:
        process = await get_process(session, "p")
        await _open_item(session, process, "a", D(2023, 1, 1))
    with pytest.raises(Exception, match=r"(?i)append|revision|not allowed|immutable"):
        async with db.write() as session:
            await session.exec(text("UPDATE item_revisions SET actor = 'x'"))  # type: ignore[call-overload]
