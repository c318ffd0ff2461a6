"""The Atom change feed, read back with feedparser."""

from __future__ import annotations

import datetime as dt

import feedparser

from tests.formats._feeds import feed_info
from tests.formats._records import record
from timeline.formats.atom import atom_feed
from timeline.formats.feedinfo import FeedInfo

CREATED = dt.datetime(2022, 3, 11, 9, 0, tzinfo=dt.UTC)
MOVED = dt.datetime(2023, 9, 1, 12, 0, 0, 250000, tzinfo=dt.UTC)


def _info(fallback: dt.datetime = CREATED) -> FeedInfo:
    return feed_info(fallback_updated=fallback)


def _records() -> list:  # newest first, as the store lists them
    return [
        record({}, {"date": "2023-09-04/2023-09-15"}, rid=2, recorded_at=MOVED),
        record(None, {}, rid=1, recorded_at=CREATED, known_on=dt.date(2022, 3, 11)),
    ]


def test_feedparser_reads_it_without_complaint() -> None:
    parsed = feedparser.parse(atom_feed(_info(), _records()))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == "tag:timeline.negotiations,2026:ahc/changes"
    assert parsed.feed.title == "AHC: what changed"
    assert parsed.feed.author == "timeline"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {
        "self": "https://timeline.example/api/v1/processes/ahc/changes.atom",
        "alternate": "https://timeline.example/processes/ahc",
    }


def test_one_entry_per_change_newest_first_with_permanent_ids() -> None:
    parsed = feedparser.parse(atom_feed(_info(), _records()))
    assert [e.id for e in parsed.entries] == [
        "tag:timeline.negotiations,2026:ahc/ev6/2",
        "tag:timeline.negotiations,2026:ahc/ev6/1",
    ]
    assert [e.title for e in parsed.entries] == [
        "Sixth session moved from 21 August – 1 September 2023 to 4–15 September 2023",
        "New: Sixth session",
    ]


def test_published_and_updated_are_when_the_change_was_recorded() -> None:
    parsed = feedparser.parse(atom_feed(_info(), _records()))
    moved, created = parsed.entries
    # Not the event's own date (2023-08-21), not now: the moment of recording.
    assert moved.published == moved.updated == "2023-09-01T12:00:00.250000+00:00"
    assert created.published == created.updated == "2022-03-11T09:00:00+00:00"
    assert parsed.feed.updated == "2023-09-01T12:00:00.250000+00:00"


def test_entries_carry_author_alternate_link_and_html_content() -> None:
    entry = feedparser.parse(atom_feed(_info(), _records())).entries[0]
    assert entry.author == "editor-anna"
    assert entry.link == "https://timeline.example/processes/ahc/events/ev6"
    content = entry.content[0]
    assert content.type == "text/html"
    assert "<del>21 August – 1 September 2023 (2023-08-21/2023-09-01)</del>" in content.value
    assert 'href="https://www.unodc.org/ahc"' in content.value
    assert {t.term for t in entry.tags} == {"session", "zero-draft"}


def test_same_records_give_the_same_bytes() -> None:
    assert atom_feed(_info(), _records()) == atom_feed(_info(), _records())


def test_empty_feed_is_dated_by_the_data_not_the_clock() -> None:
    fallback = dt.datetime(2021, 5, 10, tzinfo=dt.UTC)
    body = atom_feed(_info(fallback), [])
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert parsed.entries == []
    assert parsed.feed.updated == "2021-05-10T00:00:00+00:00"
    assert body == atom_feed(_info(fallback), [])
