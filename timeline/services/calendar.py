"""Calendar feeds: where a feed is built and cached, and where one event becomes a calendar.

Validators come from the data, never from the clock: the ETag hashes the feed's canonical URL,
the newest revision id of the processes it reads and their versions, so it is known before a
single event is loaded (the 304 path reads two rows), and equal ETags mean equal bytes because
the builder is deterministic. Last-Modified is the newest recorded change among those
processes (deletions included), or their own last change. Each worker answers a URL's repeated
polls from the validators it last computed for a moment (`caches.validator_cache`), without the
look, and serves a body it built before from its ETag (`caches.body_cache`).

Controllers say whether the client's copy is current (`Fresh`, from its conditional headers);
these functions answer with the validators and, unless the copy is current, the bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from timeline import __version__
from timeline.formats.ics import CalendarOptions, build_calendar
from timeline.services import events as event_store
from timeline.services.caches import Validators, body_cache, validator_cache
from timeline.services.processes import process_info
from timeline.store.calendar import log_stamp
from timeline.store.db import Database
from timeline.store.events import EventFilter
from timeline.store.processes import get_process, get_processes
from timeline.store.tables import Process

__all__ = [
    "CalendarQuery",
    "Fresh",
    "IcsDocument",
    "calendar_feed",
    "calendar_url",
    "event_calendar",
    "webcal_url",
]

# Bumped whenever the builder's output changes for the same data, so old ETags stop matching.
_FORMAT = "ics-1"

# Whether the client already holds the answer with this ETag and Last-Modified.
Fresh = Callable[[str, dt.datetime], bool]


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


@dataclass(frozen=True, slots=True)
class IcsDocument:
    """A calendar answer: its validators, the file name it is offered under, and its bytes
    (None when the client's copy is current: nothing was built or sent)."""

    etag: str
    last_modified: dt.datetime
    filename: str
    body: bytes | None


def _feed_etag(url: str, rows: Sequence[Process], log: str) -> str:
    versions = ",".join(f"{r.slug}:{r.version}" for r in rows)
    key = f"{_FORMAT}|{__version__}|{url}|{log}|{versions}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _last_modified(rows: Sequence[Process], recorded: dt.datetime | None) -> dt.datetime:
    moments = [r.updated_at for r in rows]
    if recorded is not None:
        moments.append(recorded)
    return max(moments) if moments else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _known(db: Database, fresh: Fresh, etag: str, last_modified: dt.datetime) -> IcsDocument | None:
    """The answer without building: none when the client's validators match, the remembered
    body when there is one; None when the feed has to be built."""
    if fresh(etag, last_modified):
        return IcsDocument(etag, last_modified, "", None)
    # equal ETags mean equal bytes: a feed built once is served again until the log moves
    cached = body_cache(db, "ics").get(etag)
    if cached is not None:
        return IcsDocument(etag, last_modified, cached[1], cached[0])
    return None


def _options(
    rows: Sequence[Process], slug: str | None, query: CalendarQuery, root: str, url: str
) -> CalendarOptions:
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
    return CalendarOptions(
        name=name,
        description=about,
        root=root,
        source=url,
        exact_only=query.exact_only,
        alarm_days=query.alarm_days,
    )


async def calendar_feed(
    db: Database,
    *,
    root: str,
    slug: str | None,
    query: CalendarQuery,
    recheck_seconds: float,
    fresh: Fresh,
) -> IcsDocument:
    """The feed of process `slug` (of every process, or of `query.processes`, when None) as
    served under `root`: validators from this worker's cache or the log, the body from the
    body cache or built (and remembered), none at all when `fresh` says the client has it.
    Raises NotFound for an unknown process."""
    url = calendar_url(root, slug, query)
    validators = validator_cache(db, recheck_seconds)
    generation, checked_at = db.generation, time.monotonic()
    known = validators.get(url, generation, checked_at)
    if known is not None:
        answer = _known(db, fresh, known.etag, known.last_modified)
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
        answer = _known(db, fresh, etag, last_modified)
        if answer is not None:
            return answer
        if query.as_of is None:
            entries = await event_store.calendar_entries(session, rows, query.filter())
        else:  # replayed: the kept entries are those of the events now
            entries = list(
                await event_store.event_states(session, rows, query.filter(), as_of=query.as_of)
            )
    options = _options(rows, slug, query, root, url)
    body = build_calendar(entries, {r.slug: process_info(r) for r in rows}, options)
    filename = f"{slug or 'timeline'}.ics"
    body_cache(db, "ics").put(etag, body, filename)
    return IcsDocument(etag, last_modified, filename, body)


async def event_calendar(
    db: Database,
    *,
    root: str,
    slug: str,
    event_id: str,
    as_of: dt.date | None,
    fresh: Fresh,
) -> IcsDocument:
    """One event of process `slug` (now, or as known on `as_of`) as a calendar of one entry,
    the same entry the feeds carry, with a strong ETag from its bytes and Last-Modified from
    its last change; no body when `fresh` says the client has it. Raises NotFound."""
    async with db.read() as session:
        row = await get_process(session, slug)
        state = await event_store.get_event(session, row, event_id, as_of)
    options = CalendarOptions(
        name=f"{state.title} ({row.title})",
        description=row.description or f"An event of {row.title}.",
        root=root,
    )
    body = build_calendar([state], {row.slug: process_info(row)}, options)
    # the strong ETag of `api.conditional.content_etag`, which services cannot import
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if fresh(etag, state.updated_at):
        return IcsDocument(etag, state.updated_at, "", None)
    return IcsDocument(etag, state.updated_at, f"{state.id}.ics", body)
