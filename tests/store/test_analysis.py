"""The analysis inputs: brought up to date from the revisions recorded since, they always equal
the inputs read from the start and the store's own replays, whatever the changes and their days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests._statements import statements_sent
from tests.conftest import postgres_only
from tests.store._random_log import AS_OF, NOW, random_log, random_log_settings, replayed
from timeline.domain.eif import assess_entry_into_force
from timeline.domain.errors import NotFound
from timeline.domain.risk import assess_deadlines
from timeline.services import events as event_store
from timeline.store.analysis import (
    AnalysisInputs,
    LogPosition,
    analysis_stamps,
    one_snapshot,
    process_log_version,
    refresh_inputs,
)
from timeline.store.db import Database
from timeline.store.items import create_item
from timeline.store.processes import create_process, get_process

D = dt.date


async def _refresh(
    db: Database, slug: str, as_of: dt.date, previous: AnalysisInputs | None
) -> AnalysisInputs:
    async with db.read() as session:
        await one_snapshot(session)
        stamps = await analysis_stamps(session, slug, as_of)
        inputs = await refresh_inputs(session, stamps, previous)
    assert inputs.known == stamps.known  # what the inputs hold is what the stamp names
    assert (inputs.events_position, inputs.items_position) == (stamps.events, stamps.items)
    return inputs


def _by_id(events: Any) -> list[Any]:
    return sorted(events, key=lambda e: e.id)


async def _check(db: Database, slug: str, as_of: dt.date, inputs: AnalysisInputs) -> None:
    scratch = await _refresh(db, slug, as_of, None)
    events, items, changes = await replayed(db, slug, as_of)
    assert _by_id(inputs.events) == _by_id(scratch.events) == _by_id(events)
    assert list(inputs.items) == list(scratch.items) == items
    assert {k: list(v) for k, v in inputs.status_changes.items()} == changes
    assert inputs.status_changes == scratch.status_changes
    assert (inputs.known, inputs.events_position, inputs.items_position) == (
        scratch.known,
        scratch.events_position,
        scratch.items_position,
    )
    risks = assess_deadlines(inputs.events, inputs.items, as_of, inputs.status_changes)
    assert [r.to_json() for r in risks] == [
        r.to_json() for r in assess_deadlines(events, items, as_of, changes)
    ]
    assert (
        assess_entry_into_force(inputs.events, as_of).to_json()
        == assess_entry_into_force(events, as_of).to_json()
    )


@random_log_settings(max_examples=25)
@given(data=st.data())
async def test_inputs_brought_up_to_date_equal_a_replay_from_scratch(
    database_url: str, data: st.DataObject
) -> None:
    async with random_log(database_url, data) as log:
        db, slug = log.db, log.slug
        inputs: dict[dt.date, AnalysisInputs | None] = dict.fromkeys(AS_OF)
        for _ in range(data.draw(st.integers(1, 14), label="steps")):
            for _ in range(data.draw(st.integers(1, 3), label="changes before a look")):
                await log.change()
            # some days are looked at after every change, others after several
            for day in data.draw(st.lists(st.sampled_from(AS_OF), unique=True), label="days"):
                inputs[day] = await _refresh(db, slug, day, inputs[day])
                await _check(db, slug, day, inputs[day])  # type: ignore[arg-type]
        for day, held in inputs.items():
            await _check(db, slug, day, await _refresh(db, slug, day, held))


async def _process_with_events(db: Database, slug: str, count: int) -> list[str]:
    async with db.write() as session:
        process = await create_process(session, {"slug": slug, "title": "P"}, now=NOW)
        ids = []
        for index in range(count):
            state = await event_store.create_event(
                session,
                process,
                {"kind": "session", "title": f"S{index}", "date": "2023-05-15/2023-05-19"},
                known_on=D(2023, 1, 2),
                actor="t",
                now=NOW,
            )
            ids.append(state.id)
        await create_item(
            session, process, {"key": "a", "title": "A", "status": "open"},
            known_on=D(2023, 1, 2), actor="t", now=NOW,
        )  # fmt: skip
    return ids


async def _update(db: Database, ident: str, patch: dict[str, Any], known_on: dt.date) -> None:
    """Change one event of process "p", made public on `known_on`."""
    async with db.write() as session:
        await event_store.update_event(
            session, await get_process(session, "p"), ident, patch,
            expected_version=None, known_on=known_on, actor="t", now=NOW,
        )  # fmt: skip


async def _read_once(db: Database, count: int, day: dt.date) -> tuple[list[str], AnalysisInputs]:
    """Process "p" with `count` events, and its inputs for `day` read from scratch."""
    ids = await _process_with_events(db, "p", count)
    return ids, await _refresh(db, "p", day, None)


async def test_a_refresh_after_one_change_reads_only_the_revision_recorded_since(
    db: Database,
) -> None:
    day = D(2023, 6, 1)
    ids, before = await _read_once(db, 30, day)
    assert before.events_position == LogPosition(before.events_position.newest, 30)
    await _update(db, ids[7], {"status": "held"}, known_on=D(2023, 5, 20))
    with statements_sent(selects_only=True) as sent:
        after = await _refresh(db, "p", day, before)
    # the stamps, then one range read of the event log past the newest id already applied;
    # the item log did not move, so it is not read at all
    assert len(sent) == 2, [s.text for s in sent]
    range_read = sent[1]
    assert "event_revisions.id >" in range_read.text
    assert before.events_position.newest in tuple(range_read.parameters)
    assert after.events_position.count == before.events_position.count + 1
    assert after.items is before.items  # untouched parts are shared, not copied
    [held] = [e for e in after.events if e.id == ids[7]]
    assert (held.status, held.version) == ("held", 2)
    # nothing new: the stamps alone
    with statements_sent(selects_only=True) as sent:
        same = await _refresh(db, "p", day, after)
    assert len(sent) == 1
    assert same == after


async def test_a_change_known_after_the_day_moves_the_log_but_not_the_known_stamp(
    db: Database,
) -> None:
    day = D(2023, 6, 1)
    ids, before = await _read_once(db, 3, day)
    await _update(db, ids[0], {"status": "cancelled"}, known_on=D(2023, 9, 1))
    after = await _refresh(db, "p", day, before)
    assert after.known == before.known
    assert after.events_position.count == before.events_position.count + 1
    assert after.events == before.events  # as known on the day, nothing changed
    async with db.read() as session:
        assert await process_log_version(session, "p") == (
            f"{after.events_position}.{after.items_position}"
        )


@postgres_only
async def test_a_revision_committed_below_the_newest_id_read_is_not_missed(
    db: Database,
) -> None:
    day = D(2023, 6, 1)
    note = {"kind": "session", "title": "N", "date": "2023-05-15/2023-05-19", "status": "held"}
    await _process_with_events(db, "p", 1)
    async with db._write() as early, db._write() as late, early.begin():
        # `early` takes the lower revision id but commits after `late`
        await event_store.create_event(
            early, await get_process(early, "p"), note,
            known_on=D(2023, 1, 2), actor="a", now=NOW,
        )  # fmt: skip
        async with late.begin():
            await event_store.create_event(
                late, await get_process(late, "p"), note,
                known_on=D(2023, 1, 2), actor="b", now=NOW,
            )  # fmt: skip
        middle = await _refresh(db, "p", day, None)
    assert len(middle.events) == 2  # the first event and `late`'s
    refreshed = await _refresh(db, "p", day, middle)
    assert len(refreshed.events) == 3
    await _check(db, "p", day, refreshed)


async def test_an_unknown_process_is_not_found(db: Database) -> None:
    async with db.read() as session:
        with pytest.raises(NotFound, match="no process 'nope'"):
            await analysis_stamps(session, "nope", D(2023, 1, 1))
