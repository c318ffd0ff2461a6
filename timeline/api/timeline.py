"""Reading: a process's timeline (window, filters, pages) and upcoming milestones."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from timeline.api.common import (
    base_url,
    decode_cursor,
    encode_cursor,
    event_json,
    json_bytes_response,
    next_url,
    today,
)
from timeline.api.events import AsOf
from timeline.api.problems import problems
from timeline.domain.errors import InvalidFields
from timeline.schemas import EventPage, Kind, Status, UpcomingPage
from timeline.services import events as event_store
from timeline.store.db import Database
from timeline.store.events import EventFilter, PageKey
from timeline.store.processes import get_processes

__all__ = ["TimelineController"]

Limit = Annotated[
    int, QueryParameter(name="limit", ge=1, le=500, description="Page size (max 500).")
]
Cursor = Annotated[str | None, QueryParameter(name="cursor", description="Opaque page cursor.")]
Kinds = Annotated[list[Kind] | None, QueryParameter(name="kind", description="Any of these kinds.")]
Tags = Annotated[list[str] | None, QueryParameter(name="tag", description="Any of these tags.")]
Statuses = Annotated[
    list[Status] | None, QueryParameter(name="status", description="Any of these statuses.")
]


def _page_key(cursor: str | None) -> PageKey | None:
    if not cursor:
        return None
    start, end, kind, ident = decode_cursor(cursor, 4)
    try:
        return (dt.date.fromisoformat(start), dt.date.fromisoformat(end), str(kind), str(ident))
    except (TypeError, ValueError):
        raise InvalidFields.one("cursor", "is not a cursor this service issued") from None


def _cursor_after(states: list[Any], limit: int) -> str | None:
    if len(states) <= limit:
        return None
    last = states[limit - 1]
    return encode_cursor([last.start.isoformat(), last.end.isoformat(), last.kind, last.id])


class TimelineController(Controller):
    """`/api/v1/processes/{slug}/timeline` and `/api/v1/upcoming`."""

    path = "/api/v1"
    tags = ["timeline"]

    @get(
        "/processes/{slug:str}/timeline",
        operation_id="getTimeline",
        summary="Events overlapping a window, ordered by start, end, kind, id",
        responses=problems(404, 422, 429),
    )
    async def timeline(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[Database],
        from_: Annotated[dt.date | None, QueryParameter(name="from")] = None,
        to: Annotated[dt.date | None, QueryParameter(name="to")] = None,
        kind: Kinds = None,
        tag: Tags = None,
        status: Statuses = None,
        as_of: AsOf = None,
        limit: Limit = 100,
        cursor: Cursor = None,
    ) -> Response[EventPage]:
        """A page of the timeline; `next` follows it; `as_of` replays what was known then."""
        if from_ is not None and to is not None and to < from_:
            raise InvalidFields.one("to", "is before from")
        flt = EventFilter(
            start=from_, end=to, kinds=kind or (), tags=tag or (), statuses=status or ()
        )
        async with db.read() as session:
            states = await event_store.process_timeline(
                session, slug, flt, as_of=as_of, after=_page_key(cursor), limit=limit + 1
            )
        root = base_url(request)
        page = {
            "items": [event_json(s, root) for s in states[:limit]],
            "next": next_url(request, _cursor_after(states, limit)),
        }
        return json_bytes_response(request, page)

    @get(
        "/upcoming",
        operation_id="getUpcoming",
        summary="Events starting soon, and those under way, across processes",
        responses=problems(404, 422, 429),
    )
    async def upcoming(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        days: Annotated[int, QueryParameter(name="days", ge=0, le=3660)] = 30,
        process: Annotated[list[str] | None, QueryParameter(name="process")] = None,
        kind: Kinds = None,
        as_of: AsOf = None,
        limit: Limit = 100,
        cursor: Cursor = None,
    ) -> Response[UpcomingPage]:
        """Soonest first; `ongoing` marks events that started before today and have not ended.

        Cancelled events are left out: they are not coming.
        """
        day = as_of or today()
        flt = EventFilter(
            start=day,
            end=day + dt.timedelta(days=days),
            kinds=kind or (),
            exclude_statuses=("cancelled",),
        )
        async with db.read() as session:
            chosen = await get_processes(session, process or [])
            states = await event_store.event_states(
                session, chosen, flt, as_of=as_of, after=_page_key(cursor), limit=limit + 1
            )
        root = base_url(request)
        items = [
            {
                **event_json(s, root),
                "days_until": max((s.start - day).days, 0),
                "ongoing": s.start < day <= s.end,
            }
            for s in states[:limit]
        ]
        page = {
            "as_of": day,
            "days": days,
            "items": items,
            "next": next_url(request, _cursor_after(states, limit)),
        }
        return json_bytes_response(request, page)
