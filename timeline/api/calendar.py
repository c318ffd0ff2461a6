"""Calendar subscriptions: `calendar.ics` per process and across processes, and one event.

The feeds are built, validated and cached in `timeline.services.calendar`; this controller
parses the query, asks the service (saying whether the client's copy is current) and wraps the
answer: 200 with the calendar, or 304 with the same validators.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from timeline.api.common import base_url
from timeline.api.conditional import http_date, is_not_modified, not_modified
from timeline.api.params import AsOf, Kinds, ProcessSlugs, Statuses, Tags
from timeline.api.problems import problems
from timeline.services.calendar import (
    CalendarQuery,
    Fresh,
    IcsDocument,
    calendar_feed,
    event_calendar,
)
from timeline.settings import Settings
from timeline.store.db import Database

__all__ = ["CALENDAR_MEDIA_TYPE", "CalendarController", "event_ics_response"]

# Litestar adds "; charset=utf-8" to text/* media types itself.
CALENDAR_MEDIA_TYPE = "text/calendar"
_CACHE_CONTROL = "public, max-age=300"

ExactOnly = Annotated[
    bool,
    QueryParameter(
        name="exact_only",
        description="Leave out events whose date is fuzzy (month, season, year, ~, ?).",
    ),
]
AlarmDays = Annotated[
    int | None,
    QueryParameter(
        name="alarm_days",
        ge=0,
        le=366,
        description="Add a reminder this many days before deadlines and vote points.",
    ),
]


def _fresh(request: Request[Any, Any, Any]) -> Fresh:
    def fresh(etag: str, last_modified: dt.datetime) -> bool:
        return is_not_modified(request, etag, last_modified)

    return fresh


def _ics_answer(document: IcsDocument) -> Response[bytes]:
    headers = {
        "Last-Modified": http_date(document.last_modified),
        "Cache-Control": _CACHE_CONTROL,
    }
    if document.body is None:
        return not_modified(document.etag, headers)
    return Response(
        content=document.body,
        media_type=CALENDAR_MEDIA_TYPE,
        headers={
            "ETag": document.etag,
            **headers,
            "Content-Disposition": f'inline; filename="{document.filename}"',
        },
    )


async def _feed(
    request: Request[Any, Any, Any], db: Database, slug: str | None, query: CalendarQuery
) -> Response[bytes]:
    # Settings come from the app's state, not as a second dependency: with two, Litestar
    # resolves them in a task group, which cost a 304 a third of its time.
    settings: Settings = request.app.state.settings
    document = await calendar_feed(
        db,
        root=base_url(request),
        slug=slug,
        query=query,
        recheck_seconds=settings.feed_recheck_seconds,
        fresh=_fresh(request),
    )
    return _ics_answer(document)


async def event_ics_response(
    request: Request[Any, Any, Any],
    db: Database,
    slug: str,
    event_id: str,
    as_of: dt.date | None = None,
) -> Response[Any]:
    """One event as a calendar of one entry (the same entry the feeds carry), with a strong
    ETag from its bytes and Last-Modified from its last change; 304 when they match."""
    document = await event_calendar(
        db, root=base_url(request), slug=slug, event_id=event_id, as_of=as_of, fresh=_fresh(request)
    )
    return _ics_answer(document)


_ICS_RESPONSES = problems(404, 422, 429)
_VALIDATORS = (
    "Strong ETag and Last-Modified from the data: If-None-Match and If-Modified-Since answer 304."
)


class CalendarController(Controller):
    """`/api/v1/processes/{slug}/calendar.ics` and `/api/v1/calendar.ics`."""

    path = "/api/v1"
    tags = ["calendar"]

    @get(
        "/processes/{slug:str}/calendar.ics",
        operation_id="getProcessCalendar",
        summary="A process's events as an iCalendar feed to subscribe to",
        description=(
            "text/calendar (RFC 5545/7986). Repeat `kind`, `tag`, `status` to mean any of "
            f"them. {_VALIDATORS}"
        ),
        media_type=CALENDAR_MEDIA_TYPE,
        responses=_ICS_RESPONSES,
    )
    async def process_calendar(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[Database],
        kind: Kinds = None,
        tag: Tags = None,
        status: Statuses = None,
        exact_only: ExactOnly = False,
        alarm_days: AlarmDays = None,
        as_of: AsOf = None,
    ) -> Response[bytes]:
        """The feed of one process, filtered; 304 when the validators still match."""
        query = CalendarQuery(
            kinds=kind or (),
            tags=tag or (),
            statuses=status or (),
            exact_only=exact_only,
            alarm_days=alarm_days,
            as_of=as_of,
        )
        return await _feed(request, db, slug, query)

    @get(
        "/calendar.ics",
        operation_id="getCalendar",
        summary="Events of every process (or of those named) as an iCalendar feed",
        description=(
            "text/calendar (RFC 5545/7986). Repeat `process`, `kind`, `tag`, `status` to mean "
            f"any of them. {_VALIDATORS}"
        ),
        media_type=CALENDAR_MEDIA_TYPE,
        responses=_ICS_RESPONSES,
    )
    async def calendar(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        process: ProcessSlugs = None,
        kind: Kinds = None,
        tag: Tags = None,
        status: Statuses = None,
        exact_only: ExactOnly = False,
        alarm_days: AlarmDays = None,
        as_of: AsOf = None,
    ) -> Response[bytes]:
        """The feed across processes, filtered; 304 when the validators still match."""
        query = CalendarQuery(
            processes=process or (),
            kinds=kind or (),
            tags=tag or (),
            statuses=status or (),
            exact_only=exact_only,
            alarm_days=alarm_days,
            as_of=as_of,
        )
        return await _feed(request, db, None, query)
