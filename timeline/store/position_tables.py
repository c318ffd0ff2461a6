"""The tables of who stands where: position records (current state) and their revisions.

Proposals, stances, spectrum axes and placements, process groups and recorded vote rolls all
share one pair of tables: `position_records` holds the current document of each, keyed by
(process, kind, key), and `position_revisions` every change, append-only like the revisions of
events (a trigger refuses UPDATE and DELETE). `parent` names what a record hangs off (the
proposal of a stance, the axis of a placement) so replays of one proposal read one index range.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from timeline.store.tables import (  # also sets the naming convention
    RevisionColumns,
    revision_table_args,
)
from timeline.store.types import JSONValue, UTCDateTime

__all__ = ["RECORD_KINDS", "PositionRecord", "PositionRevision"]

RECORD_KINDS: tuple[str, ...] = ("proposal", "stance", "axis", "placement", "group", "roll")


def _utc() -> Any:
    return Column(UTCDateTime(), nullable=False)


def _json() -> Any:
    return Column(JSONValue, nullable=False)


class PositionRecord(SQLModel, table=True):
    """The current document of one proposal, stance, axis, placement, group or roll."""

    __tablename__ = "position_records"
    __table_args__ = (
        UniqueConstraint("process_id", "kind", "key"),
        Index("ix_position_records_parent", "process_id", "kind", "parent"),
    )

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="processes.id")
    kind: str = Field(max_length=16)
    key: str = Field(max_length=200)
    parent: str | None = Field(default=None, max_length=100)
    version: int = 1
    known_on: dt.date
    document: dict[str, Any] = Field(default_factory=dict, sa_column=_json())
    created_at: dt.datetime = Field(sa_column=_utc())
    updated_at: dt.datetime = Field(sa_column=_utc())


class PositionRevision(RevisionColumns, table=True):
    """One immutable change to a position record: the document after it and what changed."""

    __tablename__ = "position_revisions"
    __table_args__ = revision_table_args(__tablename__, "record_id", "process_id", "kind")

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="position_records.id")
    kind: str = Field(max_length=16)
    key: str = Field(max_length=200)
    parent: str | None = Field(default=None, max_length=100)
