"""Hand-built event states and change records for the format tests (no database)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from timeline.domain.events import diff_documents
from timeline.domain.model import ChangeRecord, EventState

RECORDED = dt.datetime(2024, 2, 9, 18, 30, tzinfo=dt.UTC)

SIXTH = {
    "kind": "session",
    "title": "Sixth session",
    "date": "2023-08-21/2023-09-01",
    "status": "planned",
    "location": "New York",
    "summary": "Last in-person negotiation of the zero draft.",
    "tags": ["zero-draft"],
    "parent": None,
    "depends_on": [],
    "sources": [{"url": "https://www.unodc.org/ahc", "title": "UNODC <AHC> & co"}],
    "attributes": {"number": "6"},
}


def state(
    document: dict[str, Any], *, ident: str = "ev6", version: int = 1, **meta: Any
) -> EventState:
    """An event state of `document` at `version`."""
    full = {**SIXTH, **document}
    return EventState.from_document(
        full,
        id=ident,
        process=meta.get("process", "ahc"),
        version=version,
        created_at=meta.get("created_at", RECORDED),
        updated_at=meta.get("updated_at", RECORDED),
        known_on=meta.get("known_on", dt.date(2024, 2, 9)),
    )


def record(
    before: dict[str, Any] | None,
    after: dict[str, Any],
    *,
    change: str | None = None,
    ident: str = "ev6",
    version: int | None = None,
    rid: int = 1,
    recorded_at: dt.datetime = RECORDED,
    known_on: dt.date = dt.date(2024, 2, 9),
    process: str = "ahc",
) -> ChangeRecord:
    """The change from `before` (None: a creation) to `after`, both partial documents."""
    old = None if before is None else {**SIXTH, **before}
    new = {**SIXTH, **after}
    kind = change or ("created" if before is None else "updated")
    ver = version or (1 if before is None else 2)
    fields = {} if kind == "deleted" else diff_documents(old, new)
    meta = {"process": process, "known_on": known_on, "updated_at": recorded_at}
    return ChangeRecord(
        id=rid,
        event_id=ident,
        process=process,
        version=ver,
        change=kind,
        actor="editor-anna",
        known_on=known_on,
        recorded_at=recorded_at,
        fields=fields,
        event=state(new, ident=ident, version=ver, **meta),
        previous=None if old is None else state(old, ident=ident, version=ver - 1, **meta),
    )
