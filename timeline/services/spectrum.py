"""The spectrum service: up to two named axes per process and the placements of parties and
groups on them (-1 to 1, sourced, `known_on`), replayable as known on a day."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Unpack

from timeline.domain.errors import InvalidFields
from timeline.domain.writes import GuardedWrite
from timeline.services.positions import held_view, put_held_record
from timeline.store import positions as store
from timeline.store.db import Database
from timeline.store.processes import get_process

__all__ = ["MAX_AXES", "placement_key", "put_axis", "put_placement", "spectrum"]

MAX_AXES = 2
_KEY = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?")


def placement_key(axis: str, holder: str) -> str:
    """The record key of `holder`'s placement on `axis`."""
    return f"{axis}/{holder}"


async def put_axis(
    db: Database,
    slug: str,
    axis: str,
    document: dict[str, Any],
    **write: Unpack[GuardedWrite],
) -> tuple[store.RecordState, bool]:
    """Create or rename an axis; InvalidFields naming `axis` when it would be a third one."""
    if not _KEY.fullmatch(axis):
        raise InvalidFields.one("axis", "must be 1 to 64 of a-z, 0-9, '.', '_', '-'")
    async with db.write() as session:
        process = await get_process(session, slug)
        axes = await store.list_records(session, process, "axis")
        if axis not in {a.key for a in axes} and len(axes) >= MAX_AXES:
            raise InvalidFields.one("axis", f"a process has at most {MAX_AXES} axes")
        return await store.put_record(
            session, process, "axis", axis, {"key": axis, **document}, **write
        )


async def put_placement(
    db: Database,
    slug: str,
    axis: str,
    holder: str,
    document: dict[str, Any],
    **write: Unpack[GuardedWrite],
) -> tuple[store.RecordState, bool]:
    """Place `holder` on `axis`; InvalidFields naming `value` outside -1..1, `axis` for a
    missing axis, `holder` for an unknown party or group."""
    value = document.get("value")
    if not isinstance(value, (int, float)) or not math.isfinite(value) or not -1 <= value <= 1:
        raise InvalidFields.one("value", "must be a number from -1 to 1")
    return await put_held_record(
        db, slug, "placement", ("axis", axis), holder, document, "value", **write
    )


async def spectrum(db: Database, slug: str, as_of: dt.date | None) -> dict[str, Any]:
    """The axes and every placement on them as known on `as_of` (now when None)."""
    async with db.read() as session:
        process = await get_process(session, slug)
        axes = await store.list_records(session, process, "axis", as_of=as_of)
        placed = await store.list_records(
            session, process, "placement", as_of=as_of, steady="value"
        )
    return {
        "as_of": as_of.isoformat() if as_of else None,
        "axes": [
            {**a.document, "version": a.version, "known_on": a.known_on.isoformat()} for a in axes
        ],
        "placements": [{"axis": p.document["axis"], **held_view(p, "value")} for p in placed],
    }
