"""The database tables (SQLModel). The schema itself is made only by Alembic migrations.

Events keep their current state in `events` and every change in `event_revisions`, which is
append-only: a database trigger refuses UPDATE and DELETE on it. Negotiation items follow the
same pattern. Column names stay plain so that the migrations read like the schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, Index, MetaData, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from timeline.store.types import JSONValue, UTCDateTime

__all__ = [
    "ApiToken",
    "Event",
    "EventRevision",
    "EventTag",
    "IdempotencyRecord",
    "Item",
    "ItemRevision",
    "Process",
    "RateLimitBucket",
    "RevisionColumns",
    "metadata",
    "revision_table_args",
]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


def _utc() -> Any:
    return Column(UTCDateTime(), nullable=False)


def _json() -> Any:
    return Column(JSONValue, nullable=False)


_JSON_TYPE: Any = JSONValue  # an instance (a variant per dialect), where `sa_type` names a class


class Process(SQLModel, table=True):
    """A negotiation process (a committee, a treaty talk)."""

    __tablename__ = "processes"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    title: str = Field(max_length=300)
    description: str | None = None
    timezone: str = Field(default="UTC", max_length=64)
    url: str | None = Field(default=None, max_length=2000)
    version: int = 1
    created_at: dt.datetime = Field(sa_column=_utc())
    updated_at: dt.datetime = Field(sa_column=_utc())


class Event(SQLModel, table=True):
    """The current state of an event; `deleted` events are tombstones kept for history."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_timeline", "process_id", "deleted", "start_day", "end_day", "kind", "id"),
        Index("ix_events_upcoming", "deleted", "start_day", "end_day"),
    )

    id: str = Field(primary_key=True, max_length=64)
    process_id: int = Field(foreign_key="processes.id")
    kind: str = Field(max_length=32)
    title: str = Field(max_length=300)
    date: str = Field(max_length=100)
    start_day: dt.date
    end_day: dt.date
    precision: str = Field(max_length=16)
    status: str = Field(max_length=16)
    location: str | None = Field(default=None, max_length=300)
    summary: str | None = None
    tags: list[str] = Field(default_factory=list, sa_column=_json())
    parent: str | None = Field(default=None, max_length=64)
    depends_on: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json())
    sources: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json())
    attributes: dict[str, Any] = Field(default_factory=dict, sa_column=_json())
    version: int = 1
    deleted: bool = False
    known_on: dt.date
    created_at: dt.datetime = Field(sa_column=_utc())
    updated_at: dt.datetime = Field(sa_column=_utc())
    # The parts of its calendar entry that no feed option changes, written with the event
    # (`timeline.formats.ics.encode_entry`); None for timed events and tombstones, and for
    # events written before they were kept. Derived: never part of the event's document.
    ics_entry: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class EventTag(SQLModel, table=True):
    """One tag of a live event, so that tag filters use an index."""

    __tablename__ = "event_tags"
    __table_args__ = (Index("ix_event_tags_tag", "tag", "event_id"),)

    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=64)
    tag: str = Field(primary_key=True, max_length=64)


class RevisionColumns(SQLModel):
    """What every revision log records besides what it revises: the process, the version the
    change made, who made it, the day it became known, when it was recorded, the fields it
    changed ({name: [old, new]}) and the whole document after it."""

    # Types, not `Column`s: a column object belongs to one table, and this serves two.
    process_id: int = Field(foreign_key="processes.id")
    version: int
    change: str = Field(max_length=16)
    actor: str = Field(max_length=200)
    known_on: dt.date
    recorded_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    fields: dict[str, Any] = Field(default_factory=dict, sa_type=_JSON_TYPE, nullable=False)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_type=_JSON_TYPE, nullable=False)


def revision_table_args(table: str, owner: str, *replay: str) -> tuple[Any, ...]:
    """What every revision log `table` is constrained and indexed by: one revision per version
    of the row it revises (column `owner`), replays as known on a day (the index `replay`,
    `known_on` last), and the newest revision of a process (ETags, cache keys) in one probe."""
    return (
        UniqueConstraint(owner, "version"),
        Index(f"ix_{table}_replay", *replay, "known_on"),
        Index(f"ix_{table}_process_id_id", "process_id", "id"),
    )


class EventRevision(RevisionColumns, table=True):
    """One immutable change to an event: the full document after it, and the fields it changed."""

    __tablename__ = "event_revisions"
    __table_args__ = (
        *revision_table_args(__tablename__, "event_id", "process_id"),
        Index("ix_event_revisions_recorded", "recorded_at", "id"),
        Index("ix_event_revisions_process_id_recorded_at", "process_id", "recorded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(foreign_key="events.id", max_length=64)


class Item(SQLModel, table=True):
    """A negotiation item (a chapter, an article, a definition) that must be settled."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("process_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="processes.id")
    key: str = Field(max_length=100)
    title: str = Field(max_length=300)
    chapter: str | None = Field(default=None, max_length=300)
    status: str = Field(max_length=16)
    version: int = 1
    known_on: dt.date
    created_at: dt.datetime = Field(sa_column=_utc())
    updated_at: dt.datetime = Field(sa_column=_utc())


class ItemRevision(RevisionColumns, table=True):
    """One immutable change to a negotiation item."""

    __tablename__ = "item_revisions"
    __table_args__ = revision_table_args(__tablename__, "item_id", "process_id")

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="items.id")


class ApiToken(SQLModel, table=True):
    """A write token; only the SHA-256 of the secret is kept."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    scope: str = Field(max_length=16)
    process_id: int | None = Field(default=None, foreign_key="processes.id")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(sa_column=_utc())


class IdempotencyRecord(SQLModel, table=True):
    """The first response to a create sent with an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_records"

    scope: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    headers: dict[str, Any] = Field(default_factory=dict, sa_column=_json())
    body: str
    created_at: dt.datetime = Field(sa_column=_utc())


class RateLimitBucket(SQLModel, table=True):
    """A fixed-window request counter shared by every worker on the same database."""

    __tablename__ = "rate_limit_buckets"

    key: str = Field(primary_key=True, max_length=300)
    window_start: int
    count: int
