"""Kept calendar entries: a feed built from the parts kept with each event is byte for byte the
feed written afresh from the events, whatever was written, changed, deleted or imported, and
whatever the parts kept are (current, another format's, garbage, none)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.store._strategies import source_lists, tag_lists
from timeline.domain.model import ProcessInfo
from timeline.formats.ics import ENTRY_FORMAT, CalendarOptions, StoredEntry, build_calendar
from timeline.services import events as event_store
from timeline.services.bundle import export_bundle, import_bundle, parse_bundle
from timeline.store.db import Database
from timeline.store.processes import create_process, get_process, update_process

_slugs = itertools.count()
OPTIONS = CalendarOptions(name="F", description="D", root="https://t.example")
NOW = dt.datetime(2024, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)
_TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)
_DATES = st.sampled_from(
    [
        "2024-01-02",
        "2024-03",
        "2024-21",
        "2024-01-22/2024-02-02",
        "2024-06-05~",
        "2024-06-05?",
        "2025",
        "2024-05-06T10:00:00+02:00",
        "2024-11-04T09:00:00-05:00/2024-11-04T17:30:00-05:00",
    ]
)
_OPTIONS = st.builds(
    CalendarOptions,
    name=st.just("Feed"),
    description=st.just("All of it"),
    root=st.sampled_from(["https://timeline.example", "http://127.0.0.1:8000/b,c;d"]),
    source=st.none(),
    exact_only=st.booleans(),
    alarm_days=st.none() | st.integers(0, 30),
)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["session", "vote_point", "document", "note", "informal"]))
    return {
        "kind": kind,
        "title": draw(_TEXTS.filter(str.strip)),
        "date": draw(_DATES),
        "status": draw(st.sampled_from(["planned", "held", "postponed", "cancelled"])),
        "location": draw(st.none() | _TEXTS),
        "summary": draw(st.none() | _TEXTS),
        "tags": draw(tag_lists(longest_tail=8, most=2)),
        "sources": draw(source_lists(st.just("https://example.org/a"), _TEXTS)),
        "attributes": {"rule": "two_thirds_present_voting"} if kind == "vote_point" else {},
    }


async def _sql(session: Any, statement: Any, params: dict[str, Any] | None = None) -> Any:
    return await (await session.connection()).execute(statement, params or {})


async def _spoil_entries(db: Database, entries: dict[str, str | None]) -> None:
    """Overwrite the kept calendar entry of each event id in `entries`, behind the store's back."""
    async with db.write() as session:
        for ident, entry in entries.items():
            await _sql(
                session,
                text("UPDATE events SET ics_entry = :entry WHERE id = :id"),
                {"entry": entry, "id": ident},
            )


def _sessions(count: int) -> list[dict[str, Any]]:
    """`count` untimed sessions, one a month from January 2024."""
    return [
        {"kind": "session", "title": f"Session {i}", "date": f"2024-0{i + 1}-10"}
        for i in range(count)
    ]


async def _feeds(db: Database, slug: str, options: CalendarOptions) -> tuple[bytes, bytes, int]:
    """The feed from the kept entries, the feed written afresh, and how many entries were kept."""
    async with db.read() as session:
        process = await get_process(session, slug)
        infos = {slug: ProcessInfo(slug=slug, title=process.title, timezone=process.timezone)}
        flt = event_store.EventFilter()
        entries = await event_store.calendar_entries(session, [process], flt)
        states = await event_store.event_states(session, [process], flt)
    kept = sum(isinstance(e, StoredEntry) for e in entries)
    return build_calendar(entries, infos, options), build_calendar(states, infos, options), kept


async def _write(
    db: Database, slug: str, zone: str, created: list[dict[str, Any]], changes: list[Any]
) -> None:
    async with db.write() as session:
        process = await create_process(
            session, {"slug": slug, "title": "Kept", "timezone": zone}, now=NOW
        )
        ids = []
        for document in created:
            state = await event_store.create_event(
                session, process, document, known_on=NOW.date(), actor="t", now=NOW
            )
            ids.append(state.id)
        for step, (which, patch) in enumerate(changes):
            ident = ids[which % len(ids)]
            later = NOW + dt.timedelta(days=step + 1)
            try:
                if patch is None:
                    await event_store.delete_event(
                        session, process, ident, expected_version=None,
                        known_on=later.date(), actor="t", now=later,
                    )  # fmt: skip
                else:
                    await event_store.update_event(
                        session, process, ident, patch, expected_version=None,
                        known_on=later.date(), actor="t", now=later,
                    )  # fmt: skip
            except Exception as error:  # a deleted event cannot change again
                assert "no event" in str(error)


_PATCHES = st.one_of(
    st.none(),
    st.fixed_dictionaries({}, optional={"title": _TEXTS.filter(str.strip), "date": _DATES}),
    st.fixed_dictionaries({"status": st.sampled_from(["held", "cancelled", "postponed"])}),
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(documents(), min_size=1, max_size=6),
    st.lists(st.tuples(st.integers(0, 10), _PATCHES), max_size=4),
    st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"]),
    _OPTIONS,
)
async def test_the_feed_from_kept_entries_is_the_feed_written_afresh(
    database_url: str,
    created: list[dict[str, Any]],
    changes: list[Any],
    zone: str,
    options: CalendarOptions,
) -> None:
    db = Database(database_url)
    slug = f"kept-{next(_slugs)}"
    try:
        await _write(db, slug, zone, created, changes)
        kept_feed, fresh_feed, kept = await _feeds(db, slug, options)
        assert kept_feed == fresh_feed
        async with db.read() as session:
            live, timed = (
                await _sql(
                    session,
                    text(
                        "SELECT count(*), coalesce(sum(CASE WHEN precision = 'datetime'"
                        " THEN 1 ELSE 0 END), 0) FROM events"
                        " JOIN processes ON processes.id = process_id"
                        " WHERE slug = :slug AND NOT deleted"
                    ),
                    {"slug": slug},
                )
            ).one()
        assert kept == live - timed  # every live event but the timed ones keeps its entry
    finally:
        await db.dispose()


async def test_entries_kept_in_another_format_or_broken_or_missing_are_written_afresh(
    db: Database,
) -> None:
    slug = "kept-stale"
    await _write(db, slug, "UTC", _sessions(4), [])
    before, _, kept = await _feeds(db, slug, OPTIONS)
    assert kept == 4
    async with db.read() as session:
        rows = (await _sql(session, text("SELECT id, ics_entry FROM events"))).all()
    await _spoil_entries(
        db,
        {
            rows[0][0]: rows[0][1].replace(ENTRY_FORMAT, "vevent-0/0.0.1"),
            rows[1][0]: "not json at all",
            rows[2][0]: None,
        },
    )
    after, fresh, kept = await _feeds(db, slug, OPTIONS)
    assert kept == 1
    assert after == fresh == before


async def test_timed_entries_follow_a_change_of_the_process_zone(db: Database) -> None:
    slug = "kept-zone"
    documents = [
        {"kind": "session", "title": "Opening", "date": "2024-05-06T10:00:00+02:00"},
        {"kind": "session", "title": "Day", "date": "2024-05-07"},
    ]
    await _write(db, slug, "Europe/Berlin", documents, [])
    berlin, _, _ = await _feeds(db, slug, OPTIONS)
    assert b"TZID=Europe/Berlin:20240506T100000" in berlin
    async with db.write() as session:
        await update_process(session, slug, {"timezone": "UTC"}, expected_version=None, now=NOW)
    utc, fresh, kept = await _feeds(db, slug, OPTIONS)
    assert kept == 1
    assert utc == fresh
    assert b"DTSTART:20240506T080000Z" in utc and b"TZID" not in utc


async def test_imported_events_keep_their_entries(db: Database) -> None:
    documents = [
        {"kind": "session", "title": "One", "date": "2024-05-06"},
        {"kind": "note", "title": "Two", "date": "2024-06", "summary": "a; b, c"},
        {"kind": "session", "title": "Timed", "date": "2024-05-06T10:00:00+00:00"},
    ]
    options = dataclasses.replace(OPTIONS, alarm_days=2)
    await _write(db, "kept-export", "UTC", documents, [(1, {"title": "Two, renamed"})])
    async with db.read() as session:
        bundle = await export_bundle(session, "kept-export")
    bundle["processes"][0]["slug"] = "kept-import"
    for event in bundle["processes"][0]["events"]:
        event["id"] = f"imported-{event['id']}"
    async with db.write() as session:
        await import_bundle(session, parse_bundle(bundle))
    exported, _, _ = await _feeds(db, "kept-export", options)
    imported, fresh, kept = await _feeds(db, "kept-import", options)
    assert kept == 2
    assert imported == fresh
    assert b"SUMMARY:Two\\, renamed" in imported
    assert exported.count(b"BEGIN:VEVENT") == imported.count(b"BEGIN:VEVENT") == 3


async def test_refresh_writes_the_entries_missing_or_stale_and_nothing_else(
    db: Database,
) -> None:
    slug = "kept-refresh"
    documents = _sessions(5)
    documents.append({"kind": "session", "title": "Timed", "date": "2024-05-06T10:00:00+00:00"})
    await _write(db, slug, "UTC", documents, [(4, None)])  # the fifth is deleted
    before, _, _ = await _feeds(db, slug, OPTIONS)
    async with db.read() as session:
        kept = dict((await _sql(session, text("SELECT id, ics_entry FROM events"))).all())
    ids = sorted(i for i, entry in kept.items() if entry is not None)
    assert len(ids) == 4  # the timed event and the deleted one keep none
    await _spoil_entries(
        db, {ids[0]: None, ids[1]: kept[ids[1]].replace(ENTRY_FORMAT, "vevent-0/0.0.1")}
    )
    written = []
    while True:  # in batches of 1, as the command does in batches of 500
        async with db.write() as session:
            count = await event_store.refresh_calendar_entries(session, limit=1)
        if not count:
            break
        written.append(count)
    assert written == [1, 1]
    async with db.read() as session:
        after = dict((await _sql(session, text("SELECT id, ics_entry FROM events"))).all())
        revisions = (await _sql(session, text("SELECT count(*) FROM event_revisions"))).scalar()
    assert after == kept  # rewritten exactly as the writes kept them; the rest untouched
    assert revisions == len(documents) + 1  # derived data: no revision
    refreshed, fresh, count = await _feeds(db, slug, OPTIONS)
    assert refreshed == fresh == before and count == 4
