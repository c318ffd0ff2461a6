"""Events as the API takes and serves them: the writable fields, merge patches, pages, history."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from timeline.schemas.common import (
    Day,
    Kind,
    Precision,
    ShortText,
    Status,
    Strict,
    StrictPart,
    http_url,
)

__all__ = [
    "MAX_ATTRIBUTES_BYTES",
    "Dependency",
    "EventCreate",
    "EventFields",
    "EventLinks",
    "EventPage",
    "EventPatch",
    "EventPublic",
    "HistoryPage",
    "Revision",
    "Source",
    "UpcomingEvent",
    "UpcomingPage",
    "small_attributes",
]

MAX_ATTRIBUTES_BYTES = 8192
"""The most an event's attributes may weigh, as compact JSON."""


class Source(StrictPart):
    """Where a fact comes from: an http(s) URL, optionally a title and the quoted words."""

    url: str = Field(max_length=2000)
    title: str | None = Field(default=None, max_length=500)
    quote: str | None = Field(default=None, max_length=4000)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return http_url(value)


class Dependency(StrictPart):
    """A predecessor an event waits for, with the fewest days that must pass after it."""

    event: str = Field(min_length=1, max_length=64)
    lag_days: int = Field(default=0, ge=0, le=3650)


class EventFields(Strict):
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

    @field_validator("attributes")
    @classmethod
    def _small_attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        small_attributes(value)
        return value


def small_attributes(value: dict[str, Any] | None) -> None:
    """ValueError when the JSON of `value` is more than MAX_ATTRIBUTES_BYTES."""
    if value is not None and len(json.dumps(value).encode()) > MAX_ATTRIBUTES_BYTES:
        raise ValueError(f"must be at most {MAX_ATTRIBUTES_BYTES} bytes of JSON")


class EventCreate(EventFields):
    """A new event; `known_on` is the day the information became public (default: today)."""

    known_on: Day | None = None


class EventPatch(Strict):
    """A JSON merge patch (RFC 7396) of an event's fields; null removes an optional field."""

    kind: Kind | None = None
    title: str | None = Field(default=None, min_length=1, max_length=300)
    date: str | None = Field(default=None, min_length=1, max_length=100)
    status: Status | None = Field(
        default=None, description="Cannot be null: an event always has a status."
    )
    location: str | None = Field(default=None, max_length=300)
    summary: str | None = Field(default=None, max_length=10000)
    tags: list[str] | None = Field(default=None, max_length=50)
    parent: str | None = Field(default=None, max_length=64)
    depends_on: list[Dependency] | None = Field(default=None, max_length=50)
    sources: list[Source] | None = Field(default=None, max_length=50)
    attributes: dict[str, Any] | None = Field(default=None, max_length=20)
    known_on: Day | None = None

    @field_validator("kind", "title", "date", "status", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Null removes a field in a merge patch; these have no absent state (a null status
        # would silently reset a held event to planned), so null is refused as items refuse it.
        if value is None:
            raise ValueError("cannot be removed")
        return value

    @field_validator("attributes")
    @classmethod
    def _small_attributes(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        small_attributes(value)
        return value


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
