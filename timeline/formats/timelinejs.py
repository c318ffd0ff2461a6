"""A process's timeline in Knight Lab TimelineJS 3 JSON (https://timeline.knightlab.com).

Each event is a slide whose `start_date`/`end_date` objects carry only the parts the written
date really knows: a month-precision date has a year and a month and no day; a year has a year
only; a season runs from its first month to its last. `display_date` says the date the way
people write it ("June 2023", "early January 2024", "around June 2023"). Slides are grouped by
kind, and the sources are written as links in the slide text. Same events, same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from timeline.domain.dates import DateSpan, describe_fuzzy
from timeline.domain.model import EventState, ProcessInfo
from timeline.domain.vocabulary import KIND_LABELS
from timeline.formats.change_words import cached_span, status_phrase

__all__ = ["GROUPS", "date_objects", "timelinejs", "timelinejs_document"]

# The row label of each kind in TimelineJS's navigation: the kinds' labels, two of them shorter
# for its narrow rows.
GROUPS: dict[str, str] = {
    **KIND_LABELS,
    "vote_point": "Votes",
    "eif_threshold": "Entry into force",
}


def _day(day: Any) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def _endpoint_object(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """The first and last date objects of one EDTF endpoint, at its own precision."""
    span = cached_span(text)
    if span.precision == "year":
        return {"year": span.start.year}, {"year": span.end.year}
    if span.precision in ("month", "season"):
        return (
            {"year": span.start.year, "month": span.start.month},
            {"year": span.end.year, "month": span.end.month},
        )
    return _day(span.start), _day(span.end)


def date_objects(span: DateSpan) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """TimelineJS `start_date` and `end_date` (None when the date is one unit of its
    precision) for a parsed date, at its true precision."""
    if span.precision == "datetime" and span.start_time is not None:
        assert span.end_time is not None
        first, last = span.start_time, span.end_time
        # Times are shown at the event's own offset; display_date names that offset.
        start = {**_day(first), "hour": first.hour, "minute": first.minute}
        end = {**_day(last), "hour": last.hour, "minute": last.minute}
        return start, None if first == last else end
    parts = span.text.split("/")
    if len(parts) == 2:
        start, _ = _endpoint_object(parts[0])
        _, end = _endpoint_object(parts[1])
    else:
        start, end = _endpoint_object(parts[0])
    return start, None if start == end else end


def _text(event: EventState, span: DateSpan) -> str:
    lines = [
        f"<p>{escape(describe_fuzzy(span))} · {escape(status_phrase(event.kind, event.status))}"
        + (f" · {escape(event.location)}" if event.location else "")
        + "</p>"
    ]
    if event.summary:
        lines.append(f"<p>{escape(event.summary)}</p>")
    if event.tags:
        lines.append(f"<p>Tags: {escape(', '.join(event.tags))}</p>")
    if event.sources:
        links = [
            f'<a href="{escape(str(s["url"]))}">{escape(str(s.get("title") or s["url"]))}</a>'
            for s in event.sources
        ]
        lines.append("<p>Sources: " + "; ".join(links) + "</p>")
    return "".join(lines)


def _slide(event: EventState) -> dict[str, Any]:
    span = event.span
    start, end = date_objects(span)
    fuzzy = describe_fuzzy(span)
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": {**start, "display_date": fuzzy},
    }
    if end is not None:
        slide["end_date"] = {**end, "display_date": fuzzy}
    slide["display_date"] = fuzzy
    slide["text"] = {"headline": escape(event.title), "text": _text(event, span)}
    slide["group"] = GROUPS.get(event.kind, event.kind)
    # The sources are links in the text; TimelineJS would try to embed a bare URL as media.
    slide["autolink"] = False
    return slide


def timelinejs_document(process: ProcessInfo, events: Sequence[EventState]) -> dict[str, Any]:
    """The TimelineJS object: a title slide for the process and one slide per event, in the
    order given (the timeline's: start, end, kind, id)."""
    title_text = escape(process.description or "")
    if process.url:
        title_text += f' <a href="{escape(process.url)}">Official page</a>'
    return {
        "title": {"text": {"headline": escape(process.title), "text": title_text.strip()}},
        "events": [_slide(e) for e in events],
        "scale": "human",
    }


def timelinejs(process: ProcessInfo, events: Sequence[EventState]) -> bytes:
    """The TimelineJS JSON as UTF-8 bytes; the same events give the same bytes."""
    document = timelinejs_document(process, events)
    return json.dumps(document, ensure_ascii=False, indent=2).encode()
