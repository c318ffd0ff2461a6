"""iCalendar (RFC 5545 / RFC 7986) feeds of events.

Written directly as text (`timeline.formats.ical_writer`, which says why) in the shape the
`icalendar` library gave them before; only VTIMEZONE components still come from icalendar.

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

An entry is written in two steps: `entry_parts` gives every line that no feed option changes,
and `_assemble` adds the event's link (from the feed's root), the URL line and the alarm. The
store keeps each event's parts when it writes the event (`encode_entry`, `decode_entry`), so a
feed of thousands of events only assembles them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from icalendar import Timezone
from icalendar.timezone import tzid_from_tzinfo

from timeline import __version__
from timeline.domain.dates import DateSpan, describe_fuzzy
from timeline.domain.model import EventState, ProcessInfo
from timeline.domain.text import legal_text
from timeline.formats.ical_writer import (
    content_lines,
    date_value,
    duration_value,
    escape_text,
    fold,
    local_datetime_value,
    param_value,
    text_list,
    uri_value,
    utc_datetime_value,
)

__all__ = [
    "ALARM_KINDS",
    "ENTRY_FORMAT",
    "PRODID",
    "REFRESH_INTERVAL",
    "CalendarOptions",
    "EntryParts",
    "StoredEntry",
    "build_calendar",
    "current_entry_prefix",
    "decode_entry",
    "encode_entry",
    "entry_parts",
    "event_page",
    "event_uid",
    "keeps_entry",
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
    return _page(root, state.process, state.id)


def _page(root: str, process: str, ident: str) -> str:
    return f"{root}/processes/{process}/events/{ident}"


def build_calendar(
    events: Iterable[EventState | StoredEntry],
    processes: Mapping[str, ProcessInfo],
    options: CalendarOptions,
) -> bytes:
    """The VCALENDAR of `events` (in the order given) as UTF-8 bytes, CRLF line ends, lines
    folded at 75 octets.

    Each of `events` is an event state, whose entry is written here, or the parts of its entry
    kept from when it was written (`StoredEntry`); either gives the same bytes. `processes`
    maps each event's process slug to its description (for its time zone).
    Every TZID used gets a VTIMEZONE covering only the years the feed's timed entries need,
    placed before the entries. The calendar's properties, then each entry's, come in the order
    the icalendar library writes them (VERSION, PRODID first; SUMMARY, DTSTART... in a VEVENT),
    so feeds read the same as when it wrote them.
    """
    refresh = duration_value(options.refresh)
    head = [  # folded by content_lines()
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"DESCRIPTION:{escape_text(options.description)}",
        f"X-WR-CALDESC:{escape_text(options.description)}",
        f"NAME:{_unescaped(options.name)}",
        f"X-WR-CALNAME:{escape_text(options.name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}",
    ]
    if options.source is not None:
        source = uri_value(options.source)
        head += [f"SOURCE;VALUE=URI:{source}", f"URL;VALUE=URI:{source}"]
    head.append(f"X-PUBLISHED-TTL:{refresh}")
    trigger = None
    if options.alarm_days is not None:
        trigger = duration_value(-dt.timedelta(days=options.alarm_days))
    years: dict[str, set[int]] = {}
    entries: list[str] = []
    for item in events:
        if isinstance(item, StoredEntry):
            if options.exact_only and not item.parts.exact:
                continue
            parts, kind, title = item.parts, item.kind, item.title
            ident, slug = item.id, item.process
        else:
            span = item.span
            if options.exact_only and not span.is_exact:
                continue  # before the entry is written: most of a fuzzy-heavy feed's cost
            process = processes.get(item.process)
            zone = process.timezone if process is not None else "UTC"
            parts = entry_parts(item, span, zone)
            kind, title, ident, slug = item.kind, item.title, item.id, item.process
        entries.append(_assemble(parts, ident, slug, kind, title, options, trigger))
        if parts.local is not None:
            tzid, *local_years = parts.local
            years.setdefault(tzid, set()).update(local_years)
    zones = [_vtimezone_cached(t, min(years[t]), max(years[t])) for t in sorted(years)]
    return "".join([content_lines(head), *zones, *entries, "END:VCALENDAR\r\n"]).encode()


class EntryParts(NamedTuple):
    """An event's VEVENT without what depends on the feed it goes into.

    `head` holds the folded lines from BEGIN:VEVENT through CREATED and `tail` those from
    LAST-MODIFIED through TRANSP, each ending with CRLF; `body` is the escaped DESCRIPTION value
    up to the event's link (its blank line included), unfolded. The link (from the feed's
    `root`), the URL line, the alarm and END:VEVENT are added per feed (`_assemble`). `exact`
    says whether the date names exact days (for `exact_only`); `local` is the zone and local
    years of times written with TZID.
    A named tuple: a feed makes thousands, and a frozen dataclass costs three times more.
    """

    head: str
    body: str
    tail: str
    exact: bool
    local: tuple[str, int, int] | None = None


class StoredEntry(NamedTuple):
    """An event for `build_calendar` as its parts were kept (`encode_entry`), with the fields
    the feed adds per entry: the link (id, process), the alarm (kind, title)."""

    id: str
    process: str
    kind: str
    title: str
    parts: EntryParts


# Names the shape and text of kept entry parts: a kept entry is used only when it matches, so
# bump it whenever `entry_parts` would write other text for the same event (a test pins the
# text to the name and fails until both change; the package version is part of it too, so a
# release never serves parts kept by an earlier one).
ENTRY_FORMAT = f"vevent-3/{__version__}"
_entry_decoder = msgspec.json.Decoder(tuple[str, bool, str, str, str])


def keeps_entry(state: EventState) -> bool:
    """Whether the event's entry can be kept apart from its process: not for times, which are
    written in the process's zone (that zone, and the zone rules, can change after)."""
    return state.span.precision != "datetime"


def encode_entry(parts: EntryParts) -> str:
    """The parts of an entry as text to keep with the event (only zone-free parts: see
    `keeps_entry`)."""
    if parts.local is not None:
        raise ValueError("parts written in a local zone depend on the process: not kept")
    return msgspec.json.encode(
        (ENTRY_FORMAT, parts.exact, parts.head, parts.body, parts.tail)
    ).decode()


def current_entry_prefix() -> str:
    """The text every entry kept by `encode_entry` in the current format begins with (for a
    store to find the entries it must write again)."""
    return msgspec.json.encode([ENTRY_FORMAT]).decode()[:-1] + ","


def decode_entry(text: str | None) -> EntryParts | None:
    """The parts `encode_entry` kept, or None when there are none or they were written in
    another format (the event is then written afresh)."""
    if not text:
        return None
    try:
        version, exact, head, body, tail = _entry_decoder.decode(text)
    except msgspec.DecodeError:
        return None
    if version != ENTRY_FORMAT:
        return None
    return EntryParts(head, body, tail, exact)


def entry_parts(state: EventState, span: DateSpan, zone: str) -> EntryParts:
    """The VEVENT of `state` (whose parsed date is `span`) as parts, with times in `zone` (the
    IANA zone timed events are shown in when it agrees with their offset)."""
    # The hot path of every feed: one f-string per part, and only lines that can outgrow 75
    # octets go through fold(); the others (stamps, constants, DATE values) never do.
    local: tuple[str, int, int] | None = None
    if span.precision == "datetime" and span.start_time is not None:
        assert span.end_time is not None
        tz = _zone(zone, span.start_time, span.end_time)
        if tz is dt.UTC:
            dates = f"DTSTART:{utc_datetime_value(span.start_time)}\r\n"
            if span.end_time != span.start_time:
                dates += f"DTEND:{utc_datetime_value(span.end_time)}\r\n"
        else:
            tzid = param_value(zone)
            start, end = span.start_time.astimezone(tz), span.end_time.astimezone(tz)
            dates = fold(f"DTSTART;TZID={tzid}:{local_datetime_value(start)}") + "\r\n"
            if span.end_time != span.start_time:
                dates += fold(f"DTEND;TZID={tzid}:{local_datetime_value(end)}") + "\r\n"
            local = (zone, start.year, end.year)
    else:
        # Exact days end the day after the last (DTEND is exclusive); a fuzzy date is one day,
        # the first it can be, with the precision said in the title.
        last = span.end if span.is_exact else span.start
        dates = (
            f"DTSTART;VALUE=DATE:{date_value(span.start)}\r\n"
            f"DTEND;VALUE=DATE:{date_value(last + _DAY)}\r\n"
        )
    stamp = _stamp(state.updated_at)
    location = ""
    if state.location:
        location = fold(f"LOCATION:{escape_text(state.location)}") + "\r\n"
    summary = fold(f"SUMMARY:{escape_text(_summary(state, span))}")
    uid = fold(f"UID:{escape_text(event_uid(state.id))}")
    categories = fold(f"CATEGORIES:{text_list([state.kind, *state.tags])}")
    head = (
        f"BEGIN:VEVENT\r\n{summary}\r\n{dates}DTSTAMP:{stamp}\r\n{uid}\r\n"
        f"SEQUENCE:{max(state.version - 1, 0)}\r\n{categories}\r\nCLASS:PUBLIC\r\n"
        f"CREATED:{_stamp(state.created_at)}\r\n"
    )
    tail = (
        f"LAST-MODIFIED:{stamp}\r\n{location}"
        f"STATUS:{_ICAL_STATUS.get(state.status, 'CONFIRMED')}\r\nTRANSP:TRANSPARENT\r\n"
    )
    # The description is escaped with the blank line before the link (a CR ending the text
    # pairs with its line break, as in the whole description); the link, which holds no line
    # break, is escaped alone and appended per feed.
    body = escape_text(f"{_description(state, span)}\n\n")
    return EntryParts(head, body, tail, span.is_exact, local)


def _assemble(
    parts: EntryParts,
    ident: str,
    process: str,
    kind: str,
    title: str,
    options: CalendarOptions,
    trigger: str | None,
) -> str:
    """The VEVENT of the parts in a feed with these options (`trigger` is the alarm's TRIGGER
    value when the feed has alarms)."""
    page = uri_value(_page(options.root, process, ident))
    alarm = ""
    if trigger is not None and kind in ALARM_KINDS:
        assert options.alarm_days is not None
        said = escape_text(_alarm_text(kind, title, options.alarm_days))
        alarm = (
            f"BEGIN:VALARM\r\nACTION:DISPLAY\r\n{fold(f'DESCRIPTION:{said}')}\r\n"
            f"TRIGGER:{trigger}\r\nEND:VALARM\r\n"
        )
    description = fold(f"DESCRIPTION:{parts.body}Event: {escape_text(page)}")
    return (
        f"{parts.head}{description}\r\n{parts.tail}"
        f"{fold(f'URL;VALUE=URI:{page}')}\r\n{alarm}END:VEVENT\r\n"
    )


_DAY = dt.timedelta(days=1)


def _summary(state: EventState, span: DateSpan) -> str:
    title = state.title
    said = describe_fuzzy(span) if not span.is_exact else ""
    # A title that already says when ("... by early January 2024") is not said twice.
    if said and said.lower() not in title.lower():
        title = f"{title} ({said})" if state.status in _SETTLED else f"{title} (expected {said})"
    if state.status == "cancelled":
        return f"Cancelled: {title}"
    if state.status == "postponed":
        return f"Postponed: {title}"
    if state.status == "suspended":
        return f"{title} (suspended)"
    return title


def _description(state: EventState, span: DateSpan) -> str:
    # The event's link ends the description; it is added per feed (`_assemble`).
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
    return "\n".join(lines)


def _unescaped(value: str) -> str:
    # NAME is written as the icalendar library wrote it (it does not know RFC 7986's NAME is
    # TEXT): commas and semicolons unescaped, which lenient readers show as is, so names with
    # filters ("AHC, BBNJ") read as before. Line breaks, which would end the line, become \n.
    if "\n" in value or "\r" in value:
        value = value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    return legal_text(value)


def _alarm_text(kind: str, title: str, days: int) -> str:
    what = "Deadline" if kind == "deadline" else "Vote point"
    when = "today" if days == 0 else ("in 1 day" if days == 1 else f"in {days} days")
    return f"{what} {when}: {title}"


@lru_cache(maxsize=1024)
def _stamp(moment: dt.datetime) -> str:
    # Most entries of a feed share a few stamps (bulk imports, one edit session), so the
    # formatted text is remembered.
    return utc_datetime_value(moment)


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
    if zone is None or _is_utc(name):
        return dt.UTC
    for moment in moments:
        try:
            if moment.astimezone(zone).utcoffset() != moment.utcoffset():
                return dt.UTC
        except OverflowError:  # a moment at the calendar's edge (stored before dates were bounded)
            return dt.UTC
    return zone


@lru_cache(maxsize=64)
def _is_utc(name: str) -> bool:
    # Zones icalendar holds equivalent to UTC (Etc/UTC, GMT, Africa/Abidjan...) are written in
    # UTC with Z and no VTIMEZONE, as icalendar wrote them before.
    zone = _zoneinfo(name)
    return zone is not None and tzid_from_tzinfo(zone) == "UTC"


@lru_cache(maxsize=128)
def _vtimezone_cached(tzid: str, first: int, last: int) -> str:
    # Generating a VTIMEZONE walks the zone's transitions: costly, and the same for every feed.
    # A handful per feed at most, so icalendar writes them.
    zone = Timezone.from_tzid(
        tzid, first_date=dt.date(first, 1, 1), last_date=dt.date(last + 1, 1, 1)
    )
    return bytes(zone.to_ical()).decode()


def process_names(processes: Sequence[ProcessInfo]) -> dict[str, ProcessInfo]:
    """Processes by slug, as `build_calendar` wants them."""
    return {p.slug: p for p in processes}
