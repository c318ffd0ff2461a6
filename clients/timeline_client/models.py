"""Typed results. Each keeps the whole JSON it came from in `raw`, so nothing is lost when the
service adds fields; the typed attributes are the documented contract."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypedDict, TypeVar

__all__ = [
    "DeadlineRisk",
    "Dependency",
    "EntryIntoForce",
    "Event",
    "Feed",
    "Item",
    "Page",
    "Process",
    "Revision",
    "RiskReport",
    "Source",
]

T = TypeVar("T")


class Source(TypedDict, total=False):
    """Where a fact comes from."""

    url: str
    title: str | None
    quote: str | None


class Dependency(TypedDict):
    """A predecessor and the fewest days that must pass after it."""

    event: str
    lag_days: int


def _date(value: Any) -> dt.date | None:
    return None if value in (None, "") else dt.date.fromisoformat(str(value))


def _moment(value: Any) -> dt.datetime | None:
    return None if value in (None, "") else dt.datetime.fromisoformat(str(value))


@dataclass(frozen=True)
class Process:
    """A negotiation process with its counts and links."""

    slug: str
    title: str
    description: str | None
    timezone: str
    url: str | None
    version: int
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    counts: dict[str, int]
    links: dict[str, str]
    etag: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any], etag: str | None = None) -> Process:
        """Read a process document."""
        return cls(
            slug=doc["slug"],
            title=doc["title"],
            description=doc.get("description"),
            timezone=doc.get("timezone", "UTC"),
            url=doc.get("url"),
            version=int(doc.get("version", 1)),
            created_at=_moment(doc.get("created_at")),
            updated_at=_moment(doc.get("updated_at")),
            counts=dict(doc.get("counts") or {}),
            links=dict(doc.get("links") or {}),
            etag=etag,
            raw=doc,
        )


@dataclass(frozen=True)
class Event:
    """An event as served; `days_until` and `ongoing` are set in upcoming lists only."""

    id: str
    process: str
    kind: str
    title: str
    date: str
    start: dt.date
    end: dt.date
    precision: str
    approximate: bool
    uncertain: bool
    status: str
    location: str | None
    summary: str | None
    tags: list[str]
    parent: str | None
    depends_on: list[Dependency]
    sources: list[Source]
    attributes: dict[str, Any]
    version: int
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    known_on: dt.date | None
    links: dict[str, str]
    days_until: int | None = None
    ongoing: bool | None = None
    etag: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any], etag: str | None = None) -> Event:
        """Read an event document (of a single read, a list or the upcoming window)."""
        start = _date(doc["start"])
        end = _date(doc["end"])
        assert start is not None and end is not None
        return cls(
            id=doc["id"],
            process=doc["process"],
            kind=doc["kind"],
            title=doc["title"],
            date=doc["date"],
            start=start,
            end=end,
            precision=doc.get("precision", "day"),
            approximate=bool(doc.get("approximate", False)),
            uncertain=bool(doc.get("uncertain", False)),
            status=doc.get("status", "planned"),
            location=doc.get("location"),
            summary=doc.get("summary"),
            tags=list(doc.get("tags") or []),
            parent=doc.get("parent"),
            depends_on=list(doc.get("depends_on") or []),
            sources=list(doc.get("sources") or []),
            attributes=dict(doc.get("attributes") or {}),
            version=int(doc.get("version", 1)),
            created_at=_moment(doc.get("created_at")),
            updated_at=_moment(doc.get("updated_at")),
            known_on=_date(doc.get("known_on")),
            links=dict(doc.get("links") or {}),
            days_until=doc.get("days_until"),
            ongoing=doc.get("ongoing"),
            etag=etag,
            raw=doc,
        )


@dataclass(frozen=True)
class Revision:
    """One entry of an event's append-only history."""

    version: int
    change: str
    actor: str
    known_on: dt.date | None
    recorded_at: dt.datetime | None
    fields: dict[str, list[Any]]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Revision:
        """Read a revision document."""
        return cls(
            version=int(doc["version"]),
            change=doc["change"],
            actor=doc.get("actor", ""),
            known_on=_date(doc.get("known_on")),
            recorded_at=_moment(doc.get("recorded_at")),
            fields=dict(doc.get("fields") or {}),
            raw=doc,
        )


@dataclass(frozen=True)
class Item:
    """A negotiation item (an article, a chapter, a definition) and its status."""

    key: str
    title: str
    chapter: str | None
    status: str
    version: int
    known_on: dt.date | None
    etag: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any], etag: str | None = None) -> Item:
        """Read an item document."""
        return cls(
            key=doc["key"],
            title=doc.get("title", ""),
            chapter=doc.get("chapter"),
            status=doc.get("status", ""),
            version=int(doc.get("version", 1)),
            known_on=_date(doc.get("known_on")),
            etag=etag,
            raw=doc,
        )


@dataclass(frozen=True)
class DeadlineRisk:
    """The assessment of one deadline: will it be met, with the reasons in words."""

    event: dict[str, Any]
    status: str
    p_meet: float | None
    slack_days: int | None
    projected_date: dt.date | None
    reasons: list[str]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> DeadlineRisk:
        """Read one deadline assessment."""
        return cls(
            event=dict(doc.get("event") or {}),
            status=doc.get("status", ""),
            p_meet=doc.get("p_meet"),
            slack_days=doc.get("slack_days"),
            projected_date=_date(doc.get("projected_date")),
            reasons=[str(r) for r in doc.get("reasons") or []],
            raw=doc,
        )


@dataclass(frozen=True)
class RiskReport:
    """Every deadline of a process, assessed as of a day."""

    as_of: dt.date | None
    model: Any
    deadlines: list[DeadlineRisk]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> RiskReport:
        """Read a risk report."""
        return cls(
            as_of=_date(doc.get("as_of")),
            model=doc.get("model"),
            deadlines=[DeadlineRisk.from_json(d) for d in doc.get("deadlines") or []],
            raw=doc,
        )


@dataclass(frozen=True)
class EntryIntoForce:
    """Instruments deposited against the entry-into-force rule, and the projection."""

    as_of: dt.date | None
    rule: dict[str, Any] | None
    count: int | None
    reached_on: dt.date | None
    entry_into_force: dt.date | None
    projection: dict[str, Any] | None
    scenarios: list[dict[str, Any]]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> EntryIntoForce:
        """Read an entry-into-force report."""
        return cls(
            as_of=_date(doc.get("as_of")),
            rule=doc.get("rule"),
            count=doc.get("count"),
            reached_on=_date(doc.get("reached_on")),
            entry_into_force=_date(doc.get("entry_into_force")),
            projection=doc.get("projection"),
            scenarios=list(doc.get("scenarios") or []),
            raw=doc,
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, and the URL of the next one (None on the last)."""

    items: list[T]
    next: str | None

    @classmethod
    def reader(cls, item: Callable[[dict[str, Any]], T]) -> Callable[[Any], Page[T]]:
        """A parser of a page document whose items are read by `item`."""

        def read(doc: Any) -> Page[T]:
            return cls(items=[item(d) for d in doc.get("items") or []], next=doc.get("next"))

        return read


@dataclass(frozen=True)
class Feed:
    """A calendar, feed or digest as served; `not_modified` when it came from the ETag cache
    because the server answered 304."""

    url: str
    content: bytes
    content_type: str
    etag: str | None
    not_modified: bool = False

    @property
    def text(self) -> str:
        """The body as text (every feed of the service is UTF-8)."""
        return self.content.decode("utf-8")

    def json(self) -> Any:
        """The body decoded as JSON (JSON Feed, the digest as JSON, TimelineJS)."""
        return json.loads(self.content)
