"""The ICS builder as it was before the hand-written writer: every entry built and serialised by
the `icalendar` library (commit 17ad76a, minus its per-entry cache).

Kept only as the oracle the tests compare `timeline.formats.ics` against: what subscribers got
from the icalendar-based builder is what they must keep getting. The texts (titles, the
description, the alarm's words, statuses) come from the product's own helpers, so a change of
wording there changes both sides alike; only the construction of the calendar is copied here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event, Timezone, vDuration, vText

from timeline.domain.model import EventState, ProcessInfo
from timeline.formats.ics import (
    _ICAL_STATUS,
    ALARM_KINDS,
    PRODID,
    CalendarOptions,
    _description,
    _summary,
    event_page,
    event_uid,
)

__all__ = ["reference_calendar"]


def reference_calendar(
    events: Iterable[EventState],
    processes: Mapping[str, ProcessInfo],
    options: CalendarOptions,
) -> bytes:
    """The VCALENDAR the icalendar-based builder wrote for these events."""
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
        component = _event_component(state, options, zone)
        start = component.get("dtstart")
        tzid = start.params.get("TZID") if isinstance(start.dt, dt.datetime) else None
        if tzid:
            found = years.setdefault(str(tzid), set())
            for name in ("dtstart", "dtend"):
                prop = component.get(name)
                if prop is not None:
                    found.add(prop.dt.year)
        entries.append(bytes(component.to_ical()))
    zones = [
        bytes(
            Timezone.from_tzid(
                tzid,
                first_date=dt.date(min(years[tzid]), 1, 1),
                last_date=dt.date(max(years[tzid]) + 1, 1, 1),
            ).to_ical()
        )
        for tzid in sorted(years)
    ]
    end = b"END:VCALENDAR\r\n"
    head = bytes(calendar.to_ical())
    assert head.endswith(end)
    return b"".join([head[: -len(end)], *zones, *entries, end])


def _event_component(state: EventState, options: CalendarOptions, zone: str) -> Event:
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
        event.add("dtstart", span.start_time.astimezone(tz).replace(microsecond=0))
        if span.end_time != span.start_time:
            event.add("dtend", span.end_time.astimezone(tz).replace(microsecond=0))
    elif span.is_exact:
        event.add("dtstart", span.start)
        event.add("dtend", span.end + dt.timedelta(days=1))
    else:
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
    event.add("description", f"{_description(state, span)}\n\nEvent: {page}")
    if options.alarm_days is not None and state.kind in ALARM_KINDS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -dt.timedelta(days=options.alarm_days))
        what = "Deadline" if state.kind == "deadline" else "Vote point"
        days = options.alarm_days
        when = "today" if days == 0 else ("in 1 day" if days == 1 else f"in {days} days")
        alarm.add("description", f"{what} {when}: {state.title}")
        event.add_component(alarm)
    return event


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC, microsecond=0)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _zone(name: str, *moments: dt.datetime) -> dt.tzinfo:
    if name == "UTC":
        return dt.UTC
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC
    for moment in moments:
        if moment.astimezone(zone).utcoffset() != moment.utcoffset():
            return dt.UTC
    return zone
