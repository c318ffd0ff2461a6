"""The columns every revision log shares: written from a write's stamp, read into histories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from timeline.domain.writes import WriteStamp

__all__ = ["advance", "first_version", "revision_columns", "revision_fields"]


class _Revised(Protocol):
    version: int
    known_on: dt.date
    updated_at: dt.datetime


class _Owner(Protocol):
    @property
    def version(self) -> int: ...
    @property
    def process_id(self) -> int: ...


def first_version(stamp: WriteStamp) -> dict[str, Any]:
    """The columns of a row written for the first time under `stamp`: version 1, known on the
    stamp's day, created and updated at its moment."""
    now = stamp["now"]
    return {"version": 1, "known_on": stamp["known_on"], "created_at": now, "updated_at": now}


def advance(row: _Revised, stamp: WriteStamp) -> None:
    """Move `row` to its next version, known on the stamp's day and updated at its moment."""
    row.version += 1
    row.known_on = stamp["known_on"]
    row.updated_at = stamp["now"]


def revision_columns(
    row: _Owner, change: str, stamp: WriteStamp, fields: dict[str, Any], snapshot: dict[str, Any]
) -> dict[str, Any]:
    """The columns every revision log shares (`RevisionColumns`) for the revision `change`
    that brought `row` to its version, with the `fields` it changed and the document after it
    (`snapshot`)."""
    return {
        "process_id": row.process_id,
        "version": row.version,
        "change": change,
        "actor": stamp["actor"],
        "known_on": stamp["known_on"],
        "recorded_at": stamp["now"],
        "fields": fields,
        "snapshot": snapshot,
    }


def revision_fields(revision: Any, fields: Mapping[str, Any]) -> dict[str, Any]:
    """What a history entry takes from a revision (a `RevisionColumns` row, or a row of those
    columns): its version, change, actor, known_on and recorded_at, with the `fields` it
    changed (decoded)."""
    return {
        "version": revision.version,
        "change": revision.change,
        "actor": revision.actor,
        "known_on": revision.known_on,
        "recorded_at": revision.recorded_at,
        "fields": dict(fields),
    }
