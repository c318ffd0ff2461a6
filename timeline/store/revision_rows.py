"""Writing a revision log: the columns a write's stamp gives every revised row and revision."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from timeline.domain.writes import WriteStamp

__all__ = ["advance", "first_version", "revision_columns"]


class _Revised(Protocol):
    version: int
    known_on: dt.date
    updated_at: dt.datetime


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
    version: int, change: str, stamp: WriteStamp, fields: dict[str, Any]
) -> dict[str, Any]:
    """The columns every revision log shares (`RevisionColumns` but the process and the
    snapshot) for the revision `change` that made `version`, with the `fields` it changed."""
    return {
        "version": version,
        "change": change,
        "actor": stamp["actor"],
        "known_on": stamp["known_on"],
        "recorded_at": stamp["now"],
        "fields": fields,
    }
