"""Calendar subscriptions: `calendar.ics` per process and across processes.

The feeds are built, validated and cached in `timeline.services.calendar`; this controller
parses the query, asks the service (saying whether the client's copy is current) and wraps the
answer: 200 with the calendar, or 304 with the same validators. (One event's `.ics` is served
by the events controller, from the same service.)
"""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Response

from timeline.api.common import (
    CALENDAR_MEDIA_TYPE,
    PUBLIC_READ_HEADERS,
    AnyRequest,
    Db,
    base_url,
    fresh,
    ics_response,
)
from timeline.api.params import (
    AlarmDays,
    AsOf,
    ExactOnly,
    Kinds,
    ProcessSlugs,
    Slug,
    Statuses,
    Tags,
)
from timeline.api.routes import read_route
from timeline.domain.vocabulary import Kind, Status
from timeline.services.calendar import CalendarQuery, calendar_feed
from timeline.settings import Settings
from timeline.store.db import Database

__all__ = ["CALENDAR_MEDIA_TYPE", "CalendarController"]


async def _feed(
    request: AnyRequest,
    db: Database,
    slug: str | None,
    processes: list[str] | None,
    kinds: list[Kind] | None,
    tags: list[str] | None,
    statuses: list[Status] | None,
    exact_only: bool,
    alarm_days: int | None,
    as_of: dt.date | None,
) -> Response[bytes]:
    """The calendar of process `slug` (else of `processes`, else of all), filtered; a 304 when
    the client's copy is current."""
    query = CalendarQuery(
        processes=processes or (),
        kinds=kinds or (),
        tags=tags or (),
        statuses=statuses or (),
        exact_only=exact_only,
        alarm_days=alarm_days,
        as_of=as_of,
    )
    # Settings come from the app's state, not as a second dependency: with two, Litestar
    # resolves them in a task group, which cost a 304 a third of its time.
    settings: Settings = request.app.state.settings
    document = await calendar_feed(
        db,
        root=base_url(request),
        slug=slug,
        query=query,
        recheck_seconds=settings.feed_recheck_seconds,
        fresh=fresh(request),
    )
    response = ics_response(document)
    # Public and read-only: any origin may read it (see timeline.api.feeds).
    response.headers.update(PUBLIC_READ_HEADERS)
    return response


_VALIDATORS = (
    "Strong ETag and Last-Modified from the data: If-None-Match and If-Modified-Since answer 304."
)


class CalendarController(Controller):
    """`/api/v1/processes/{slug}/calendar.ics` and `/api/v1/calendar.ics`."""

    path = "/api/v1"
    tags = ["calendar"]

    @read_route(
        "/processes/{slug:str}/calendar.ics",
        "getProcessCalendar",
        "A process's events as an iCalendar feed to subscribe to",
        description=(
            "text/calendar (RFC 5545/7986). Repeat `kind`, `tag`, `status` to mean any of "
            f"them. {_VALIDATORS}"
        ),
        media_type=CALENDAR_MEDIA_TYPE,
    )
    async def process_calendar(
        self,
        request: AnyRequest,
        slug: Slug,
        db: Db,
        kind: Kinds = None,
        tag: Tags = None,
        status: Statuses = None,
        exact_only: ExactOnly = False,
        alarm_days: AlarmDays = None,
        as_of: AsOf = None,
    ) -> Response[bytes]:
        """The feed of one process, filtered; 304 when the validators still match."""
        return await _feed(
            request, db, slug, None, kind, tag, status, exact_only, alarm_days, as_of
        )

    @read_route(
        "/calendar.ics",
        "getCalendar",
        "Events of every process (or of those named) as an iCalendar feed",
        description=(
            "text/calendar (RFC 5545/7986). Repeat `process`, `kind`, `tag`, `status` to mean "
            f"any of them. {_VALIDATORS}"
        ),
        media_type=CALENDAR_MEDIA_TYPE,
    )
    async def calendar(
        self,
        request: AnyRequest,
        db: Db,
        process: ProcessSlugs = None,
        kind: Kinds = None,
        tag: Tags = None,
        status: Statuses = None,
        exact_only: ExactOnly = False,
        alarm_days: AlarmDays = None,
        as_of: AsOf = None,
    ) -> Response[bytes]:
        """The feed across processes, filtered; 304 when the validators still match."""
        return await _feed(
            request, db, None, process, kind, tag, status, exact_only, alarm_days, as_of
        )
