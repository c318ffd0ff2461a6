"""`timeline calendar push`: copy a calendar feed into a CalDAV calendar (with `caldav`).

It is a client command: it reads the feed from the timeline server (`--server`, else
TIMELINE_URL, else http://127.0.0.1:8000), exactly the bytes a subscriber gets, so a pushed
calendar and a subscribed one never disagree, and it needs no database access.

Each event becomes one calendar object keyed by its UID: a second push rewrites the objects
whose entry changed (same UID, in place), leaves the unchanged ones alone and deletes the ones
whose event left the feed (deleted, or no longer matching the filters). Only objects this
command wrote for the same feed are ever deleted: each carries `X-TIMELINE-FEED` (the feed's
path and canonical filters), so other events in the calendar, and slices pushed from other
filters, are left alone.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from timeline.commands.base import CommandError
from timeline.commands.client import DEFAULT_SERVER
from timeline.domain.vocabulary import KINDS, STATUSES

# httpx, icalendar and the calendar service are imported when a push runs: listing the
# command must not pay for them.
if TYPE_CHECKING:
    from icalendar import Calendar, Event

    from timeline.services.calendar import CalendarQuery

__all__ = ["PushReport", "push_calendar", "register"]

FEED_PROPERTY = "X-TIMELINE-FEED"


@dataclass(frozen=True)
class PushReport:
    """What a push did to the CalDAV calendar."""

    created: int
    updated: int
    unchanged: int
    removed: int

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.removed} removed"
        )


def register(subparsers: Any) -> None:
    """Add `calendar push`."""
    calendar = subparsers.add_parser("calendar", help="calendar feeds and CalDAV")
    actions = calendar.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    push = actions.add_parser(
        "push",
        help="write a process's (or every process's) events into a CalDAV calendar",
        description=(
            "Read the calendar feed from the timeline server and write each event into the "
            "CalDAV calendar at --caldav, keyed by UID: changed events are updated in place, "
            "events gone from the feed are removed."
        ),
    )
    push.add_argument("--caldav", required=True, help="URL of the CalDAV calendar collection")
    push.add_argument("--user", help="CalDAV user name")
    push.add_argument("--password", help="CalDAV password (or TIMELINE_CALDAV_PASSWORD)")
    push.add_argument(
        "--server",
        help=f"timeline server to read from (default: TIMELINE_URL, else {DEFAULT_SERVER})",
    )
    push.add_argument("--process", help="only this process (default: every process)")
    push.add_argument("--kind", action="append", choices=KINDS, help="any of these (repeat)")
    push.add_argument("--tag", action="append", help="any of these tags (repeat)")
    push.add_argument("--status", action="append", choices=STATUSES, help="any of these (repeat)")
    push.add_argument("--exact-only", action="store_true", help="leave out fuzzy dates")
    push.add_argument("--alarm-days", type=int, help="reminders N days before deadlines and votes")
    push.set_defaults(func=_push)


def _push(args: argparse.Namespace) -> int:
    from timeline.services.calendar import CalendarQuery

    server = (args.server or os.environ.get("TIMELINE_URL") or DEFAULT_SERVER).rstrip("/")
    query = CalendarQuery(
        kinds=args.kind or (),
        tags=args.tag or (),
        statuses=args.status or (),
        exact_only=args.exact_only,
        alarm_days=args.alarm_days,
    )
    password = args.password or os.environ.get("TIMELINE_CALDAV_PASSWORD")
    report = push_calendar(
        server, args.process, query, caldav_url=args.caldav, user=args.user, password=password
    )
    print(f"pushed to {args.caldav}: {report}")
    return 0


def fetch_feed(server: str, slug: str | None, query: CalendarQuery) -> tuple[str, Calendar]:
    """The feed's canonical key (path and query, without the host) and the parsed feed."""
    import httpx
    from icalendar import Calendar

    from timeline.services.calendar import calendar_url

    url = calendar_url(server, slug, query)
    try:
        response = httpx.get(url, timeout=60.0, follow_redirects=True)
    except httpx.HTTPError as error:
        raise CommandError(f"cannot reach the timeline server at {server}: {error}") from None
    if response.status_code != 200:
        detail = response.text[:300]
        if response.headers.get("content-type", "").startswith("application/problem+json"):
            detail = str(response.json().get("detail", detail))
        raise CommandError(f"the server answered {response.status_code}: {detail}")
    try:
        feed = Calendar.from_ical(response.content)
    except ValueError as error:
        raise CommandError(f"the server sent a calendar that cannot be read: {error}") from None
    parts = urlsplit(url)
    key = parts.path + (f"?{parts.query}" if parts.query else "")
    return key, feed


def _object(feed: Calendar, event: Event, key: str) -> Calendar:
    """A calendar object resource holding one event and the time zones it uses."""
    from icalendar import Calendar, Event

    from timeline.formats.ics import PRODID

    single = Calendar()
    single.add("prodid", PRODID)
    single.add("version", "2.0")
    used = {
        prop.params["TZID"]
        for name in ("dtstart", "dtend")
        if (prop := event.get(name)) is not None and "TZID" in prop.params
    }
    for zone in feed.timezones:
        if str(zone["tzid"]) in used:
            single.add_component(zone)
    copy = Event.from_ical(event.to_ical())
    assert isinstance(copy, Event)
    copy.add(FEED_PROPERTY, key)
    single.add_component(copy)
    return single


def _same(existing: Calendar, wanted: Calendar) -> bool:
    return [e.to_ical() for e in existing.events] == [e.to_ical() for e in wanted.events]


def push_calendar(
    server: str,
    slug: str | None,
    query: CalendarQuery,
    *,
    caldav_url: str,
    user: str | None,
    password: str | None,
) -> PushReport:
    """Make the CalDAV calendar at `caldav_url` hold exactly the feed's events (among those
    this feed pushed before): create new ones, rewrite changed ones by UID, delete gone ones."""
    from caldav.davclient import DAVClient
    from caldav.lib import error as caldav_error

    from timeline.formats.ics import UID_DOMAIN

    key, feed = fetch_feed(server, slug, query)
    wanted = {str(e["uid"]): _object(feed, e, key) for e in feed.events}
    try:
        client = DAVClient(url=caldav_url, username=user, password=password)
        calendar = client.calendar(url=caldav_url)  # type: ignore[no-untyped-call]
        existing = {}
        for item in calendar.get_events():
            component = item.icalendar_component
            uid = str(component.get("uid", ""))
            if uid.endswith(f"@{UID_DOMAIN}"):
                existing[uid] = (item, str(component.get(FEED_PROPERTY, "")))
        created = updated = unchanged = removed = 0
        for uid, ical in wanted.items():
            found = existing.get(uid)
            if found is None:
                calendar.add_event(ical.to_ical().decode(), increase_seqno=False)
                created += 1
            elif _same(found[0].icalendar_instance, ical):
                unchanged += 1
            else:
                item = found[0]
                item.data = ical.to_ical().decode()
                item.save(increase_seqno=False)
                updated += 1
        for uid, (item, feed_key) in existing.items():
            if uid not in wanted and feed_key == key:
                item.delete()
                removed += 1
    except caldav_error.AuthorizationError:
        raise CommandError(
            f"the CalDAV server refused user {user!r}: check --user and --password"
        ) from None
    except caldav_error.NotFoundError:
        raise CommandError(f"no CalDAV calendar at {caldav_url}: create it first") from None
    except caldav_error.DAVError as error:
        raise CommandError(f"the CalDAV server failed: {error}") from None
    except OSError as error:
        raise CommandError(f"cannot reach the CalDAV server at {caldav_url}: {error}") from None
    return PushReport(created=created, updated=updated, unchanged=unchanged, removed=removed)
