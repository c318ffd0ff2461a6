"""Negotiation items: create and change them (each write appends a revision in the same
transaction, like events), read them now or replayed as of a day, with their histories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Unpack

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import Conflict, InvalidFields, NotFound, PreconditionFailed
from timeline.domain.items import ITEM_STATUSES, ItemChange, ItemState
from timeline.domain.writes import WriteStamp
from timeline.store.revision_log import grouped_revisions
from timeline.store.revision_rows import (
    advance,
    first_version,
    revision_columns,
    revision_fields,
)
from timeline.store.tables import Item, ItemRevision, Process

__all__ = [
    "create_item",
    "get_item",
    "item_change",
    "item_state",
    "item_states",
    "update_item",
]

_FIELDS = ("key", "title", "chapter", "status")


def _document(row: Item) -> dict[str, Any]:
    return {"key": row.key, "title": row.title, "chapter": row.chapter, "status": row.status}


def _check(document: dict[str, Any]) -> None:
    if document["status"] not in ITEM_STATUSES:
        raise InvalidFields.one("status", f"must be one of {', '.join(ITEM_STATUSES)}")
    if not str(document["title"] or "").strip():
        raise InvalidFields.one("title", "must not be empty")


def item_change(
    revision: Any, snapshot: Mapping[str, Any], fields: Mapping[str, Any]
) -> ItemChange:
    """One entry of an item's history: `revision` gives the revision's version, change,
    known_on, recorded_at and actor (an `ItemRevision`, or a row of those columns); its
    `snapshot` and changed `fields`, decoded."""
    return ItemChange(status=str(snapshot.get("status")), **revision_fields(revision, fields))


def item_state(
    key: str,
    process: str,
    created_at: dt.datetime,
    last: Any,
    snapshot: Mapping[str, Any],
    history: Iterable[ItemChange],
) -> ItemState:
    """The item as its revision `last` (version, known_on, recorded_at) recorded it in
    `snapshot`, with its `history` of changes."""
    return ItemState(
        key=key,
        process=process,
        title=snapshot["title"],
        chapter=snapshot.get("chapter"),
        status=snapshot["status"],
        version=last.version,
        known_on=last.known_on,
        created_at=created_at,
        updated_at=last.recorded_at,
        history=tuple(history),
    )


def _state(row: Item, slug: str, revisions: Sequence[ItemRevision]) -> ItemState:
    """The item as of its last revision in `revisions` (oldest first, at least one)."""
    last = revisions[-1]
    history = (item_change(r, r.snapshot, r.fields) for r in revisions)
    return item_state(row.key, slug, row.created_at, last, last.snapshot, history)


async def _append_revision(
    session: AsyncSession,
    row: Item,
    change: str,
    stamp: WriteStamp,
    fields: dict[str, list[Any]],
    snapshot: dict[str, Any],
) -> ItemRevision:
    # The revision records the row as just written: its version and the day it became known.
    assert row.id is not None
    revision = ItemRevision(
        item_id=row.id, **revision_columns(row, change, stamp, fields, snapshot)
    )
    session.add(revision)
    await session.flush()
    return revision


async def create_item(
    session: AsyncSession,
    process: Process,
    raw: dict[str, Any],
    **stamp: Unpack[WriteStamp],
) -> ItemState:
    """Store a new item with its first revision; Conflict when the key is taken."""
    document = {name: raw.get(name) for name in _FIELDS}
    _check(document)
    assert process.id is not None
    taken = await session.exec(
        select(Item.id).where(Item.process_id == process.id, Item.key == document["key"])
    )
    if taken.first() is not None:
        raise Conflict(f"an item {document['key']!r} already exists in {process.slug!r}")
    row = Item(
        process_id=process.id,
        key=str(document["key"]),
        title=str(document["title"]),
        chapter=document["chapter"],
        status=str(document["status"]),
        **first_version(stamp),
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    fields = {k: [None, v] for k, v in document.items() if v is not None}
    revision = await _append_revision(session, row, "created", stamp, fields, document)
    return _state(row, process.slug, [revision])


async def update_item(
    session: AsyncSession,
    process: Process,
    key: str,
    patch: dict[str, Any],
    *,
    expected_version: int | None,
    **stamp: Unpack[WriteStamp],
) -> ItemState:
    """Apply a merge patch (title, chapter, status) if the item is still at `expected_version`.

    PreconditionFailed (nothing changes) when another write got there first.
    """
    row = (
        await session.exec(
            select(Item).where(Item.process_id == process.id, Item.key == key).with_for_update()
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"no item {key!r} in process {process.slug!r}")
    if expected_version is not None and row.version != expected_version:
        raise PreconditionFailed(
            f"the item is at version {row.version}, not {expected_version}: read it again"
        )
    before = _document(row)
    after = dict(before)
    for name in ("title", "chapter", "status"):
        if name in patch:
            after[name] = patch[name]
    _check(after)
    fields = {k: [before[k], after[k]] for k in _FIELDS if before[k] != after[k]}
    assert row.id is not None
    revisions = await _revisions(session, [row.id])
    if not fields:
        return _state(row, process.slug, revisions[row.id])
    row.title, row.chapter, row.status = after["title"], after["chapter"], after["status"]
    advance(row, stamp)
    session.add(row)
    revision = await _append_revision(session, row, "updated", stamp, fields, after)
    return _state(row, process.slug, [*revisions[row.id], revision])


async def _revisions(
    session: AsyncSession, item_ids: Sequence[int | None], as_of: dt.date | None = None
) -> dict[int, list[ItemRevision]]:
    return await grouped_revisions(session, ItemRevision, "item_id", item_ids, as_of)


async def item_states(
    session: AsyncSession, process: Process, as_of: dt.date | None = None
) -> list[ItemState]:
    """Every item of the process ordered by key, now or as known on `as_of` (items first known
    later are left out; each carries the revisions known by then)."""
    rows = (
        await session.exec(
            select(Item).where(Item.process_id == process.id).order_by(col(Item.key))
        )
    ).all()
    revisions = await _revisions(session, [r.id for r in rows], as_of)
    return [
        _state(row, process.slug, revisions[row.id])
        for row in rows
        if row.id is not None and revisions.get(row.id)
    ]


async def get_item(
    session: AsyncSession, process: Process, key: str, as_of: dt.date | None = None
) -> ItemState:
    """One item, now or as known on `as_of`; NotFound when it did not exist then."""
    row = (
        await session.exec(select(Item).where(Item.process_id == process.id, Item.key == key))
    ).one_or_none()
    if row is None:
        raise NotFound(f"no item {key!r} in process {process.slug!r}")
    revisions = await _revisions(session, [row.id], as_of)
    if not revisions.get(row.id or 0):
        raise NotFound(f"item {key!r} was not known on {as_of}")
    return _state(row, process.slug, revisions[row.id or 0])
