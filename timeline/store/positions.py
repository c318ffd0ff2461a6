"""Position records: write them as append-only revisions with `known_on`, read them now or
replayed as known on a day, with their histories (like items and events).

A record is one proposal, stance, spectrum axis, placement, process group or vote roll of a
process, identified by (kind, key); its document is checked by the service before it gets here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Unpack

from sqlalchemy import and_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import Conflict, NotFound, PreconditionFailed, PreconditionRequired
from timeline.domain.writes import WriteStamp
from timeline.store.position_tables import PositionRecord, PositionRevision
from timeline.store.revision_log import grouped_revisions
from timeline.store.revision_rows import advance, first_version, revision_columns
from timeline.store.tables import Process

__all__ = [
    "RecordChange",
    "RecordState",
    "get_record",
    "list_records",
    "proposal_inputs",
    "put_record",
    "replay_documents",
]


@dataclass(frozen=True, slots=True)
class RecordChange:
    """One revision of a record as served in its history."""

    version: int
    change: str
    known_on: dt.date
    recorded_at: dt.datetime
    actor: str
    fields: dict[str, list[Any]]


@dataclass(frozen=True, slots=True)
class RecordState:
    """A record as known on a day: its document, version, and the revisions known by then.

    `since` is the `known_on` of the oldest revision in the run of revisions that left the
    field `steady` (e.g. the stance) unchanged up to this state: "holds it since".
    """

    kind: str
    key: str
    parent: str | None
    process: str
    document: dict[str, Any]
    version: int
    known_on: dt.date
    since: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    history: tuple[RecordChange, ...]


def _since(revisions: Sequence[PositionRevision], steady: str | None) -> dt.date:
    last = revisions[-1]
    if steady is None:
        return last.known_on
    value = last.snapshot.get(steady)
    since = last.known_on
    for revision in reversed(revisions):
        if revision.snapshot.get(steady) != value:
            break
        since = revision.known_on
    return since


def _state(
    row: PositionRecord, slug: str, revisions: Sequence[PositionRevision], steady: str | None
) -> RecordState:
    last = revisions[-1]
    return RecordState(
        kind=row.kind,
        key=row.key,
        parent=row.parent,
        process=slug,
        document=dict(last.snapshot),
        version=last.version,
        known_on=last.known_on,
        since=_since(revisions, steady),
        created_at=row.created_at,
        updated_at=last.recorded_at,
        history=tuple(
            RecordChange(r.version, r.change, r.known_on, r.recorded_at, r.actor, dict(r.fields))
            for r in revisions
        ),
    )


async def _revisions(
    session: AsyncSession, record_ids: Sequence[int | None], as_of: dt.date | None
) -> dict[int, list[PositionRevision]]:
    return await grouped_revisions(session, PositionRevision, "record_id", record_ids, as_of)


async def put_record(
    session: AsyncSession,
    process: Process,
    kind: str,
    key: str,
    document: Mapping[str, Any],
    *,
    parent: str | None = None,
    create: bool | None = None,
    expected_version: int | None = None,
    steady: str | None = None,
    **stamp: Unpack[WriteStamp],
) -> tuple[RecordState, bool]:
    """Create the record or replace its document, appending a revision; (state, created).

    `create` True refuses an existing key (Conflict), False a missing one (NotFound), None
    accepts both. Replacing needs `expected_version` (PreconditionRequired without it,
    PreconditionFailed when another write got there first), unless `create` is None and
    `expected_version` is -1 ("any version", If-Match: *). A replacement that changes nothing
    appends nothing.
    """
    assert process.id is not None
    row = (
        await session.exec(
            select(PositionRecord)
            .where(
                PositionRecord.process_id == process.id,
                PositionRecord.kind == kind,
                PositionRecord.key == key,
            )
            .with_for_update()
        )
    ).one_or_none()
    new = dict(document)
    if row is None:
        if create is False:
            raise NotFound(f"no {kind} {key!r} in process {process.slug!r}")
        if expected_version is not None:
            raise PreconditionFailed(f"there is no {kind} {key!r} yet: send no If-Match")
        row = PositionRecord(
            process_id=process.id,
            kind=kind,
            key=key,
            parent=parent,
            document=new,
            **first_version(stamp),
        )
        session.add(row)
        await session.flush()
        assert row.id is not None
        fields = {k: [None, v] for k, v in new.items() if v is not None}
        revision = _revision(row, "created", stamp, fields)
        session.add(revision)
        await session.flush()
        return _state(row, process.slug, [revision], steady), True
    if create is True:
        raise Conflict(f"a {kind} {key!r} already exists in {process.slug!r}")
    if expected_version is None:
        raise PreconditionRequired(
            "send If-Match with the ETag you last read, so a change never overwrites another"
        )
    if expected_version != -1 and row.version != expected_version:
        raise PreconditionFailed(
            f"the {kind} is at version {row.version}, not {expected_version}: read it again"
        )
    before = dict(row.document)
    names = sorted(set(before) | set(new))
    fields = {k: [before.get(k), new.get(k)] for k in names if before.get(k) != new.get(k)}
    assert row.id is not None
    revisions = (await _revisions(session, [row.id], None))[row.id]
    if not fields:
        return _state(row, process.slug, revisions, steady), False
    row.document = new
    advance(row, stamp)
    session.add(row)
    revision = _revision(row, "updated", stamp, fields)
    session.add(revision)
    await session.flush()
    return _state(row, process.slug, [*revisions, revision], steady), False


def _revision(
    row: PositionRecord, change: str, stamp: WriteStamp, fields: dict[str, Any]
) -> PositionRevision:
    assert row.id is not None
    return PositionRevision(
        record_id=row.id,
        kind=row.kind,
        key=row.key,
        parent=row.parent,
        **revision_columns(row, change, stamp, fields, dict(row.document)),
    )


async def list_records(
    session: AsyncSession,
    process: Process,
    kind: str,
    *,
    parent: str | None = None,
    as_of: dt.date | None = None,
    steady: str | None = None,
) -> list[RecordState]:
    """Every record of `kind` (under `parent` when given) ordered by key, now or as known on
    `as_of` (records first known later are left out; each carries the revisions known then)."""
    query = select(PositionRecord).where(
        PositionRecord.process_id == process.id, PositionRecord.kind == kind
    )
    if parent is not None:
        query = query.where(PositionRecord.parent == parent)
    rows = (await session.exec(query.order_by(col(PositionRecord.key)))).all()
    revisions = await _revisions(session, [r.id for r in rows], as_of)
    return [
        _state(row, process.slug, revisions[row.id], steady)
        for row in rows
        if row.id is not None and revisions.get(row.id)
    ]


async def get_record(
    session: AsyncSession,
    process: Process,
    kind: str,
    key: str,
    *,
    as_of: dt.date | None = None,
    steady: str | None = None,
) -> RecordState:
    """One record with its history, now or as known on `as_of`; NotFound when it was not
    known then."""
    row = (
        await session.exec(
            select(PositionRecord).where(
                PositionRecord.process_id == process.id,
                PositionRecord.kind == kind,
                PositionRecord.key == key,
            )
        )
    ).one_or_none()
    if row is None or row.id is None:
        raise NotFound(f"no {kind} {key!r} in process {process.slug!r}")
    revisions = (await _revisions(session, [row.id], as_of)).get(row.id)
    if not revisions:
        raise NotFound(f"{kind} {key!r} was not known on {as_of}")
    return _state(row, process.slug, revisions, steady)


async def replay_documents(
    session: AsyncSession,
    process: Process,
    kind: str,
    *,
    parent: str | None = None,
    key: str | None = None,
    as_of: dt.date | None = None,
) -> dict[str, dict[str, Any]]:
    """Each record's document as known on `as_of` (now when None), keyed by record key: the
    snapshot of its newest revision known then, without history (one indexed query; what a
    forecast reads)."""
    query = select(PositionRevision.key, PositionRevision.version, PositionRevision.snapshot).where(
        PositionRevision.process_id == process.id, PositionRevision.kind == kind
    )
    if parent is not None:
        query = query.where(PositionRevision.parent == parent)
    if key is not None:
        query = query.where(PositionRevision.key == key)
    if as_of is not None:
        query = query.where(col(PositionRevision.known_on) <= as_of)
    newest: dict[str, tuple[int, dict[str, Any]]] = {}
    for name, version, snapshot in (await session.exec(query)).all():
        if name not in newest or version > newest[name][0]:
            newest[name] = (version, dict(snapshot))
    return {name: newest[name][1] for name in sorted(newest)}


async def proposal_inputs(
    session: AsyncSession, slug: str, proposal: str, as_of: dt.date
) -> dict[str, dict[str, dict[str, Any]]]:
    """What a forecast of `proposal` in process `slug` reads, as known on `as_of`, in one
    query: {"proposal": {key: document}, "stance": {...}, "group": {...}, "roll": {...}}, each
    the snapshot of the record's newest revision known then (empty when nothing is known)."""
    query = (
        select(
            PositionRevision.kind,
            PositionRevision.key,
            PositionRevision.version,
            PositionRevision.snapshot,
        )
        .join(Process, col(Process.id) == col(PositionRevision.process_id))
        .where(
            Process.slug == slug,
            col(PositionRevision.known_on) <= as_of,
            or_(
                col(PositionRevision.kind).in_(("group", "roll")),
                and_(
                    col(PositionRevision.kind) == "proposal", col(PositionRevision.key) == proposal
                ),
                and_(
                    col(PositionRevision.kind) == "stance", col(PositionRevision.parent) == proposal
                ),
            ),
        )
    )
    newest: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for kind, name, version, snapshot in (await session.exec(query)).all():
        if (kind, name) not in newest or version > newest[kind, name][0]:
            newest[kind, name] = (version, dict(snapshot))
    grouped: dict[str, dict[str, dict[str, Any]]] = {
        k: {} for k in ("proposal", "stance", "group", "roll")
    }
    for kind, name in sorted(newest):
        grouped[kind][name] = newest[kind, name][1]
    return grouped
