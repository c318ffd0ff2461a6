"""Plain values passed around: an event as known at some point, and a recorded change.

Built by the store from rows or revisions; read by the API and the formats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, overload

from timeline.domain.dates import DateSpan, parse_date
from timeline.domain.events import derived_attributes

__all__ = ["ChangeRecord", "EventState", "ProcessInfo"]


@dataclass(frozen=True, slots=True)
class ProcessInfo:
    """The descriptive fields of a process."""

    slug: str
    title: str
    description: str | None = None
    timezone: str = "UTC"
    url: str | None = None


class _ParsedDate:
    """`EventState.span`: the date parsed on the first read, then kept on the instance.

    A non-data descriptor, so after the first read the instance's own `__dict__` answers and
    the descriptor is not called again: the analyses and the feeds read the span of every event
    many times per request. Not `functools.cached_property`, whose per-read lock made it slower
    than parsing from a shared cache on Python 3.11. The state is frozen and `date` is one of
    its fields, so the kept value can never go stale; it is not a dataclass field, so equality,
    `replace` and `asdict` ignore it.
    """

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> _ParsedDate: ...

    @overload
    def __get__(self, instance: EventState, owner: type[Any] | None = None) -> DateSpan: ...

    def __get__(
        self, instance: EventState | None, owner: type[Any] | None = None
    ) -> DateSpan | _ParsedDate:
        if instance is None:
            return self
        span = _span(instance.date)
        # frozen dataclasses refuse setattr; the instance dict is where a non-data descriptor's
        # value is looked up first
        instance.__dict__["span"] = span
        return span


@dataclass(frozen=True)
class EventState:
    """An event as it stood at one version: its document plus version metadata."""

    id: str
    process: str
    kind: str
    title: str
    date: str
    status: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    known_on: dt.date
    location: str | None = None
    summary: str | None = None
    tags: list[str] = field(default_factory=list)
    parent: str | None = None
    depends_on: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> EventState:
        """The state whose fields are exactly `fields`, which must name every field (the store's
        reads, which give each one). The dict becomes the state's own: do not reuse it.

        For the thousands of rows of a feed: the frozen dataclass's `__init__` sets each of its
        17 fields through `object.__setattr__`, eight times the cost of this.
        """
        state = cls.__new__(cls)
        state.__dict__.update(fields)
        return state

    @classmethod
    def from_document(cls, document: dict[str, Any], **meta: Any) -> EventState:
        """An event state from a stored document (the writable fields) and its metadata."""
        return cls(
            kind=document["kind"],
            title=document["title"],
            date=document["date"],
            status=document.get("status", "planned"),
            location=document.get("location"),
            summary=document.get("summary"),
            tags=list(document.get("tags") or []),
            parent=document.get("parent"),
            depends_on=[dict(d) for d in document.get("depends_on") or []],
            sources=[dict(s) for s in document.get("sources") or []],
            attributes=dict(document.get("attributes") or {}),
            **meta,
        )

    span = _ParsedDate()  # the parsed date (bounds, precision, qualifiers)

    @property
    def start(self) -> dt.date:
        """The first calendar day the date can cover."""
        return self.span.start

    @property
    def end(self) -> dt.date:
        """The last calendar day the date can cover (inclusive)."""
        return self.span.end

    @property
    def served_attributes(self) -> dict[str, Any]:
        """Attributes with the computed ones (vote outcome, defaults) filled in."""
        return derived_attributes(self.kind, self.attributes)

    def document(self) -> dict[str, Any]:
        """The writable fields, as a client would send them."""
        return {
            "kind": self.kind,
            "title": self.title,
            "date": self.date,
            "status": self.status,
            "location": self.location,
            "summary": self.summary,
            "tags": list(self.tags),
            "parent": self.parent,
            "depends_on": [dict(d) for d in self.depends_on],
            "sources": [dict(s) for s in self.sources],
            "attributes": dict(self.attributes),
        }


_SPAN_CACHE: dict[str, DateSpan] = {}


def _span(text: str) -> DateSpan:
    # Parsing EDTF is the costliest step of serving a page; dates repeat, so remember them.
    span = _SPAN_CACHE.get(text)
    if span is None:
        if len(_SPAN_CACHE) > 50_000:
            _SPAN_CACHE.clear()
        span = _SPAN_CACHE[text] = parse_date(text)
    return span


@dataclass(frozen=True)
class ChangeRecord:
    """One recorded change to an event: who, when, what moved, and the event after it.

    `event` is the state after the change (for a deletion, the state just before it).
    `previous` is the state before the change (None for a creation).
    """

    id: int
    event_id: str
    process: str
    version: int
    change: str
    actor: str
    known_on: dt.date
    recorded_at: dt.datetime
    fields: dict[str, list[Any]]
    event: EventState
    previous: EventState | None = None
