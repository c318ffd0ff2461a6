"""Recorded changes said in words: a one-line title ("Concluding session suspended", "Sixth
session moved from 21 August – 1 September 2023 to …") and an HTML fragment listing every
changed field, old → new, with the event's sources.

Pure: the feeds and the digest share these sentences, so a change reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any, Protocol

from timeline.domain.dates import DateError, DateSpan, describe_fuzzy, parse_date
from timeline.domain.model import ChangeRecord, EventState
from timeline.domain.vocabulary import HELD_WORDS, STATUS_WORDS
from timeline.domain.votes import ADOPTION_WORDS
from timeline.formats.html_templates import template

__all__ = [
    "TAG_AUTHORITY",
    "cached_span",
    "change_html",
    "change_text",
    "change_title",
    "describe_value",
    "entry_id",
    "field_label",
    "public_moment",
    "rfc3339",
    "status_phrase",
]

# The authority of the entry ids. It is a fixed name, never the request's Host or a setting,
# so an id once published stays the same wherever and however the service is reached.
TAG_AUTHORITY = "timeline.negotiations,2026"

_FIELD_LABELS: dict[str, str] = {
    "kind": "kind",
    "title": "title",
    "date": "date",
    "status": "status",
    "location": "venue",
    "summary": "summary",
    "tags": "tags",
    "parent": "part of",
    "depends_on": "depends on",
    "sources": "sources",
    "attributes": "details",
}

# Fields that make a headline on their own; the others are listed in the content only.
_HEADLINE_FIELDS = ("title", "status", "date", "location")


def entry_id(record: ChangeRecord) -> str:
    """The permanent id of a change: a tag URI naming process, event and version.

    It depends only on the log (never on the host, the time or the database's row ids), so it
    survives an export and re-import and never changes once published.
    """
    return f"tag:{TAG_AUTHORITY}:{record.process}/{record.event_id}/{record.version}"


def rfc3339(moment: dt.datetime) -> str:
    """A timestamp in UTC, RFC 3339 with a `Z`, to the second when it has no fraction."""
    utc = moment.astimezone(dt.UTC)
    text = utc.isoformat(timespec="microseconds" if utc.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def status_phrase(kind: str, status: str) -> str:
    """How a status reads after a title: 'suspended', 'released' for a held document, …"""
    if status == "held" and kind in HELD_WORDS:
        return HELD_WORDS[kind]
    return STATUS_WORDS.get(status, status)


def field_label(name: str) -> str:
    """The word a reader sees for a field name."""
    return _FIELD_LABELS.get(name, name.replace("_", " "))


@lru_cache(maxsize=8192)
def cached_span(text: str) -> DateSpan:
    """`parse_date`, remembered: EDTF parsing costs ~0.1 s a date and feeds repeat dates."""
    return parse_date(text)


def _fuzzy(date_text: Any) -> str:
    if not isinstance(date_text, str):
        return "none"
    try:
        return describe_fuzzy(cached_span(date_text))
    except DateError:
        return date_text


def _outcome_phrase(record: ChangeRecord) -> str | None:
    # A vote point whose tally now decides it: "adopted (120 yes, 10 no)" is the news; one
    # adopted with no count says how: "adopted without a vote".
    if record.event.kind != "vote_point" or "attributes" not in record.fields:
        return None
    after = record.event.served_attributes.get("outcome")
    before = (
        record.previous.served_attributes.get("outcome") if record.previous is not None else None
    )
    if after in (None, "pending") or after == before:
        return None
    attrs = record.event.attributes
    if (how := ADOPTION_WORDS.get(str(attrs.get("adoption")))) is not None:
        return f"{after} {how}"
    tally = ", ".join(
        f"{attrs[k]} {k}" for k in ("yes", "no", "abstain") if attrs.get(k) is not None
    )
    return f"{after} ({tally})" if tally else str(after)


def change_title(record: ChangeRecord) -> str:
    """A headline for one change, in words a newsletter reader understands.

    Created: 'New: <title>'. Deleted: '<title> deleted'. Updated: the title followed by what
    happened to status, date and venue ('Concluding session suspended', 'Sixth session moved
    from … to …'); when only other fields changed, '<title>: summary and sources updated'.
    """
    event = record.event
    if record.change == "created":
        return f"New: {event.title}"
    if record.change == "deleted":
        return f"{event.title} deleted"
    fields = record.fields
    subject = event.title
    phrases: list[str] = []
    if "title" in fields and isinstance(fields["title"][0], str):
        subject = fields["title"][0]
        phrases.append(f"renamed “{event.title}”")
    if "status" in fields:
        phrases.append(status_phrase(event.kind, event.status))
    if "date" in fields:
        old, new = fields["date"]
        phrases.append(f"moved from {_fuzzy(old)} to {_fuzzy(new)}")
    if "location" in fields:
        old, new = fields["location"]
        if new is None:
            phrases.append("venue removed")
        elif old is None:
            phrases.append(f"to be held in {new}")
        else:
            phrases.append(f"relocated from {old} to {new}")
    if (outcome := _outcome_phrase(record)) is not None:
        phrases.append(outcome)
    if phrases:
        return f"{subject} {_join(phrases)}"
    others = [field_label(f) for f in fields if f not in _HEADLINE_FIELDS]
    if not others:
        return f"{subject} updated"
    return f"{subject}: {_join(others)} updated"


def _join(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def describe_value(name: str, value: Any) -> str:
    """A field's value as plain text: dates as people write them, sources by title, lists
    joined; 'none' for an empty or missing value."""
    if value is None or value == [] or value == {}:
        return "none"
    if name == "date":
        fuzzy = _fuzzy(value)
        return value if fuzzy == value else f"{fuzzy} ({value})"
    if name == "sources" and isinstance(value, list):
        return "; ".join(str(s.get("title") or s.get("url")) for s in value)
    if name == "depends_on" and isinstance(value, list):
        return ", ".join(
            f"{d.get('event')}" + (f" (+{d['lag_days']} days)" if d.get("lag_days") else "")
            for d in value
        )
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_scalar(v)}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    return _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _event_line(event: EventState) -> str:
    parts = [_fuzzy(event.date), status_phrase(event.kind, event.status)]
    if event.location:
        parts.append(event.location)
    return " · ".join(parts)


def change_text(record: ChangeRecord) -> str:
    """The change as plain text: the event line, then one 'field: old → new' line per field."""
    lines = [change_title(record), _event_line(record.event)]
    if record.change == "deleted":
        lines.append("The event was removed from the timeline; its history is kept.")
    for name, (old, new) in record.fields.items():
        if record.change == "created":
            lines.append(f"{field_label(name)}: {describe_value(name, new)}")
        else:
            lines.append(
                f"{field_label(name)}: {describe_value(name, old)} → {describe_value(name, new)}"
            )
    for source in record.event.sources:
        lines.append(f"Source: {source.get('title') or source.get('url')} <{source.get('url')}>")
    return "\n".join(lines)


class Dated(Protocol):
    """A change of any record: the day it became known and when it was recorded."""

    @property
    def known_on(self) -> dt.date: ...

    @property
    def recorded_at(self) -> dt.datetime: ...


def public_moment(record: Dated) -> dt.datetime:
    """When a change became public, in UTC: when it was recorded, if it became known
    (`known_on`) on the day it was recorded or later (a live edit); else the start of its
    `known_on` day (imported or seeded history, or a change entered after the fact), so that
    history loaded today is not dated today."""
    recorded = record.recorded_at.astimezone(dt.UTC)
    if record.known_on >= recorded.date():
        return recorded
    return dt.datetime.combine(record.known_on, dt.time(), tzinfo=dt.UTC)


def change_html(record: ChangeRecord, event_url: str | None = None) -> str:
    """An HTML fragment for a feed entry: the event line, a list of every changed field
    (old → new; a creation lists the values), and the event's sources as links."""
    created = record.change == "created"
    fields = [
        (field_label(name), "" if created else describe_value(name, old), describe_value(name, new))
        for name, (old, new) in record.fields.items()
    ]
    return template("change.html").render(
        record=record,
        event=record.event,
        event_url=event_url,
        event_line=_event_line(record.event),
        fields=fields,
        recorded=rfc3339(record.recorded_at),
    )
