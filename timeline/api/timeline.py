"""Reading: a process's timeline (window, filters, pages) and upcoming milestones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, TypedDict

from litestar import Controller, Response
from litestar.params import QueryParameter

from timeline.api.common import (
    AnyRequest,
    Db,
    base_url,
    decode_cursor,
    event_json,
    json_bytes_response,
    next_url,
    today,
)
from timeline.api.params import (
    AsOf,
    Cursor,
    End,
    KindsAny,
    Limit,
    Processes,
    Slug,
    Start,
    StatusesAny,
    TagsAny,
    UpcomingDays,
)
from timeline.api.query_check import reject_unknown_query
from timeline.api.routes import read_route
from timeline.domain.errors import InvalidFields
from timeline.schemas import EventPage, UpcomingPage
from timeline.services.timeline import (
    PageKey,
    SearchKey,
    search_page,
    search_query,
    timeline_page,
    upcoming_page,
)

__all__ = ["LocationPart", "SearchWords", "TimelineController"]

SearchWords = Annotated[
    str | None,
    QueryParameter(
        name="q",
        description="Words to search for in titles, summaries, locations, tags and sources"
        " (all must occur, each also as the start of a longer word; any case).",
        max_length=300,
    ),
]
LocationPart = Annotated[
    str | None,
    QueryParameter(
        name="location",
        description="Only events whose location contains this (any case).",
        max_length=300,
    ),
]


class _Window(TypedDict):
    """What a page of the timeline and a page of a search ask alike: the window, the filters,
    the day the events are as known on, and the page size."""

    start: dt.date | None
    end: dt.date | None
    kinds: Sequence[str]
    tags: Sequence[str]
    statuses: Sequence[str]
    as_of: dt.date | None
    limit: int


def _page_key(cursor: str | None) -> PageKey | None:
    if not cursor:
        return None
    start, end, kind, ident = decode_cursor(cursor, 4)
    try:
        return (dt.date.fromisoformat(start), dt.date.fromisoformat(end), str(kind), str(ident))
    except (TypeError, ValueError):
        raise InvalidFields.one("cursor", "is not a cursor this service issued") from None


def _search_key(cursor: str | None) -> SearchKey | None:
    if not cursor:
        return None
    score, start, end, kind, ident = decode_cursor(cursor, 5)
    try:
        day_from, day_to = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        if not isinstance(score, float | int) or isinstance(score, bool):
            raise TypeError
        return (float(score), day_from, day_to, str(kind), str(ident))
    except (TypeError, ValueError):
        raise InvalidFields.one("cursor", "is not a cursor this service issued") from None


def _next(request: AnyRequest, key: PageKey | SearchKey | None) -> str | None:
    """The URL of the page after the one ending at `key` (a search's key leads with its rank)."""
    if key is None:
        return None
    return next_url(request, [v.isoformat() if isinstance(v, dt.date) else v for v in key])


class TimelineController(Controller):
    """`/api/v1/processes/{slug}/timeline` and `/api/v1/upcoming`."""

    path = "/api/v1"
    tags = ["timeline"]

    @read_route(
        "/processes/{slug:str}/timeline",
        "getTimeline",
        "Events overlapping a window, ordered by start, end, kind, id",
    )
    async def timeline(
        self,
        request: AnyRequest,
        slug: Slug,
        db: Db,
        from_: Start = None,
        to: End = None,
        kind: KindsAny = None,
        tag: TagsAny = None,
        status: StatusesAny = None,
        as_of: AsOf = None,
        limit: Limit = 100,
        cursor: Cursor = None,
        q: SearchWords = None,
        location: LocationPart = None,
    ) -> Response[EventPage]:
        """A page of the timeline; `next` follows it; `as_of` replays what was known then.

        With `q` or `location` it is a search: only matching events, best match first.
        """
        reject_unknown_query(request)
        query = search_query(q, location)
        # a literal, not a call of the TypedDict: the timeline is the busiest read
        window: _Window = {
            "start": from_,
            "end": to,
            "kinds": kind or (),
            "tags": tag or (),
            "statuses": status or (),
            "as_of": as_of,
            "limit": limit,
        }
        last: PageKey | SearchKey | None
        if query is None:
            states, last = await timeline_page(db, slug, after=_page_key(cursor), **window)
        else:
            states, last = await search_page(db, slug, query, after=_search_key(cursor), **window)
        root = base_url(request)
        page = {"items": [event_json(s, root) for s in states], "next": _next(request, last)}
        return json_bytes_response(request, page)

    @read_route(
        "/upcoming", "getUpcoming", "Events starting soon, and those under way, across processes"
    )
    async def upcoming(
        self,
        request: AnyRequest,
        db: Db,
        days: UpcomingDays = 30,
        process: Processes = None,
        kind: KindsAny = None,
        as_of: AsOf = None,
        limit: Limit = 100,
        cursor: Cursor = None,
    ) -> Response[UpcomingPage]:
        """Soonest first; `ongoing` marks events that started before today and have not ended.

        Cancelled events are left out: they are not coming.
        """
        reject_unknown_query(request)
        day = as_of or today()
        states, last = await upcoming_page(
            db,
            process or [],
            day=day,
            days=days,
            kinds=kind or (),
            as_of=as_of,
            after=_page_key(cursor),
            limit=limit,
        )
        root = base_url(request)
        items = [
            {
                **event_json(s, root),
                "days_until": max((s.start - day).days, 0),
                "ongoing": s.start < day <= s.end,
            }
            for s in states
        ]
        page = {"as_of": day, "days": days, "items": items, "next": _next(request, last)}
        return json_bytes_response(request, page)
