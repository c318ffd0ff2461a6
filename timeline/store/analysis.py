"""The reads the deadline and entry-into-force analyses need, kept cheap to bring up to date.

The analyses of a process on a day read three things replayed as known on that day: the live
event states, the negotiation items with their histories, and each event's status changes.
`AnalysisInputs` holds them together with the position in the two revision logs they reflect;
`refresh_inputs` builds them from the logs, or brings earlier inputs up to date by reading only
the revisions recorded since (a range read on the (process_id, id) index), in one snapshot.

Why reading only newer revisions is enough: the logs are append-only (a trigger refuses UPDATE
and DELETE), so inputs that accounted for every revision up to id N stay right for those, and
each newer revision is applied like the replay does: one known on or before the day replaces
the event's (or item's) state when its version is higher, or removes the event when it is a
deletion; one known later changes nothing. The ids are not enough on their own: PostgreSQL
can make a transaction with a lower id visible after one with a higher id, so the revisions
read are also counted: when the log holds more than the revisions accounted for plus those
read, one arrived below N, and that log is read again from the start.

Where the logs stand (`analysis_stamps`, `process_log_version`) is read by
`timeline.store.analysis_stamps`; its names are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Date, Text, bindparam, case, cast
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.items import ItemState
from timeline.domain.model import EventState
from timeline.store.analysis_stamps import (
    KnownStamp,
    LogStamps,
    analysis_stamps,
    process_log_version,
)
from timeline.store.db import decode_json
from timeline.store.event_rows import state_from_snapshot
from timeline.store.items import item_change, item_state
from timeline.store.log_position import LogPosition
from timeline.store.tables import Event, EventRevision, Item, ItemRevision, Process

__all__ = [
    "AnalysisInputs",
    "KnownStamp",
    "LogPosition",
    "LogStamps",
    "analysis_stamps",
    "event_status_changes",
    "one_snapshot",
    "process_log_version",
    "refresh_inputs",
]


_UNREAD = LogPosition()  # a log of which nothing is accounted for yet
_NOTHING_KNOWN = KnownStamp()


async def event_status_changes(
    session: AsyncSession, process: Process, as_of: dt.date
) -> dict[str, list[tuple[dt.date, str]]]:
    """For each event of the process, its (known_on, new status) changes known on `as_of`,
    in the order they were recorded."""
    columns: list[Any] = [EventRevision.event_id, EventRevision.known_on, EventRevision.fields]
    query = (
        select(*columns)
        .where(EventRevision.process_id == process.id, col(EventRevision.known_on) <= as_of)
        .order_by(col(EventRevision.id))
    )
    changes: dict[str, list[tuple[dt.date, str]]] = {}
    for event_id, known_on, fields in (await session.exec(query)).all():
        status = _new_status(fields)
        if status is not None:
            changes.setdefault(event_id, []).append((known_on, status))
    return changes


def _new_status(fields: Mapping[str, Any] | None) -> str | None:
    """The status a revision set, from its `fields` ({name: [old, new]}), or None."""
    status = (fields or {}).get("status")
    if isinstance(status, list) and len(status) == 2 and isinstance(status[1], str):
        return status[1]
    return None


# Reading the logs --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _EventRow:
    """One event revision as the replay needs it; the JSON stays text until it is needed."""

    id: int
    event_id: str
    version: int
    change: str
    known_on: dt.date
    recorded_at: dt.datetime
    fields: str | None  # None when known after the day (never read)
    snapshot: str | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class _ItemRow:
    """One item revision as the replay needs it."""

    id: int
    item_id: int
    version: int
    change: str
    actor: str
    known_on: dt.date
    recorded_at: dt.datetime
    fields: str | None
    snapshot: str | None
    key: str
    created_at: dt.datetime


def _text_if_known(column: Any, known: Any) -> Any:
    # JSON as text on both databases (jsonb::text on PostgreSQL): rows superseded later in the
    # same read are never parsed, and rows known after the day do not even travel.
    return case((known, cast(column, Text)), else_=None)


def _rows_after(
    table: type[EventRevision] | type[ItemRevision],
    columns: list[Any],
    owner: type[Event] | type[Item],
    owned_by: Any,
    extra: list[Any],
) -> Any:
    """The revisions of a process with an id above `after`, in id order, with the `extra`
    columns of the event or item each belongs to: a range read on the (process_id, id) index."""
    known = col(table.known_on) <= bindparam("as_of", type_=Date())
    text = [_text_if_known(table.fields, known), _text_if_known(table.snapshot, known)]
    return (
        select(*columns, *text, *extra)
        .join(owner, col(owner.id) == owned_by)
        .where(col(table.process_id) == bindparam("process_id"), col(table.id) > bindparam("after"))
        .order_by(col(table.id))
    )


_EVENT_ROWS = _rows_after(
    EventRevision,
    [
        EventRevision.id,
        EventRevision.event_id,
        EventRevision.version,
        EventRevision.change,
        EventRevision.known_on,
        EventRevision.recorded_at,
    ],
    Event,
    col(EventRevision.event_id),
    [Event.created_at],
)
_ITEM_ROWS = _rows_after(
    ItemRevision,
    [
        ItemRevision.id,
        ItemRevision.item_id,
        ItemRevision.version,
        ItemRevision.change,
        ItemRevision.actor,
        ItemRevision.known_on,
        ItemRevision.recorded_at,
    ],
    Item,
    col(ItemRevision.item_id),
    [Item.key, Item.created_at],
)


async def _event_rows(
    session: AsyncSession, process_id: int, after: int, as_of: dt.date
) -> list[_EventRow]:
    params = {"process_id": process_id, "after": after, "as_of": as_of}
    return [_EventRow(*row) for row in (await session.exec(_EVENT_ROWS, params=params)).all()]


async def _item_rows(
    session: AsyncSession, process_id: int, after: int, as_of: dt.date
) -> list[_ItemRow]:
    params = {"process_id": process_id, "after": after, "as_of": as_of}
    return [_ItemRow(*row) for row in (await session.exec(_ITEM_ROWS, params=params)).all()]


async def one_snapshot(session: AsyncSession) -> None:
    """Make every statement of this read session see the same snapshot.

    SQLite read transactions already do. PostgreSQL's default (read committed) gives each
    statement its own; repeatable read gives the transaction one, so the stamps and the rows
    read after them agree. Must run before the session's first statement.
    """
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


# The replayed inputs ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnalysisInputs:
    """What the analyses of one process read, replayed as known on `as_of`, and the log
    positions that reflects. Immutable: bringing it up to date makes a new one (sharing what did
    not change), so concurrent requests never see one half applied.

    `events` are the live events known on `as_of` (as `event_states(..., as_of=)` gives them, in
    no particular order: the models do not depend on it); `items` the items known on `as_of` by
    key, each with the revisions known by then (as `item_states`); `status_changes` the
    (known_on, new status) changes of each event known on `as_of`, in the order recorded (as
    `event_status_changes`).
    """

    process_id: int
    slug: str
    as_of: dt.date
    events_position: LogPosition = _UNREAD
    items_position: LogPosition = _UNREAD
    known: KnownStamp = _NOTHING_KNOWN
    events: tuple[EventState, ...] = ()
    items: tuple[ItemState, ...] = ()
    status_changes: Mapping[str, tuple[tuple[dt.date, str], ...]] = field(default_factory=dict)
    # newest version known on `as_of` of every event, deletions included (what a later
    # revision must beat), and the live states by id; never changed once made
    _versions: Mapping[str, int] = field(default_factory=dict)
    _live: Mapping[str, EventState] = field(default_factory=dict)
    _items_by_id: Mapping[int, ItemState] = field(default_factory=dict)

    def without_events(self) -> AnalysisInputs:
        """These inputs with nothing of the event log applied (to read it from the start)."""
        return replace(
            self,
            events_position=LogPosition(),
            known=replace(self.known, events=LogPosition()),
            events=(),
            status_changes={},
            _versions={},
            _live={},
        )

    def without_items(self) -> AnalysisInputs:
        """These inputs with nothing of the item log applied (to read it from the start)."""
        return replace(
            self,
            items_position=LogPosition(),
            known=replace(self.known, items=LogPosition()),
            items=(),
            _items_by_id={},
        )

    def with_events(self, rows: Sequence[_EventRow], position: LogPosition) -> AnalysisInputs:
        """These inputs with the event revisions `rows` (newer than every one applied, in id
        order) applied, now at `position`."""
        known = [row for row in rows if row.snapshot is not None]
        if not known:
            return replace(self, events_position=position)
        versions = dict(self._versions)
        winners: dict[str, _EventRow] = {}
        changes = dict(self.status_changes)
        newest, count = self.known.events.newest, self.known.events.count
        for row in known:
            newest, count = max(newest, row.id), count + 1
            if row.version > versions.get(row.event_id, 0):
                versions[row.event_id] = row.version
                winners[row.event_id] = row
            status = _new_status(decode_json(row.fields)) if row.fields else None
            if status is not None:
                changes[row.event_id] = (*changes.get(row.event_id, ()), (row.known_on, status))
        live = dict(self._live)
        for event_id, row in winners.items():
            if row.change == "deleted":
                live.pop(event_id, None)
            else:
                live[event_id] = _event_state(row, self.slug)
        return replace(
            self,
            events_position=position,
            known=replace(self.known, events=LogPosition(newest, count)),
            events=tuple(live.values()),
            status_changes=changes,
            _versions=versions,
            _live=live,
        )

    def with_items(self, rows: Sequence[_ItemRow], position: LogPosition) -> AnalysisInputs:
        """These inputs with the item revisions `rows` (newer than every one applied, in id
        order) applied, now at `position`."""
        known = [row for row in rows if row.snapshot is not None]
        if not known:
            return replace(self, items_position=position)
        newest, count = self.known.items.newest, self.known.items.count
        added: dict[int, list[_ItemRow]] = {}
        for row in known:
            newest, count = max(newest, row.id), count + 1
            added.setdefault(row.item_id, []).append(row)
        items = dict(self._items_by_id)
        for item_id, item_rows in added.items():
            items[item_id] = _item_state(items.get(item_id), item_rows, self.slug)
        return replace(
            self,
            items_position=position,
            known=replace(self.known, items=LogPosition(newest, count)),
            items=tuple(sorted(items.values(), key=lambda state: state.key)),
            _items_by_id=items,
        )


def _event_state(row: _EventRow, slug: str) -> EventState:
    assert row.snapshot is not None
    return state_from_snapshot(decode_json(row.snapshot), row, row.created_at, slug)


def _item_state(before: ItemState | None, rows: Iterable[_ItemRow], slug: str) -> ItemState:
    """The item with more of its revisions known; built like `timeline.store.items` does."""
    history = list(before.history) if before is not None else []
    last: tuple[int, dict[str, Any], _ItemRow] | None = None
    for row in rows:
        assert row.snapshot is not None
        snapshot = decode_json(row.snapshot)
        history.append(item_change(row, snapshot, decode_json(row.fields or "{}")))
        if last is None or row.version > last[0]:
            last = (row.version, snapshot, row)
    history.sort(key=lambda change: change.version)
    assert last is not None
    if before is not None and before.version > last[0]:
        return replace(before, history=tuple(history))  # only older revisions came to light
    _, snapshot, row = last
    return item_state(row.key, slug, row.created_at, row, snapshot, history)


async def refresh_inputs(
    session: AsyncSession, stamps: LogStamps, previous: AnalysisInputs | None = None
) -> AnalysisInputs:
    """The inputs of the process `stamps` names on `stamps.as_of`, at the positions it names.

    `stamps` must come from `analysis_stamps` in the same session, opened with `one_snapshot`.
    With `previous` (earlier inputs of the same process and day), only the revisions newer than
    it are read; without, or when a log holds a revision below `previous`'s newest id that it
    never saw (see the module notes), that log is read from the start.
    """
    process_id = stamps.process_id
    inputs = AnalysisInputs(process_id, stamps.slug, stamps.as_of)
    same = (inputs.process_id, inputs.slug, inputs.as_of)
    if previous is not None and (previous.process_id, previous.slug, previous.as_of) == same:
        inputs = previous
    if inputs.events_position != stamps.events:
        after = inputs.events_position
        rows = await _event_rows(session, process_id, after.newest, stamps.as_of)
        if after.count + len(rows) != stamps.events.count:
            inputs = inputs.without_events()
            rows = await _event_rows(session, process_id, 0, stamps.as_of)
        inputs = inputs.with_events(rows, _reached(inputs.events_position, rows, stamps.events))
    if inputs.items_position != stamps.items:
        after = inputs.items_position
        item_rows = await _item_rows(session, process_id, after.newest, stamps.as_of)
        if after.count + len(item_rows) != stamps.items.count:
            inputs = inputs.without_items()
            item_rows = await _item_rows(session, process_id, 0, stamps.as_of)
        inputs = inputs.with_items(
            item_rows, _reached(inputs.items_position, item_rows, stamps.items)
        )
    return inputs


def _reached(
    start: LogPosition, rows: Sequence[_EventRow] | Sequence[_ItemRow], stamp: LogPosition
) -> LogPosition:
    """Where reading `rows` from `start` leaves a log: at `stamp` when the counts agree (always,
    in one snapshot); else only as far as was read, so that the next refresh reads the log
    again rather than trust a gap."""
    if start.count + len(rows) == stamp.count:
        return stamp
    return LogPosition(max([start.newest, *(row.id for row in rows)]), start.count + len(rows))
