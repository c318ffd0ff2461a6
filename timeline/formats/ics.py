"""iCalendar (RFC 5545 / RFC 7986) feeds of events, built with the `icalendar` library.

Pure and deterministic: the same events, processes and options give the same bytes. Nothing
here reads a clock: DTSTAMP and LAST-MODIFIED are the event's last change (`updated_at`),
CREATED its first. Calendars compare those stamps and SEQUENCE to decide whether an entry
changed, so stamping "now" (as some servers do) makes every refresh look like a change.

How events become entries (the README's calendar section says the same for users):

- UID `<event id>@timeline`, fixed for the event's life: it depends on neither the Host header
  nor TIMELINE_BASE_URL, so a feed read through another address, or after the operator sets a
  public URL, never duplicates entries. SEQUENCE is version - 1 (0 when created, +1 per change).
- Exact days: an all-day VALUE=DATE range whose DTEND is the day after the last day.
- Timed events (ISO datetimes with an offset): in the process's zone with TZID and a VTIMEZONE
  (generated from zoneinfo for the years the feed needs) when that zone has the written offset
  at that moment; otherwise in UTC, which is always right.
- Fuzzy dates (month, season, year, approximate or uncertain): one all-day entry on the first
  possible day, titled "Zero draft (expected June 2023)"; left out with `exact_only`.
- Status: planned and held -> CONFIRMED; tentative -> TENTATIVE; cancelled -> CANCELLED (kept,
  so subscribers drop it, titled "Cancelled: ..."); postponed without a new date -> TENTATIVE,
  titled "Postponed: ..." on its old days; suspended (met, did not conclude) -> CONFIRMED,
  titled "... (suspended)". Every entry is TRANSP:TRANSPARENT: tracking a negotiation must not
  mark its followers busy.
- `alarm_days=N` adds a display VALARM N days before the start of deadlines and vote points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event, Timezone, vDuration, vText

from timeline import __version__
from timeline.domain.dates import DateSpan, describe_fuzzy
from timeline.domain.model import EventState, ProcessInfo

__all__ = [
    "ALARM_KINDS",
    "PRODID",
    "REFRESH_INTERVAL",
    "CalendarOptions",
    "build_calendar",
    "event_component",
    "event_page",
    "event_uid",
    "process_names",
]

PRODID = f"-//timeline//timeline {__version__}//EN"
REFRESH_INTERVAL = dt.timedelta(hours=6)
ALARM_KINDS = frozenset({"deadline", "vote_point"})
UID_DOMAIN = "timeline"

_ICAL_STATUS = {
    "planned": "CONFIRMED",
    "held": "CONFIRMED",
    "suspended": "CONFIRMED",
    "tentative": "TENTATIVE",
    "postponed": "TENTATIVE",
    "cancelled": "CANCELLED",
}
# Statuses whose date is a fact rather than a plan: their fuzzy dates read "(June 2023)".
_SETTLED = frozenset({"held", "suspended"})


@dataclass(frozen=True, slots=True)
class CalendarOptions:
    """What a feed is called, where it lives, and which entries and alarms it carries.

    `root` is the public origin used for event links; `source` the canonical URL of the feed
    itself (RFC 7986 SOURCE), or None for a single event.
    """

    name: str
    description: str
    root: str
    source: str | None = None
    exact_only: bool = False
    alarm_days: int | None = None
    refresh: dt.timedelta = REFRESH_INTERVAL


def event_uid(event_id: str) -> str:
    """The UID an event keeps for its whole life, whichever address served it."""
    return f"{event_id}@{UID_DOMAIN}"


def event_page(root: str, state: EventState) -> str:
    """The public page of an event (the same link the JSON gives as `links.page`)."""
    return f"{root}/processes/{state.process}/events/{state.id}"


def build_calendar(
    events: Iterable[EventState],
    processes: Mapping[str, ProcessInfo],
    options: CalendarOptions,
) -> bytes:
    """The VCALENDAR of `events` (in the order given) as CRLF bytes folded at 75 octets.

    `processes` maps each event's process slug to its description (for its time zone).
    Every TZID used gets a VTIMEZONE covering only the years the feed's timed entries need.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", options.name)
    calendar.add("x-wr-calname", vText(options.name))
    calendar.add("description", options.description)
    calendar.add("x-wr-caldesc", vText(options.description))
    if options.source is not None:
        calendar.add("source", options.source, parameters={"VALUE": "URI"})
        calendar.add("url", options.source, parameters={"VALUE": "URI"})
    calendar.add("refresh-interval", options.refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(options.refresh))
    years: dict[str, set[int]] = {}
    entries: list[bytes] = []
    for state in events:
        if options.exact_only and not state.span.is_exact:
            continue
        process = processes.get(state.process)
        zone = process.timezone if process is not None else "UTC"
        entry, tzid, entry_years = _event_bytes(state, options, zone)
        if tzid is not None:
            years.setdefault(tzid, set()).update(entry_years)
        entries.append(entry)
    zones = [_vtimezone_cached(t, min(years[t]), max(years[t])) for t in sorted(years)]
    # The calendar's own properties come from icalendar; its components are appended as the
    # bytes icalendar wrote for each (what Calendar.to_ical would emit, without rebuilding
    # every unchanged event on every request).
    head = bytes(calendar.to_ical())
    assert head.endswith(_END)
    return b"".join([head[: -len(_END)], *zones, *entries, _END])


_END = b"END:VCALENDAR\r\n"
_EVENT_CACHE: dict[tuple[str, str, int | None, str], tuple[bytes, str | None, frozenset[int]]] = {}
_EVENT_CACHE_SIZE = 20_000


def _event_bytes(
    state: EventState, options: CalendarOptions, zone: str
) -> tuple[bytes, str | None, frozenset[int]]:
    """The serialized VEVENT of `state`, the TZID it uses and the years it covers.

    Building a VEVENT with icalendar costs milliseconds, and feeds repeat the same events, so
    results are remembered. The key holds everything the bytes depend on: the whole state (its
    repr lists every field), the root of links, the alarm option and the zone.
    """
    key = (repr(state), options.root, options.alarm_days, zone)
    found = _EVENT_CACHE.get(key)
    if found is not None:
        return found
    component = event_component(state, options, zone=zone)
    start = component.get("dtstart")
    tzid = start.params.get("TZID") if isinstance(start.dt, dt.datetime) else None
    result = (
        bytes(component.to_ical()),
        str(tzid) if tzid else None,
        frozenset(_years(component)),
    )
    if len(_EVENT_CACHE) >= _EVENT_CACHE_SIZE:
        _EVENT_CACHE.clear()
    _EVENT_CACHE[key] = result
    return result


def event_component(state: EventState, options: CalendarOptions, *, zone: str = "UTC") -> Event:
    """One VEVENT for `state`: dates, status, texts, links and (for some kinds) an alarm.

    `zone` is the IANA zone timed events are shown in when it agrees with their offset.
    """
    span = state.span
    event = Event()
    event.add("uid", event_uid(state.id))
    event.add("dtstamp", _utc(state.updated_at))
    event.add("created", _utc(state.created_at))
    event.add("last-modified", _utc(state.updated_at))
    event.add("sequence", max(state.version - 1, 0))
    event.add("summary", _summary(state, span))
    if span.precision == "datetime" and span.start_time is not None:
        assert span.end_time is not None
        tz = _zone(zone, span.start_time, span.end_time)
        event.add("dtstart", _in_zone(span.start_time, tz))
        if span.end_time != span.start_time:
            event.add("dtend", _in_zone(span.end_time, tz))
    elif span.is_exact:
        event.add("dtstart", span.start)
        event.add("dtend", span.end + dt.timedelta(days=1))
    else:
        # A fuzzy date: one day, the first it can be, with the precision said in the title.
        event.add("dtstart", span.start)
        event.add("dtend", span.start + dt.timedelta(days=1))
    event.add("status", _ICAL_STATUS.get(state.status, "CONFIRMED"))
    event.add("transp", "TRANSPARENT")
    event.add("class", "PUBLIC")
    if state.location:
        event.add("location", state.location)
    event.add("categories", [state.kind, *state.tags])
    page = event_page(options.root, state)
    event.add("url", page, parameters={"VALUE": "URI"})
    event.add("description", _description(state, span, page))
    if options.alarm_days is not None and state.kind in ALARM_KINDS:
        event.add_component(_alarm(state, options.alarm_days))
    return event


def _summary(state: EventState, span: DateSpan) -> str:
    title = state.title
    if not span.is_exact:
        said = describe_fuzzy(span)
        title = f"{title} ({said})" if state.status in _SETTLED else f"{title} (expected {said})"
    if state.status == "cancelled":
        return f"Cancelled: {title}"
    if state.status == "postponed":
        return f"Postponed: {title}"
    if state.status == "suspended":
        return f"{title} (suspended)"
    return title


def _description(state: EventState, span: DateSpan, page: str) -> str:
    lines: list[str] = []
    if state.summary:
        lines += [state.summary, ""]
    lines.append(f"Status: {state.status}")
    lines.append(f"Date: {describe_fuzzy(span)} ({state.date})")
    lines.append(f"Kind: {state.kind.replace('_', ' ')}")
    if state.tags:
        lines.append("Tags: " + ", ".join(state.tags))
    if state.sources:
        lines += ["", "Sources:"]
        for source in state.sources:
            title = source.get("title")
            lines.append(f"- {title}: {source['url']}" if title else f"- {source['url']}")
            if source.get("quote"):
                lines.append(f'  "{source["quote"]}"')
    lines += ["", f"Event: {page}"]
    return "\n".join(lines)


def _alarm(state: EventState, days: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -dt.timedelta(days=days))
    what = "Deadline" if state.kind == "deadline" else "Vote point"
    when = "today" if days == 0 else ("in 1 day" if days == 1 else f"in {days} days")
    alarm.add("description", f"{what} {when}: {state.title}")
    return alarm


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:  # stored as UTC; a driver may hand it back naive
        return moment.replace(tzinfo=dt.UTC, microsecond=0)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


@lru_cache(maxsize=64)
def _zoneinfo(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _zone(name: str, *moments: dt.datetime) -> dt.tzinfo:
    """The process's zone when it shows these moments at their written offsets, else UTC."""
    if name == "UTC":
        return dt.UTC
    zone = _zoneinfo(name)
    if zone is None:
        return dt.UTC
    for moment in moments:
        if moment.astimezone(zone).utcoffset() != moment.utcoffset():
            return dt.UTC
    return zone


def _in_zone(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return moment.astimezone(zone).replace(microsecond=0)


def _years(component: Event) -> set[int]:
    found = set()
    for name in ("dtstart", "dtend"):
        prop = component.get(name)
        if prop is not None:
            found.add(prop.dt.year)
    return found


@lru_cache(maxsize=128)
def _vtimezone_cached(tzid: str, first: int, last: int) -> bytes:
    # Generating a VTIMEZONE walks the zone's transitions: costly, and the same for every feed.
    zone = Timezone.from_tzid(
        tzid, first_date=dt.date(first, 1, 1), last_date=dt.date(last + 1, 1, 1)
    )
    return bytes(zone.to_ical())


def process_names(processes: Sequence[ProcessInfo]) -> dict[str, ProcessInfo]:
    """Processes by slug, as `build_calendar` wants them."""
    return {p.slug: p for p in processes}
