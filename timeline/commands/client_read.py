"""Client-side reading commands: `upcoming`, `timeline`, `show` and `history`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from timeline.commands.base import add_as_of
from timeline.commands.client import (
    api_client,
    client_command,
    event_when,
    options,
    print_json,
    table_console,
)
from timeline.domain.vocabulary import STATUSES

# rich is imported by the commands that draw a table, when they run.
if TYPE_CHECKING:
    from rich.table import Table
    from timeline_client import Event

__all__ = ["register"]


def _events_table(events: list[Event], *, title: str, upcoming: bool = False) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("When")
    # The process column earns its width only when the list mixes processes.
    several = len({e.process for e in events}) > 1
    if upcoming:
        table.add_column("In", justify="right")
    if several:
        table.add_column("Process", overflow="fold")
    table.add_column("Kind")
    table.add_column("Title")
    table.add_column("Status")
    table.add_column("Where")
    # People copy ids into `show` and `set-status`: never cut one short.
    table.add_column("ID", no_wrap=True, min_width=16)
    for event in events:
        row = [event_when(event)]
        if upcoming:
            row.append("under way" if event.ongoing else f"{event.days_until} d")
        if several:
            row.append(event.process)
        row += [event.kind, event.title, event.status, event.location or "", event.id]
        table.add_row(*row)
    return table


def _upcoming(args: argparse.Namespace) -> int:
    with api_client(args) as api:
        events = list(
            api.upcoming(days=args.days, process=args.process, kind=args.kind, as_of=args.as_of)
        )
    if args.json:
        print_json([e.raw for e in events])
        return 0
    window = f"next {args.days} days" + (f" from {args.as_of}" if args.as_of else "")
    if not events:
        print(f"Nothing coming in the {window}.")
        return 0
    table_console().print(_events_table(events, title=f"Coming up ({window})", upcoming=True))
    return 0


def _timeline(args: argparse.Namespace) -> int:
    with api_client(args) as api:
        searches = options(args, "from_", "to", "kind", "tag", "status", "as_of", "q", "location")
        events = list(api.timeline(args.process, **searches))
    if args.json:
        print_json([e.raw for e in events])
        return 0
    title = args.process + (f" as known on {args.as_of}" if args.as_of else "")
    searched = [f"“{w}”" for w in (args.q, args.location) if w]
    if searched:
        title += ": matching " + " at ".join(searched) + ", best first"
    table_console().print(_events_table(events, title=title))
    return 0


def _show(args: argparse.Namespace) -> int:
    with api_client(args) as api:
        event = api.get_event(args.process, args.event, as_of=args.as_of)
    if args.json:
        print_json(event.raw)
        return 0
    from rich.table import Table

    table = Table(show_header=False, title=event.title, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value")
    rows: list[tuple[str, str]] = [
        ("id", event.id),
        ("process", event.process),
        ("kind", event.kind),
        ("date", f"{event.date}  ({event_when(event)}; {event.start} to {event.end})"),
        ("status", event.status),
        ("location", event.location or ""),
        ("summary", event.summary or ""),
        ("tags", ", ".join(event.tags)),
        ("parent", event.parent or ""),
        ("depends on", ", ".join(f"{d['event']} (+{d['lag_days']} d)" for d in event.depends_on)),
        ("attributes", ", ".join(f"{k}={v}" for k, v in event.attributes.items())),
        ("sources", "\n".join(s.get("url", "") for s in event.sources)),
        ("version", f"{event.version} (known on {event.known_on})"),
    ]
    for name, value in rows:
        if value:
            table.add_row(name, value)
    table_console().print(table)
    return 0


def _history(args: argparse.Namespace) -> int:
    with api_client(args) as api:
        revisions = api.history(args.process, args.event)
    if args.json:
        print_json([r.raw for r in revisions])
        return 0
    from rich.table import Table

    table = Table(title=f"History of {args.event}", title_justify="left")
    for column in ("Version", "Recorded", "Known on", "Actor", "Change", "Fields"):
        table.add_column(column)
    for revision in revisions:
        changed = "; ".join(
            f"{name}: {_short(old)} → {_short(new)}" for name, (old, new) in revision.fields.items()
        )
        recorded = revision.recorded_at.strftime("%Y-%m-%d %H:%M") if revision.recorded_at else ""
        table.add_row(
            str(revision.version),
            recorded,
            str(revision.known_on or ""),
            revision.actor,
            revision.change,
            changed,
        )
    table_console().print(table)
    return 0


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def register(subparsers: Any) -> None:
    """Add the client-side reading commands."""
    up = client_command(
        subparsers, "upcoming", "what is coming, across processes (server)", _upcoming
    )
    up.add_argument("--days", type=int, default=30, help="how many days ahead (default: 30)")
    up.add_argument("--process", action="append", help="only this process (repeatable)")
    up.add_argument("--kind", action="append", help="only this kind (repeatable)")
    add_as_of(up)

    tl = client_command(subparsers, "timeline", "a process's events in order (server)", _timeline)
    tl.add_argument("process", help="the process's slug, e.g. ahc-cybercrime")
    tl.add_argument("--from", dest="from_", help="first day (YYYY-MM-DD)")
    tl.add_argument("--to", help="last day (YYYY-MM-DD)")
    tl.add_argument("--kind", action="append", help="only this kind (repeatable)")
    tl.add_argument("--tag", action="append", help="only events with this tag (repeatable)")
    tl.add_argument(
        "--status", action="append", choices=STATUSES, help="only this status (repeatable)"
    )
    add_as_of(tl)
    tl.add_argument(
        "--q",
        metavar="WORDS",
        help="only events whose text holds all these words (title, summary, location, tags,"
        " sources), best match first",
    )
    tl.add_argument("--location", help="only events whose location contains this (any case)")

    show = _event_command(subparsers, "show", "one event (server)", _show)
    add_as_of(show)
    _event_command(subparsers, "history", "every revision of an event (server)", _history)


def _event_command(
    subparsers: Any, name: str, help: str, func: Callable[[argparse.Namespace], int]
) -> argparse.ArgumentParser:
    """A command about one event: the client options, then PROCESS and EVENT."""
    parser = client_command(subparsers, name, help, func)
    parser.add_argument("process", help="the process's slug, e.g. ahc-cybercrime")
    parser.add_argument("event", help="the event's id (the ID column of `timeline`)")
    return parser
