"""Calendar subscriptions: `calendar.ics` per process and across processes, and one event.

Validators come from the data, never from the clock: the ETag hashes the feed's canonical URL,
the newest revision id of the processes it reads and their versions, so it is known before a
single event is loaded (the 304 path reads two rows), and equal ETags mean equal bytes because
the builder is deterministic. Last-Modified is the newest recorded change among those
processes (deletions included), or their own last change. Each worker answers a URL's repeated
polls from the validators it last computed for a moment (`validator_cache`), without the look.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable, Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from timeline import __version__
from timeline.api.body_cache import body_cache
from timeline.api.common import base_url
from timeline.api.conditional import content_etag, http_date, is_not_modified, not_modified
from timeline.api.events import AsOf
from timeline.api.problems import problems
from timeline.api.validator_cache import Validators, validator_cache
from timeline.domain.model import ProcessInfo
from timeline.formats.ics import CalendarOptions, build_calendar
from timeline.schemas import Kind, Status
from timeline.settings import Settings
from timeline.store import events as event_store
from timeline.store.calendar import log_stamp
from timeline.store.db import Database
from timeline.store.events import EventFilter
from timeline.store.processes import get_process, get_processes
from timeline.store.tables import Process

__all__ = [
    "CALENDAR_MEDIA_TYPE",
    "CalendarController",
    "CalendarQuery",
    "calendar_url",
    "event_ics_response",
    "webcal_url",
]

# Litestar adds "; charset=utf-8" to text/* media types itself.
CALENDAR_MEDIA_TYPE = "text/calendar"
# Bumped whenever the builder's output changes for the same data, so old ETags stop matching.
_FORMAT = "ics-1"
_CACHE_CONTROL = "public, max-age=300"

Kinds = Annotated[
    list[Kind] | None, QueryParameter(name="kind", description="Any of these kinds (repeat).")
]
Tags = Annotated[
    list[str] | None, QueryParameter(name="tag", description="Any of these tags (repeat).")
]
Statuses = Annotated[
    list[Status] | None,
    QueryParameter(name="status", description="Any of these statuses (repeat)."),
]
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
ProcessSlugs = Annotated[
    list[str] | None,
    QueryParameter(name="process", description="Only these processes (repeat; default all)."),
]


class CalendarQuery:
    """A feed's filters and options in canonical form: values deduplicated and sorted."""

    def __init__(
        self,
        *,
        processes: Iterable[str] = (),
        kinds: Iterable[str] = (),
        tags: Iterable[str] = (),
        statuses: Iterable[str] = (),
        exact_only: bool = False,
        alarm_days: int | None = None,
        as_of: dt.date | None = None,
    ) -> None:
        self.processes = tuple(sorted(set(processes)))
        self.kinds = tuple(sorted(set(kinds)))
        self.tags = tuple(sorted(set(tags)))
        self.statuses = tuple(sorted(set(statuses)))
        self.exact_only = exact_only
        self.alarm_days = alarm_days
        self.as_of = as_of

    def pairs(self) -> list[tuple[str, str]]:
        """The query parameters, always in the same order: process, kind, tag, status,
        exact_only, alarm_days, as_of; options at their defaults are left out."""
        pairs = [("process", p) for p in self.processes]
        pairs += [("kind", k) for k in self.kinds]
        pairs += [("tag", t) for t in self.tags]
        pairs += [("status", s) for s in self.statuses]
        if self.exact_only:
            pairs.append(("exact_only", "true"))
        if self.alarm_days is not None:
            pairs.append(("alarm_days", str(self.alarm_days)))
        if self.as_of is not None:
            pairs.append(("as_of", self.as_of.isoformat()))
        return pairs

    def filter(self) -> EventFilter:
        """The event filter these parameters mean."""
        return EventFilter(kinds=self.kinds, tags=self.tags, statuses=self.statuses)

    def describe(self) -> str:
        """The filters in words, for the calendar's name and description ('' when unfiltered).

        Written without commas or semicolons, which calendar text would have to escape.
        """
        parts = []
        if self.kinds:
            parts.append("kind " + " or ".join(k.replace("_", " ") for k in self.kinds))
        if self.tags:
            parts.append("tag " + " or ".join(self.tags))
        if self.statuses:
            parts.append("status " + " or ".join(self.statuses))
        if self.exact_only:
            parts.append("exact dates only")
        if self.as_of is not None:
            parts.append(f"as known on {self.as_of.isoformat()}")
        return " · ".join(parts)


def calendar_url(root: str, slug: str | None, query: CalendarQuery | None = None) -> str:
    """The canonical https URL of a calendar feed: one process's, or all processes' when `slug`
    is None, with its parameters in canonical order (equal filters give equal URLs)."""
    path = f"/api/v1/processes/{slug}/calendar.ics" if slug else "/api/v1/calendar.ics"
    pairs = (query or CalendarQuery()).pairs()
    return f"{root}{path}" + (f"?{urlencode(pairs)}" if pairs else "")


def webcal_url(url: str) -> str:
    """The same feed as a `webcal://` link, which calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[1]


def _info(row: Process) -> ProcessInfo:
    return ProcessInfo(
        slug=row.slug,
        title=row.title,
        description=row.description,
        timezone=row.timezone,
        url=row.url,
    )


def _feed_etag(url: str, rows: Sequence[Process], log: str) -> str:
    versions = ",".join(f"{r.slug}:{r.version}" for r in rows)
    key = f"{_FORMAT}|{__version__}|{url}|{log}|{versions}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _last_modified(rows: Sequence[Process], recorded: dt.datetime | None) -> dt.datetime:
    moments = [r.updated_at for r in rows]
    if recorded is not None:
        moments.append(recorded)
    return max(moments) if moments else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _ics_response(
    body: bytes,
    etag: str,
    last_modified: dt.datetime,
    filename: str,
) -> Response[bytes]:
    return Response(
        content=body,
        media_type=CALENDAR_MEDIA_TYPE,
        headers={
            "ETag": etag,
            "Last-Modified": http_date(last_modified),
            "Cache-Control": _CACHE_CONTROL,
            "Content-Disposition": f'inline; filename="{filename}"',
        },
    )


def _answer_from(
    request: Request[Any, Any, Any], db: Database, etag: str, last_modified: dt.datetime
) -> Response[bytes] | None:
    """304 when the client's validators match, the remembered body when there is one."""
    if is_not_modified(request, etag, last_modified):
        headers = {"Last-Modified": http_date(last_modified), "Cache-Control": _CACHE_CONTROL}
        return not_modified(etag, headers)
    # equal ETags mean equal bytes: a feed built once is served again until the log moves
    cached = body_cache(db, "ics").get(etag)
    if cached is not None:
        return _ics_response(cached[0], etag, last_modified, cached[1])
    return None


async def _feed(
    request: Request[Any, Any, Any],
    db: Database,
    slug: str | None,
    query: CalendarQuery,
) -> Response[bytes]:
    # Settings come from the app's state, not as a second dependency: with two, Litestar
    # resolves them in a task group, which cost a 304 a third of its time.
    settings: Settings = request.app.state.settings
    root = base_url(request)
    url = calendar_url(root, slug, query)
    validators = validator_cache(db, settings.feed_recheck_seconds)
    generation, checked_at = db.generation, time.monotonic()
    known = validators.get(url, generation, checked_at)
    if known is not None:
        answer = _answer_from(request, db, known.etag, known.last_modified)
        if answer is not None:
            return answer
    async with db.read() as session:
        if slug is not None:
            rows = [await get_process(session, slug)]
        else:
            rows = await get_processes(session, query.processes)
        log, recorded = await log_stamp(session, [r.id for r in rows])
        etag = _feed_etag(url, rows, log)
        last_modified = _last_modified(rows, recorded)
        validators.put(url, Validators(etag, last_modified), generation, checked_at)
        answer = _answer_from(request, db, etag, last_modified)
        if answer is not None:
            return answer
        if query.as_of is None:
            entries = await event_store.calendar_entries(session, rows, query.filter())
        else:  # replayed: the kept entries are those of the events now
            entries = list(
                await event_store.event_states(session, rows, query.filter(), as_of=query.as_of)
            )
    if slug is not None:
        name = rows[0].title
        about = rows[0].description or f"Events of {rows[0].title}."
    else:
        titles = [r.title for r in rows]
        name = "timeline: " + (", ".join(titles) if query.processes else "all processes")
        about = "Events of " + (", ".join(titles) if titles else "every tracked process") + "."
    filters = query.describe()
    if filters:
        name = f"{name} ({filters})"
        about = f"{about} Filtered by {filters}."
    options = CalendarOptions(
        name=name,
        description=about,
        root=root,
        source=url,
        exact_only=query.exact_only,
        alarm_days=query.alarm_days,
    )
    body = build_calendar(entries, {r.slug: _info(r) for r in rows}, options)
    filename = f"{slug or 'timeline'}.ics"
    body_cache(db, "ics").put(etag, body, filename)
    return _ics_response(body, etag, last_modified, filename)


async def event_ics_response(
    request: Request[Any, Any, Any],
    db: Database,
    slug: str,
    event_id: str,
    as_of: dt.date | None = None,
) -> Response[Any]:
    """One event as a calendar of one entry (the same entry the feeds carry), with a strong
    ETag from its bytes and Last-Modified from its last change; 304 when they match."""
    async with db.read() as session:
        row = await get_process(session, slug)
        state = await event_store.get_event(session, row, event_id, as_of)
    options = CalendarOptions(
        name=f"{state.title} ({row.title})",
        description=row.description or f"An event of {row.title}.",
        root=base_url(request),
    )
    body = build_calendar([state], {row.slug: _info(row)}, options)
    etag = content_etag(body)
    if is_not_modified(request, etag, state.updated_at):
        return not_modified(
            etag, {"Last-Modified": http_date(state.updated_at), "Cache-Control": _CACHE_CONTROL}
        )
    return _ics_response(body, etag, state.updated_at, f"{state.id}.ics")


_ICS_RESPONSES = problems(404, 422, 429)


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
            "them. Strong ETag and Last-Modified from the data: If-None-Match and "
            "If-Modified-Since answer 304."
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
            "any of them. Strong ETag and Last-Modified from the data: If-None-Match and "
            "If-Modified-Since answer 304."
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
