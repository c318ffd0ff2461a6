"""The position store: append-only revisions with `known_on`, replays as of a day, If-Match
rules, and a database that refuses to change or delete a revision."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.store._append_only import assert_refused_and_unchanged
from timeline.domain.errors import Conflict, NotFound, PreconditionFailed, PreconditionRequired
from timeline.store import positions as store
from timeline.store.db import Database
from timeline.store.processes import create_process, get_process

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
D = dt.date


async def _db(database_url: str) -> Database:
    db = Database(database_url)
    async with db.write() as session:
        await create_process(session, {"slug": "p", "title": "P"}, now=NOW)
    return db


async def _write(
    db: Database, document: dict[str, str], day: dt.date, version: int | None
) -> tuple[store.RecordState, bool]:
    async with db.write() as session:
        process = await get_process(session, "p")
        return await store.put_record(
            session,
            process,
            "stance",
            "x/EGY",
            {"holder": "EGY", **document},
            parent="x",
            expected_version=version,
            known_on=day,
            actor="t",
            now=NOW,
            steady="stance",
        )


async def _put(db: Database, stance: str, day: dt.date, version: int | None) -> store.RecordState:
    state, _ = await _write(db, {"stance": stance}, day, version)
    return state


async def test_each_change_is_a_revision_and_replays_follow_known_on(database_url: str) -> None:
    db = await _db(database_url)
    await _put(db, "support", D(2023, 6, 1), None)
    await _put(db, "support", D(2023, 6, 5), 1)  # nothing changed: no revision
    await _put(db, "oppose", D(2023, 7, 1), 1)
    latest = await _put(db, "oppose", D(2023, 7, 1), 2)
    assert latest.version == 2
    assert [c.fields for c in latest.history] == [
        {"holder": [None, "EGY"], "stance": [None, "support"]},
        {"stance": ["support", "oppose"]},
    ]
    async with db.read() as session:
        process = await get_process(session, "p")
        then = await store.get_record(session, process, "stance", "x/EGY", as_of=D(2023, 6, 30))
        listed = await store.list_records(
            session, process, "stance", parent="x", as_of=D(2023, 5, 1)
        )
        with pytest.raises(NotFound):
            await store.get_record(session, process, "stance", "x/EGY", as_of=D(2023, 5, 31))
    assert then.document["stance"] == "support" and then.version == 1
    assert listed == []
    await db.dispose()


async def test_since_is_the_first_day_of_the_current_run_of_the_steady_field(
    database_url: str,
) -> None:
    db = await _db(database_url)
    await _put(db, "support", D(2023, 6, 1), None)
    await _put(db, "oppose", D(2023, 7, 1), 1)
    document = {"stance": "oppose", "note": "said again"}
    state, created = await _write(db, document, D(2023, 8, 1), 2)
    assert not created and state.version == 3
    assert state.since == D(2023, 7, 1) and state.known_on == D(2023, 8, 1)
    await db.dispose()


async def test_if_match_rules_refuse_and_change_nothing(database_url: str) -> None:
    db = await _db(database_url)
    with pytest.raises(PreconditionFailed):
        await _put(db, "support", D(2023, 6, 1), 3)  # names a version of nothing
    await _put(db, "support", D(2023, 6, 1), None)
    with pytest.raises(PreconditionRequired):
        await _put(db, "oppose", D(2023, 6, 2), None)
    with pytest.raises(PreconditionFailed):
        await _put(db, "oppose", D(2023, 6, 2), 7)
    async with db.write() as session:
        process = await get_process(session, "p")
        with pytest.raises(Conflict):
            await store.put_record(
                session,
                process,
                "stance",
                "x/EGY",
                {},
                create=True,
                known_on=D(2023, 6, 2),
                actor="t",
                now=NOW,
            )
    async with db.read() as session:
        process = await get_process(session, "p")
        state = await store.get_record(session, process, "stance", "x/EGY")
    assert (state.version, state.document["stance"]) == (1, "support")
    await db.dispose()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE position_revisions SET actor = 'mallory'", "DELETE FROM position_revisions"],
)
async def test_the_database_refuses_to_change_or_delete_position_revisions(
    database_url: str, statement: str
) -> None:
    db = await _db(database_url)
    await _put(db, "support", D(2023, 6, 1), None)
    await assert_refused_and_unchanged(db, statement, "position_revisions")
    await db.dispose()
