"""Event reads: the list reads (raw driver values, built without the dataclass constructor) give
states equal, field for field and type for type, to the ORM read of one event."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.store._strategies import source_lists, tag_lists
from timeline.domain.model import EventState
from timeline.services import events as event_store
from timeline.store.db import Database
from timeline.store.processes import create_process, get_process

_slugs = itertools.count()
_texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
_moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5))]),
)


def _document(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["session", "informal", "consultation", "document", "note"]))
    formal = draw(st.booleans())
    return {
        "kind": kind,
        "title": draw(_texts.filter(str.strip)),
        "date": draw(st.sampled_from(["2024-01-02", "2024-03", "2024-01-22/2024-02-02", "2025"])),
        "status": draw(st.sampled_from(["planned", "held", "postponed"])),
        "location": draw(st.none() | _texts),
        "summary": draw(st.none() | _texts),
        "tags": draw(tag_lists(longest_tail=10, most=3)),
        "sources": draw(
            source_lists(st.sampled_from(["https://example.org/a", "https://un.org/b"]), _texts)
        ),
        "attributes": {"formal": formal} if kind == "session" else {},
    }


documents = st.composite(_document)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(documents(), _moments), min_size=1, max_size=6))
async def test_list_reads_equal_the_orm_read_of_each_event(
    database_url: str, created: list[tuple[dict[str, Any], dt.datetime]]
) -> None:
    db = Database(database_url)
    slug = f"reads-{next(_slugs)}"
    try:
        async with db.write() as session:
            process = await create_process(
                session, {"slug": slug, "title": "Reads"}, now=created[0][1]
            )
            for document, moment in created:
                await event_store.create_event(
                    session, process, document, known_on=moment.date(), actor="t", now=moment
                )
        async with db.read() as session:
            process = await get_process(session, slug)
            listed = await event_store.event_states(session, [process], event_store.EventFilter())
            paged = await event_store.process_timeline(session, slug, event_store.EventFilter())
            one_by_one = [
                await event_store.get_event(session, process, state.id) for state in listed
            ]
    finally:
        await db.dispose()
    assert len(listed) == len(created)
    assert listed == paged == one_by_one
    for fast, orm in zip(listed, one_by_one, strict=True):
        assert vars(fast).keys() >= {f.name for f in dataclasses.fields(EventState)}
        for field in dataclasses.fields(EventState):
            mine, theirs = getattr(fast, field.name), getattr(orm, field.name)
            assert type(mine) is type(theirs), field.name
        assert fast.created_at.tzinfo is dt.UTC and fast.updated_at.tzinfo is dt.UTC


def test_from_fields_is_the_constructor_for_a_complete_mapping() -> None:
    moment = dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    state = EventState(
        id="e",
        process="p",
        kind="session",
        title="Session",
        date="2024-05-06",
        status="held",
        version=3,
        created_at=moment,
        updated_at=moment,
        known_on=moment.date(),
        tags=["a"],
        attributes={"formal": True},
    )
    again = EventState.from_fields(dataclasses.asdict(state))
    assert again == state
    assert dataclasses.asdict(again) == dataclasses.asdict(state)
    assert again.span == state.span
