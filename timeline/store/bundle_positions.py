"""Bulk writes of a checked bundle's position records (proposals, stances, axes, placements,
groups, rolls) and their revisions: new ones inserted, stored ones brought forward when their
stored history is a prefix of the bundle's.

Like the rest of `bundle_apply`, rows go in through multi-row Core statements in the caller's
transaction; revisions are only ever inserted (the table refuses UPDATE and DELETE).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from timeline.domain.errors import Conflict
from timeline.store.position_tables import PositionRecord, PositionRevision

__all__ = ["PositionPlan", "plan_positions", "write_positions"]

_RECORDS: Table = PositionRecord.__table__  # type: ignore[attr-defined]
_REVISIONS: Table = PositionRevision.__table__  # type: ignore[attr-defined]

_REVISION_COLUMNS = ("version", "change", "actor", "known_on", "recorded_at", "fields", "snapshot")
_RECORD_FIELDS = ("version", "known_on", "created_at", "updated_at")


@dataclass
class PositionPlan:
    """The position writes that bring one process to the bundle's state."""

    new: list[Any] = field(default_factory=list)
    grown: list[tuple[Any, int, int]] = field(default_factory=list)  # (record, row id, stored)
    added: int = 0
    updated: int = 0
    revisions_added: int = 0


async def plan_positions(
    conn: AsyncConnection, slug: str, process_id: int | None, records: Sequence[Any]
) -> PositionPlan:
    """What to write for the bundle's position `records` of a process (None: a new one).

    Conflict naming the record when the server has one the bundle lacks, or when a stored
    history is not a prefix of the bundle's.
    """
    if process_id is None:
        return PositionPlan(new=list(records))
    rows = {
        (row.kind, row.key): row.id
        for row in await conn.execute(
            select(_RECORDS.c.id, _RECORDS.c.kind, _RECORDS.c.key).where(
                _RECORDS.c.process_id == process_id
            )
        )
    }
    histories: dict[int, list[Any]] = {}
    query = (
        select(_REVISIONS.c.record_id, *(_REVISIONS.c[c] for c in _REVISION_COLUMNS))
        .where(_REVISIONS.c.process_id == process_id)
        .order_by(_REVISIONS.c.record_id, _REVISIONS.c.version)
    )
    for row in await conn.execute(query):
        histories.setdefault(row.record_id, []).append(row)
    wanted = {(r.kind, r.key) for r in records}
    for kind, key in rows:
        if (kind, key) not in wanted:
            raise Conflict(f"process {slug!r}: the server has {kind} {key!r}, the bundle not")
    plan = PositionPlan()
    for record in records:
        row_id = rows.get((record.kind, record.key))
        if row_id is None:
            plan.new.append(record)
            continue
        stored = histories.get(row_id, [])
        what = f"{record.kind} {record.key!r}"
        if len(stored) > len(record.revisions):
            raise Conflict(f"process {slug!r}: the server has more revisions of {what}")
        for have, want in zip(stored, record.revisions, strict=False):
            if any(getattr(have, c) != getattr(want, c) for c in _REVISION_COLUMNS):
                raise Conflict(
                    f"process {slug!r}: revision {want.version} of {what} differs from the server's"
                )
        if len(stored) < len(record.revisions):
            plan.grown.append((record, row_id, len(stored)))
    return plan


def _revision_rows(
    record: Any, record_id: int, process_id: int, revisions: Sequence[Any]
) -> list[dict[str, Any]]:
    return [
        {
            "record_id": record_id,
            "process_id": process_id,
            "kind": record.kind,
            "key": record.key,
            "parent": record.parent,
            **{c: getattr(r, c) for c in _REVISION_COLUMNS},
        }
        for r in revisions
    ]


async def write_positions(conn: AsyncConnection, process_id: int, plan: PositionPlan) -> None:
    """Insert the plan's new records and the missing revisions of grown ones; each record's
    current document is its last revision's snapshot."""
    rows = [
        {
            "process_id": process_id,
            "kind": r.kind,
            "key": r.key,
            "parent": r.parent,
            "document": r.revisions[-1].snapshot,
            **{f: getattr(r, f) for f in _RECORD_FIELDS},
        }
        for r in plan.new
    ]
    if rows:
        await conn.execute(insert(_RECORDS), rows)
    ids: dict[tuple[str, str], int] = {}
    if rows:
        query = select(_RECORDS.c.id, _RECORDS.c.kind, _RECORDS.c.key).where(
            _RECORDS.c.process_id == process_id
        )
        ids = {(row.kind, row.key): row.id for row in await conn.execute(query)}
    revisions: list[dict[str, Any]] = []
    for record in plan.new:
        revisions += _revision_rows(
            record, ids[record.kind, record.key], process_id, record.revisions
        )
    changed: list[dict[str, Any]] = []
    for record, row_id, stored in plan.grown:
        changed.append(
            {
                "b_id": row_id,
                "b_document": record.revisions[-1].snapshot,
                **{"b_" + f: getattr(record, f) for f in _RECORD_FIELDS},
            }
        )
        revisions += _revision_rows(record, row_id, process_id, record.revisions[stored:])
    if changed:
        statement = (
            update(_RECORDS)
            .where(_RECORDS.c.id == bindparam("b_id"))
            .values({f: bindparam("b_" + f) for f in ("document", *_RECORD_FIELDS)})
        )
        await conn.execute(statement, changed)
    if revisions:
        await conn.execute(insert(_REVISIONS), revisions)
    plan.added = len(rows)
    plan.updated = len(changed)
    plan.revisions_added = len(revisions)
