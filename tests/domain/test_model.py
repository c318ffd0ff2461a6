"""EventState: the parsed date is read once per state and never changes what a state is."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace

from tests.domain._states import event_state
from timeline.domain.dates import parse_date
from timeline.domain.model import EventState

STAMP = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def state(date: str) -> EventState:
    return event_state("e", "session", date, "planned", stamp=STAMP, title="Session")


def test_span_is_the_parsed_date_and_is_kept_on_the_state() -> None:
    event = state("2024-01-22/2024-02-02")
    assert event.span == parse_date("2024-01-22/2024-02-02")
    assert event.span is event.span  # parsed once, then the same object
    assert (event.start, event.end) == (dt.date(2024, 1, 22), dt.date(2024, 2, 2))


def test_a_read_span_changes_neither_equality_nor_fields() -> None:
    read, unread = state("2024-01"), state("2024-01")
    assert read.span.precision == "month"
    assert read == unread
    assert asdict(read) == asdict(unread)
    assert "span" not in asdict(read)


def test_replace_with_another_date_gives_that_date_span() -> None:
    event = state("2024-01")
    assert event.span.end == dt.date(2024, 1, 31)
    moved = replace(event, date="2024-03-04")
    assert moved.span == parse_date("2024-03-04")
    assert event.span.end == dt.date(2024, 1, 31)


def test_span_on_the_class_is_the_descriptor() -> None:
    assert not isinstance(EventState.span, property)
    assert hasattr(EventState.span, "__get__")
