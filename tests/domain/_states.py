"""Event states for the domain tests, written as briefly as the logs they make up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from timeline.domain.model import EventState


def event_state(
    ident: str, kind: str, date: str, status: str, *, stamp: dt.datetime, **fields: Any
) -> EventState:
    """Version 1 of an event of process "p", recorded and known on `stamp`; its title is the
    id unless `fields` name one."""
    document = {"kind": kind, "date": date, "status": status, "title": ident, **fields}
    return EventState.from_document(
        document,
        id=ident,
        process="p",
        version=1,
        created_at=stamp,
        updated_at=stamp,
        known_on=stamp.date(),
    )


RISK_STAMP = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


def risk_event(
    ident: str, kind: str, date: str, status: str = "planned", **extra: Any
) -> EventState:
    """An event of the risk model's logs: planned unless told, titled after its id (capitalized)
    unless `extra` names a title, recorded and known on `RISK_STAMP`."""
    title = extra.pop("title", ident.capitalize())
    return event_state(ident, kind, date, status, stamp=RISK_STAMP, title=title, **extra)
