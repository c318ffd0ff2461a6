"""Request and response shapes of the public API (pydantic; never table models).

Request models forbid unknown fields, so `id`, `version` or a misspelt field is a 422 naming it.
Response models describe exactly what is served; the OpenAPI document is generated from them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

__all__ = [
    "Day",
    "Dependency",
    "EventCreate",
    "EventLinks",
    "EventPage",
    "EventPatch",
    "EventPublic",
    "HistoryPage",
    "ProcessCreate",
    "ProcessLinks",
    "ProcessPage",
    "ProcessPatch",
    "ProcessPublic",
    "Revision",
    "Source",
    "UpcomingEvent",
    "UpcomingPage",
]

Kind = Literal[
    "session",
    "informal",
    "consultation",
    "vote_point",
    "eif_threshold",
    "deadline",
    "document",
    "signature",
    "ratification",
    "milestone",
    "note",
]
Status = Literal["planned", "tentative", "held", "postponed", "suspended", "cancelled"]
Precision = Literal["day", "month", "season", "year", "datetime"]
Slug = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
ShortText = Field(min_length=1, max_length=300)


_WRITTEN_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_day(value: Any) -> Any:
    # pydantic alone would read 0 or "0" as 1970-01-01 (a Unix timestamp).
    if isinstance(value, dt.date) or (isinstance(value, str) and _WRITTEN_DAY.fullmatch(value)):
        return value
    raise ValueError("must be a day written YYYY-MM-DD")


Day = Annotated[dt.date, BeforeValidator(_written_day)]
"""A calendar day in a request body, written `YYYY-MM-DD` and nothing else."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(_Strict):
    """Where a fact comes from: an http(s) URL, optionally a title and the quoted words."""

    url: str = Field(max_length=2000)
    title: str | None = Field(default=None, max_length=500)
    quote: str | None = Field(default=None, max_length=4000)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL")
        return value


class Dependency(_Strict):
    """A predecessor an event waits for, with the fewest days that must pass after it."""

    event: str = Field(min_length=1, max_length=64)
    lag_days: int = Field(default=0, ge=0, le=3650)


Tag = Field(min_length=1, max_length=64, pattern=r"^[^\s,][^,]*$")


class EventFields(_Strict):
    """The writable fields of an event, as a person writes them."""

    kind: Kind
    title: str = ShortText
    date: str = Field(min_length=1, max_length=100, examples=["2023-08-21/2023-09-01"])
    status: Status = "planned"
    location: str | None = Field(default=None, max_length=300)
    summary: str | None = Field(default=None, max_length=10000)
    tags: list[str] = Field(default_factory=list, max_length=50)
    parent: str | None = Field(default=None, max_length=64)
    depends_on: list[Dependency] = Field(default_factory=list, max_length=50)
    sources: list[Source] = Field(default_factory=list, max_length=50)
    attributes: dict[str, Any] = Field(default_factory=dict, max_length=20)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        cleaned = [t.strip() for t in value]
        for tag in cleaned:
            if not tag or len(tag) > 64 or "," in tag:
                raise ValueError("each tag is 1 to 64 characters, without commas")
        return list(dict.fromkeys(cleaned))


class EventCreate(EventFields):
    """A new event; `known_on` is the day the information became public (default: today)."""

    known_on: Day | None = None


class EventPatch(_Strict):
    """A JSON merge patch (RFC 7396) of an event's fields; null removes an optional field."""

    kind: Kind | None = None
    title: str | None = Field(default=None, min_length=1, max_length=300)
    date: str | None = Field(default=None, min_length=1, max_length=100)
    status: Status | None = None
    location: str | None = Field(default=None, max_length=300)
    summary: str | None = Field(default=None, max_length=10000)
    tags: list[str] | None = Field(default=None, max_length=50)
    parent: str | None = Field(default=None, max_length=64)
    depends_on: list[Dependency] | None = Field(default=None, max_length=50)
    sources: list[Source] | None = Field(default=None, max_length=50)
    attributes: dict[str, Any] | None = Field(default=None, max_length=20)
    known_on: Day | None = None


class EventLinks(BaseModel):
    """Where to read more about an event."""

    self: str
    history: str
    ics: str
    process: str
    page: str


class EventPublic(BaseModel):
    """An event as served, with the bounds and precision derived from its written date."""

    id: str
    process: str
    kind: Kind
    title: str
    date: str
    start: dt.date
    end: dt.date
    precision: Precision
    approximate: bool
    uncertain: bool
    status: Status
    location: str | None
    summary: str | None
    tags: list[str]
    parent: str | None
    depends_on: list[Dependency]
    sources: list[Source]
    attributes: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    known_on: dt.date
    links: EventLinks


class UpcomingEvent(EventPublic):
    """An event in an upcoming window: days until it starts, and whether it is under way."""

    days_until: int
    ongoing: bool


class EventPage(BaseModel):
    """One page of events; `next` is the URL of the following page, or null."""

    items: list[EventPublic]
    next: str | None


class UpcomingPage(BaseModel):
    """Upcoming events across processes, soonest first."""

    as_of: dt.date
    days: int
    items: list[UpcomingEvent]
    next: str | None


class Revision(BaseModel):
    """One immutable entry of an event's history."""

    version: int
    recorded_at: dt.datetime
    known_on: dt.date
    actor: str
    change: Literal["created", "updated", "deleted"]
    fields: dict[str, list[Any]]


class HistoryPage(BaseModel):
    """Every revision of an event, oldest first."""

    event: str
    items: list[Revision]
    next: str | None


class ProcessCreate(_Strict):
    """A new negotiation process."""

    slug: str = Slug
    title: str = ShortText
    description: str | None = Field(default=None, max_length=10000)
    timezone: str = Field(default="UTC", max_length=64)
    url: str | None = Field(default=None, max_length=2000)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _check_zone(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else Source._http_url(value)


class ProcessPatch(_Strict):
    """A JSON merge patch of a process's fields (the slug never changes)."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10000)
    timezone: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=2000)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else _check_zone(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else Source._http_url(value)


def _check_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone such as Europe/Vienna") from None
    return value


class ProcessLinks(BaseModel):
    """Where a process's views live."""

    self: str
    events: str
    timeline: str
    calendar: str
    webcal: str
    atom: str
    json_feed: str
    risks: str
    entry_into_force: str
    timelinejs: str
    page: str


class ProcessPublic(BaseModel):
    """A process as served, with its counts and links."""

    slug: str
    title: str
    description: str | None
    timezone: str
    url: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    counts: dict[str, int]
    links: ProcessLinks


class ProcessPage(BaseModel):
    """One page of processes."""

    items: list[ProcessPublic]
    next: str | None
