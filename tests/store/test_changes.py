"""The change log filtered by kinds and tags in SQL gives what filtering the whole log gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from timeline.domain.model import ChangeRecord
from timeline.services.events import create_event, delete_event, update_event
from timeline.store.changes import list_changes
from timeline.store.db import Database
from timeline.store.processes import create_process, get_process

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DAY = NOW.date()


def _matches(record: ChangeRecord, kinds: Sequence[str], tags: Sequence[str]) -> bool:
    # The rule the feeds promise: the event's state before or after the change counts.
    states = [record.event] if record.previous is None else [record.event, record.previous]
    return (not kinds or any(s.kind in kinds for s in states)) and (
        not tags or any(t in s.tags for s in states for t in tags)
    )


async def _write_log(db: Database) -> None:
    """Events created with tags and without, retagged (in, out, across), retitled, deleted."""
    async with db.write() as session:
        await create_process(session, {"slug": "p", "title": "P"}, now=NOW)
    plan: list[tuple[str, list[str]]] = [
        ("session", ["plenary"]),
        ("session", []),
        ("milestone", ["signature", "plenary"]),
        ("informal", ["entry-into-force"]),
        ("note", []),
    ]
    async with db.write() as session:
        process = await get_process(session, "p")
        ids = []
        for index, (kind, tags) in enumerate(plan):
            document = {"kind": kind, "title": f"E{index}", "date": "2024-01-02", "tags": tags}
            state = await create_event(session, process, document, known_on=DAY, actor="a", now=NOW)
            ids.append(state.id)
        patches = [
            (ids[0], {"tags": []}),  # out of a tag
            (ids[1], {"tags": ["plenary"]}),  # into a tag
            (ids[2], {"tags": ["signature"]}),  # out of one, still in another
            (ids[3], {"title": "Renamed"}),  # neither
            (ids[1], {"tags": ["signature"]}),  # across
            (ids[4], {"kind": "session"}),  # into a kind
        ]
        for event_id, patch in patches:
            await update_event(
                session,
                process,
                event_id,
                patch,
                expected_version=None,
                known_on=DAY,
                actor="b",
                now=NOW,
            )
        await delete_event(
            session, process, ids[3], expected_version=None, known_on=DAY, actor="c", now=NOW
        )


@pytest.mark.parametrize(
    ("kinds", "tags"),
    [
        ((), ("plenary",)),
        ((), ("signature", "entry-into-force")),
        ((), ("nowhere",)),
        (("session",), ()),
        (("milestone", "informal"), ()),
        (("session",), ("plenary",)),
        (("milestone",), ("signature",)),
    ],
)
async def test_kinds_and_tags_select_the_changes_the_state_before_or_after_matches(
    database_url: str, kinds: tuple[str, ...], tags: tuple[str, ...]
) -> None:
    db = Database(database_url)
    await _write_log(db)
    async with db.read() as session:
        processes = [await get_process(session, "p")]
        everything = await list_changes(session, processes, limit=100)
        expected = [r.id for r in everything if _matches(r, kinds, tags)]
        whole = await list_changes(session, processes, limit=100, kinds=kinds, tags=tags)
        # paged two at a time, as the feeds page through the log
        paged: list[int] = []
        before: int | None = None
        while True:
            page = await list_changes(
                session, processes, limit=2, before_id=before, kinds=kinds, tags=tags
            )
            paged += [r.id for r in page]
            if len(page) < 2:
                break
            before = page[-1].id
    await db.dispose()
    assert len(everything) == 12
    assert [r.id for r in whole] == expected
    assert paged == expected
    assert [r for r in whole] == [r for r in everything if r.id in expected]
