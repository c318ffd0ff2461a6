"""Bundles: the one place an imported bundle is checked (structure, histories, every event
document, references and cycles, position records) before the store writes it in one
transaction.

An error names the record and field (`processes[0].events[3].revisions[1].snapshot.date`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline import clock
from timeline.collector import collector_held_off
from timeline.domain.errors import FieldError, InvalidFields
from timeline.domain.events import find_cycle, validate_document_rules
from timeline.domain.text import MAX_JSON_DEPTH, json_depth
from timeline.schemas import EventFields, ItemCreate, ProcessCreate
from timeline.schemas.common import legal_text
from timeline.services.bundle_checks import (
    check_event_fields,
    check_item_revisions,
    check_known_days,
    pydantic_errors,
)
from timeline.services.events import kept_calendar_entry
from timeline.store import bundle_apply
from timeline.store.bundle import BUNDLE_FORMAT, dump_bundle, export_bundle
from timeline.store.position_tables import RECORD_KINDS

__all__ = [
    "BUNDLE_FORMAT",
    "Bundle",
    "dump_bundle",
    "export_bundle",
    "import_bundle",
    "parse_bundle",
]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RevisionRecord(_Record):
    """One revision as exported."""

    version: int = Field(ge=1)
    change: Literal["created", "updated", "deleted"]
    actor: str = Field(min_length=1, max_length=200)
    known_on: dt.date
    recorded_at: dt.datetime
    fields: dict[str, Any]
    snapshot: dict[str, Any]
    _document: dict[str, Any] | None = PrivateAttr(default=None)

    def document(self) -> dict[str, Any]:
        """The snapshot as the API's event model normalises it (an event revision's; raises
        ValidationError for one it refuses). Computed once: `parse_bundle` keeps the one of
        each event's last revision, which the store writes the event's row from."""
        if self._document is None:
            self._document = _document(self.snapshot)
        return self._document

    @field_validator("actor", mode="before")
    @classmethod
    def _legal_text(cls, value: Any) -> Any:
        return legal_text(value)

    @field_validator("fields", "snapshot", mode="before")
    @classmethod
    def _shallow(cls, value: Any) -> Any:
        # their text is checked field by field with the API's models (which name the field);
        # the depth here, before anything walks a value that may nest without end
        if json_depth(value) > MAX_JSON_DEPTH:
            raise ValueError(f"nests deeper than {MAX_JSON_DEPTH} levels")
        return value


class EventRecord(_Record):
    """An event with every revision, oldest first."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    revisions: list[RevisionRecord] = Field(min_length=1)


class ItemRecord(_Record):
    """A negotiation item with its current fields and every revision."""

    key: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=300)
    chapter: str | None = Field(default=None, max_length=300)
    status: str
    version: int = Field(ge=1)
    known_on: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    revisions: list[RevisionRecord] = Field(min_length=1)


class PositionRecordModel(_Record):
    """A position record (proposal, stance, axis, placement, group or roll) with every
    revision; its document is the last revision's snapshot."""

    kind: str
    key: str = Field(min_length=1, max_length=200)
    parent: str | None = Field(default=None, max_length=100)
    version: int = Field(ge=1)
    known_on: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    revisions: list[RevisionRecord] = Field(min_length=1)


class ProcessRecord(_Record):
    """A process with its events, items and position records (none in older bundles)."""

    slug: str
    title: str
    description: str | None = None
    timezone: str = "UTC"
    url: str | None = None
    version: int = Field(ge=1)
    created_at: dt.datetime
    updated_at: dt.datetime
    events: list[EventRecord] = Field(default_factory=list)
    items: list[ItemRecord] = Field(default_factory=list)
    positions: list[PositionRecordModel] = Field(default_factory=list)


class Bundle(_Record):
    """The whole export."""

    format: Literal["timeline-bundle"]
    version: Literal[1]
    processes: list[ProcessRecord]


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "bundle"


def parse_bundle(raw: Any) -> Bundle:
    """Check a decoded bundle's structure and every event's content; raise naming the record."""
    # Hundreds of thousands of records are built here, none in a cycle (timeline/collector.py).
    with collector_held_off():
        return _parse_bundle(raw)


def _parse_bundle(raw: Any) -> Bundle:
    try:
        bundle = Bundle.model_validate(raw)
    except ValidationError as error:
        raise InvalidFields(
            [FieldError(_path(tuple(e["loc"])), e["msg"]) for e in error.errors()]
        ) from None
    errors: list[FieldError] = []
    slugs: set[str] = set()
    today = clock.today()
    event_ids: dict[str, str] = {}  # event id -> where it first appears: ids are global
    for p_index, process in enumerate(bundle.processes):
        for e_index, event in enumerate(process.events):
            here = f"processes[{p_index}].events[{e_index}].id"
            if event.id in event_ids and not event_ids[event.id].startswith(
                f"processes[{p_index}]"
            ):
                errors.append(FieldError(here, f"{event.id!r} is also {event_ids[event.id]}"))
            event_ids.setdefault(event.id, here)
    for p_index, process in enumerate(bundle.processes):
        where = f"processes[{p_index}]"
        errors += _check_process(process, where)
        if process.slug in slugs:
            errors.append(FieldError(f"{where}.slug", f"{process.slug!r} appears twice"))
        slugs.add(process.slug)
        errors += _check_events(process, where, today)
        errors += _check_items(process, where, today)
        errors += _check_positions(process, where)
    if errors:
        raise InvalidFields(errors)
    return bundle


def _check_process(process: ProcessRecord, where: str) -> list[FieldError]:
    try:
        ProcessCreate.model_validate(
            {
                "slug": process.slug,
                "title": process.title,
                "description": process.description,
                "timezone": process.timezone,
                "url": process.url,
            }
        )
    except ValidationError as error:
        return [FieldError(f"{where}.{_path(tuple(e['loc']))}", e["msg"]) for e in error.errors()]
    return []


def _check_history(revisions: list[RevisionRecord], where: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for index, revision in enumerate(revisions):
        here = f"{where}.revisions[{index}]"
        if revision.version != index + 1:
            errors.append(FieldError(f"{here}.version", f"expected {index + 1}"))
        expected = "created" if index == 0 else None
        if expected and revision.change != expected:
            errors.append(FieldError(f"{here}.change", "the first revision must be 'created'"))
        if index > 0 and revision.change == "created":
            errors.append(FieldError(f"{here}.change", "only the first revision is 'created'"))
        if revision.change == "deleted" and index != len(revisions) - 1:
            errors.append(FieldError(f"{here}.change", "nothing may follow a deletion"))
        if index > 0 and revision.recorded_at < revisions[index - 1].recorded_at:
            errors.append(FieldError(f"{here}.recorded_at", "is earlier than the revision before"))
    return errors


def _check_events(process: ProcessRecord, where: str, today: dt.date) -> list[FieldError]:
    errors: list[FieldError] = []
    ids = Counter(e.id for e in process.events)  # counted once: a 100k-event bundle stays linear
    live: dict[str, dict[str, Any]] = {}
    for e_index, event in enumerate(process.events):
        here = f"{where}.events[{e_index}]"
        if ids[event.id] > 1:
            errors.append(FieldError(f"{here}.id", f"{event.id!r} appears twice"))
        errors += _check_history(event.revisions, here)
        errors += check_known_days(event.revisions, here, today)
        last = len(event.revisions) - 1
        for r_index, revision in enumerate(event.revisions):
            errors += _check_snapshot(
                revision, f"{here}.revisions[{r_index}].snapshot", keep=r_index == last
            )
            errors += check_event_fields(revision.fields, f"{here}.revisions[{r_index}].fields")
        if event.revisions[-1].change != "deleted":
            live[event.id] = event.revisions[-1].snapshot
    if errors:
        return errors
    for e_index, event in enumerate(process.events):
        if event.id not in live:
            continue
        document = live[event.id]
        here = f"{where}.events[{e_index}].revisions[{len(event.revisions) - 1}].snapshot"
        parent = document.get("parent")
        if parent is not None and parent not in live:
            errors.append(FieldError(f"{here}.parent", f"no live event {parent!r} in this process"))
        for d_index, dependency in enumerate(document.get("depends_on") or []):
            if dependency["event"] not in live:
                errors.append(
                    FieldError(
                        f"{here}.depends_on[{d_index}].event",
                        f"no live event {dependency['event']!r} in this process",
                    )
                )
    graph = {k: [d["event"] for d in v.get("depends_on") or []] for k, v in live.items()}
    for event_id, predecessors in graph.items():
        # The walk ends where it reaches `event_id`, so the whole graph serves as "the others"
        # (a copy without it per event made this quadratic).
        cycle = find_cycle(event_id, graph, predecessors) if predecessors else None
        if cycle:
            errors.append(FieldError(f"{where}.events", "dependency cycle: " + " -> ".join(cycle)))
            break
    return errors


def _check_snapshot(revision: RevisionRecord, where: str, *, keep: bool) -> list[FieldError]:
    try:
        document = revision.document() if keep else _document(revision.snapshot)
    except ValidationError as error:
        return [FieldError(f"{where}.{_path(tuple(e['loc']))}", e["msg"]) for e in error.errors()]
    try:
        _, problems = validate_document_rules(document)
    except InvalidFields as error:
        problems = error.errors
    return [FieldError(f"{where}.{p.field}", p.message) for p in problems]


def _check_items(process: ProcessRecord, where: str, today: dt.date) -> list[FieldError]:
    errors: list[FieldError] = []
    keys = Counter(i.key for i in process.items)
    for i_index, item in enumerate(process.items):
        here = f"{where}.items[{i_index}]"
        if keys[item.key] > 1:
            errors.append(FieldError(f"{here}.key", f"{item.key!r} appears twice"))
        try:  # the item's current fields, as the API's item model takes them
            ItemCreate.model_validate(
                {
                    "key": item.key,
                    "title": item.title,
                    "chapter": item.chapter,
                    "status": item.status,
                }
            )
        except ValidationError as error:
            errors += pydantic_errors(error, here)
        if item.version != len(item.revisions):
            errors.append(FieldError(f"{here}.version", "must equal the number of revisions"))
        errors += _check_history(item.revisions, here)
        errors += check_known_days(item.revisions, here, today)
        errors += check_item_revisions(item.key, item.revisions, here)
    return errors


# What the record a kind hangs off is: a stance's parent is a proposal, a placement's an axis.
_PARENT_KINDS = {"stance": "proposal", "placement": "axis"}


def _check_positions(process: ProcessRecord, where: str) -> list[FieldError]:
    errors: list[FieldError] = []
    keys = Counter((r.kind, r.key) for r in process.positions)
    for index, record in enumerate(process.positions):
        here = f"{where}.positions[{index}]"
        if record.kind not in RECORD_KINDS:
            errors.append(FieldError(f"{here}.kind", f"must be one of {', '.join(RECORD_KINDS)}"))
        if keys[record.kind, record.key] > 1:
            errors.append(FieldError(f"{here}.key", f"{record.kind} {record.key!r} appears twice"))
        if record.version != len(record.revisions):
            errors.append(FieldError(f"{here}.version", "must equal the number of revisions"))
        if record.known_on != record.revisions[-1].known_on:
            errors.append(FieldError(f"{here}.known_on", "must be the last revision's known_on"))
        errors += _check_history(record.revisions, here)
        for r_index, revision in enumerate(record.revisions):
            if revision.change == "deleted":
                errors.append(
                    FieldError(f"{here}.revisions[{r_index}].change", "must be created or updated")
                )
        wanted = _PARENT_KINDS.get(record.kind)
        if wanted is not None and (wanted, record.parent) not in keys:
            errors.append(
                FieldError(f"{here}.parent", f"no {wanted} {record.parent!r} in this process")
            )
    return errors


def _document(snapshot: dict[str, Any]) -> dict[str, Any]:
    return EventFields.model_validate(snapshot).model_dump(mode="json")


async def import_bundle(session: AsyncSession, bundle: Bundle) -> dict[str, int]:
    """Write a checked bundle (`parse_bundle`); refuses (naming the record) a process or event
    that exists. Returns how many processes, events, revisions and items were written."""
    # Core multi-row inserts (timeline.store.bundle_apply), not one ORM object per row.
    return await bundle_apply.insert_bundle(
        session, bundle, document=RevisionRecord.document, keep_entry=kept_calendar_entry
    )
