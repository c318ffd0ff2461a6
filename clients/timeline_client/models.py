"""Typed results. Each keeps the whole JSON it came from in `raw`, so nothing is lost when the
service adds fields; the typed attributes are the documented contract."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Generic, Self, TypedDict, TypeVar, cast

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


def _day(value: Any) -> dt.date:
    day = _date(value)
    if day is None:
        raise ValueError("a day is required here")
    return day


def _dict(value: Any) -> dict[str, Any]:
    return dict(value or {})


def _list(value: Any) -> list[Any]:
    return list(value or [])


def _texts(value: Any) -> list[str]:
    return [str(v) for v in value or []]


def _key(
    convert: Callable[[Any], Any] | None = None, *, missing: Any = None, required: bool = False
) -> dict[str, Any]:
    """The metadata of a field read from the document's key of the same name, by `convert` (as
    is when None); `missing` stands in for an absent key, an absent `required` one is a
    KeyError."""
    return {"read": (convert, missing, required)}


class _Document:
    """A result read from one JSON document of the API, each field as its `_key` says."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @classmethod
    def from_json(cls, doc: dict[str, Any], etag: str | None = None) -> Self:
        """Read the document (with the reply's ETag, for the documents that carry one)."""
        values: dict[str, Any] = {"raw": doc}
        for each in fields(cls):
            if each.name == "etag":
                values["etag"] = etag
            if "read" not in each.metadata:
                continue
            convert, missing, required = each.metadata["read"]
            value = doc[each.name] if required else doc.get(each.name, missing)
            values[each.name] = value if convert is None else convert(value)
        made: Self = cast(Any, cls)(**values)
        return made


@dataclass(frozen=True)
class Process(_Document):
    """A negotiation process with its counts and links."""

    slug: str = field(metadata=_key(required=True))
    title: str = field(metadata=_key(required=True))
    description: str | None = field(metadata=_key())
    timezone: str = field(metadata=_key(missing="UTC"))
    url: str | None = field(metadata=_key())
    version: int = field(metadata=_key(int, missing=1))
    created_at: dt.datetime | None = field(metadata=_key(_moment))
    updated_at: dt.datetime | None = field(metadata=_key(_moment))
    counts: dict[str, int] = field(metadata=_key(_dict))
    links: dict[str, str] = field(metadata=_key(_dict))
    etag: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Event(_Document):
    """An event as served (of a single read, a list or the upcoming window); `days_until` and
    `ongoing` are set in upcoming lists only."""

    id: str = field(metadata=_key(required=True))
    process: str = field(metadata=_key(required=True))
    kind: str = field(metadata=_key(required=True))
    title: str = field(metadata=_key(required=True))
    date: str = field(metadata=_key(required=True))
    start: dt.date = field(metadata=_key(_day, required=True))
    end: dt.date = field(metadata=_key(_day, required=True))
    precision: str = field(metadata=_key(missing="day"))
    approximate: bool = field(metadata=_key(bool, missing=False))
    uncertain: bool = field(metadata=_key(bool, missing=False))
    status: str = field(metadata=_key(missing="planned"))
    location: str | None = field(metadata=_key())
    summary: str | None = field(metadata=_key())
    tags: list[str] = field(metadata=_key(_list))
    parent: str | None = field(metadata=_key())
    depends_on: list[Dependency] = field(metadata=_key(_list))
    sources: list[Source] = field(metadata=_key(_list))
    attributes: dict[str, Any] = field(metadata=_key(_dict))
    version: int = field(metadata=_key(int, missing=1))
    created_at: dt.datetime | None = field(metadata=_key(_moment))
    updated_at: dt.datetime | None = field(metadata=_key(_moment))
    known_on: dt.date | None = field(metadata=_key(_date))
    links: dict[str, str] = field(metadata=_key(_dict))
    days_until: int | None = field(default=None, metadata=_key())
    ongoing: bool | None = field(default=None, metadata=_key())
    etag: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Revision(_Document):
    """One entry of an event's append-only history."""

    version: int = field(metadata=_key(int, required=True))
    change: str = field(metadata=_key(required=True))
    actor: str = field(metadata=_key(missing=""))
    known_on: dt.date | None = field(metadata=_key(_date))
    recorded_at: dt.datetime | None = field(metadata=_key(_moment))
    fields: dict[str, list[Any]] = field(metadata=_key(_dict))
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Item(_Document):
    """A negotiation item (an article, a chapter, a definition) and its status."""

    key: str = field(metadata=_key(required=True))
    title: str = field(metadata=_key(missing=""))
    chapter: str | None = field(metadata=_key())
    status: str = field(metadata=_key(missing=""))
    version: int = field(metadata=_key(int, missing=1))
    known_on: dt.date | None = field(metadata=_key(_date))
    etag: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class DeadlineRisk(_Document):
    """The assessment of one deadline: will it be met, with the reasons in words."""

    event: dict[str, Any] = field(metadata=_key(_dict))
    status: str = field(metadata=_key(missing=""))
    p_meet: float | None = field(metadata=_key())
    slack_days: int | None = field(metadata=_key())
    projected_date: dt.date | None = field(metadata=_key(_date))
    reasons: list[str] = field(metadata=_key(_texts))
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def _deadlines(value: Any) -> list[DeadlineRisk]:
    return [DeadlineRisk.from_json(d) for d in value or []]


@dataclass(frozen=True)
class RiskReport(_Document):
    """Every deadline of a process, assessed as of a day."""

    as_of: dt.date | None = field(metadata=_key(_date))
    model: Any = field(metadata=_key())
    deadlines: list[DeadlineRisk] = field(metadata=_key(_deadlines))
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class EntryIntoForce(_Document):
    """Instruments deposited against the entry-into-force rule, and the projection."""

    as_of: dt.date | None = field(metadata=_key(_date))
    rule: dict[str, Any] | None = field(metadata=_key())
    count: int | None = field(metadata=_key())
    reached_on: dt.date | None = field(metadata=_key(_date))
    entry_into_force: dt.date | None = field(metadata=_key(_date))
    projection: dict[str, Any] | None = field(metadata=_key())
    scenarios: list[dict[str, Any]] = field(metadata=_key(_list))
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


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
