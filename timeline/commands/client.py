"""Client-side commands: ask a running server (`--server`/TIMELINE_URL) what is coming, show an
event and its history, record and change events (`--token`/TIMELINE_TOKEN), read the deadline
risks and entry-into-force, write the digest, and push a bundle to another server.

They talk HTTP through `timeline_client` only, never to a database. Tables are for people;
`--json` prints the API's own JSON for scripts. Exit codes scripts can trust:

- 0: done;
- 1: the server refused (the problem's status, title and detail on one line);
- 2: the command line was wrong (argparse), or a local file could not be read;
- 3: the server could not be reached.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.table import Table
from timeline_client import (
    Client,
    ConnectionFailed,
    Event,
    ProblemError,
    RetryPolicy,
)

from timeline.commands.base import CommandError
from timeline.domain.dates import DateError, describe_fuzzy, parse_date

__all__ = [
    "EXIT_CANNOT_CONNECT",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "problem_line",
    "push_bundle",
    "register",
]

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_CANNOT_CONNECT = 3
DEFAULT_SERVER = "http://127.0.0.1:8000"
STATUSES = ("planned", "tentative", "held", "postponed", "suspended", "cancelled")


# Plumbing ----------------------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    parser.add_argument(
        "--server",
        default=os.environ.get("TIMELINE_URL") or DEFAULT_SERVER,
        help=f"the server's URL (default: TIMELINE_URL, else {DEFAULT_SERVER})",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("TIMELINE_TOKEN"),
        help="bearer token for writes (default: TIMELINE_TOKEN)",
    )
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def problem_line(error: ProblemError) -> str:
    """A refusal in one line: status, title, detail and each rejected field."""
    line = f"{error.status} {error.title}"
    if error.detail and error.detail != error.title:
        line += f": {error.detail}"
    fields = [f"{e.field}: {e.message}" for e in error.errors]
    if fields and not error.detail:
        line += " (" + "; ".join(fields) + ")"
    return line


@contextmanager
def _client(args: argparse.Namespace, *, patient: bool = False) -> Iterator[Client]:
    """A client for `--server`; refusals and unreachable servers become one-line errors."""
    # A person is waiting: retry briefly, then say what is wrong. A push is a long job that
    # will meet the server's write rate limit: it waits out each window (Retry-After) instead.
    if patient:
        retry = RetryPolicy(max_retries=10, backoff=0.5, max_retry_after=65)
    else:
        retry = RetryPolicy(max_retries=2, backoff=0.25, max_retry_after=10)
    try:
        with Client(args.server, args.token, retry=retry, timeout=30) as api:
            yield api
    except ProblemError as error:
        raise CommandError(problem_line(error), EXIT_REFUSED) from None
    except ConnectionFailed:
        raise CommandError(f"cannot connect to {args.server}", EXIT_CANNOT_CONNECT) from None


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _when(event: Event) -> str:
    try:
        return describe_fuzzy(parse_date(event.date))
    except DateError:
        return event.date


# Reading -----------------------------------------------------------------------------------


def _events_table(events: list[Event], *, title: str, upcoming: bool = False) -> Table:
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
        row = [_when(event)]
        if upcoming:
            row.append("under way" if event.ongoing else f"{event.days_until} d")
        if several:
            row.append(event.process)
        row += [event.kind, event.title, event.status, event.location or "", event.id]
        table.add_row(*row)
    return table


def _upcoming(args: argparse.Namespace) -> int:
    with _client(args) as api:
        events = list(
            api.upcoming(days=args.days, process=args.process, kind=args.kind, as_of=args.as_of)
        )
    if args.json:
        _print_json([e.raw for e in events])
        return 0
    window = f"next {args.days} days" + (f" from {args.as_of}" if args.as_of else "")
    if not events:
        print(f"Nothing coming in the {window}.")
        return 0
    _console().print(_events_table(events, title=f"Coming up ({window})", upcoming=True))
    return 0


def _timeline(args: argparse.Namespace) -> int:
    with _client(args) as api:
        events = list(
            api.timeline(
                args.process,
                from_=args.from_,
                to=args.to,
                kind=args.kind,
                tag=args.tag,
                status=args.status,
                as_of=args.as_of,
            )
        )
    if args.json:
        _print_json([e.raw for e in events])
        return 0
    title = args.process + (f" as known on {args.as_of}" if args.as_of else "")
    _console().print(_events_table(events, title=title))
    return 0


def _show(args: argparse.Namespace) -> int:
    with _client(args) as api:
        event = api.get_event(args.process, args.event, as_of=args.as_of)
    if args.json:
        _print_json(event.raw)
        return 0
    table = Table(show_header=False, title=event.title, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value")
    rows: list[tuple[str, str]] = [
        ("id", event.id),
        ("process", event.process),
        ("kind", event.kind),
        ("date", f"{event.date}  ({_when(event)}; {event.start} to {event.end})"),
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
    _console().print(table)
    return 0


def _history(args: argparse.Namespace) -> int:
    with _client(args) as api:
        revisions = api.history(args.process, args.event)
    if args.json:
        _print_json([r.raw for r in revisions])
        return 0
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
    _console().print(table)
    return 0


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


# Writing -----------------------------------------------------------------------------------


def _dependency(text: str) -> dict[str, Any]:
    event, _, lag = text.partition(":")
    try:
        return {"event": event, "lag_days": int(lag or 0)}
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not EVENT_ID[:LAG_DAYS]") from None


def _attribute(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name, raw


def _json_attribute(text: str) -> tuple[str, Any]:
    name, raw = _attribute(text)
    try:
        return name, json.loads(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not JSON (for text use --attr)") from None


def _add_event(args: argparse.Namespace) -> int:
    fields: dict[str, Any] = {
        "status": args.status,
        "location": args.location,
        "summary": args.summary,
        "parent": args.parent,
        "known_on": args.known_on,
    }
    if args.tag:
        fields["tags"] = args.tag
    if args.depends_on:
        fields["depends_on"] = args.depends_on
    if args.source:
        fields["sources"] = [{"url": url} for url in args.source]
    if args.attr or args.attr_json:
        fields["attributes"] = dict([*(args.attr or []), *(args.attr_json or [])])
    with _client(args) as api:
        event = api.create_event(
            args.process, kind=args.kind, title=args.title, date=args.date, **fields
        )
    if args.json:
        _print_json(event.raw)
    else:
        print(f"created {event.id}: {event.title} ({_when(event)}, {event.status})")
    return 0


def _set_status(args: argparse.Namespace) -> int:
    with _client(args) as api:
        current = api.get_event(args.process, args.event)
        event = api.update_event(
            args.process,
            args.event,
            {"status": args.status},
            if_match=current,
            known_on=args.known_on,
        )
    if args.json:
        _print_json(event.raw)
    else:
        print(f"{event.id}: {current.status} → {event.status} (version {event.version})")
    return 0


# Analysis and digest -----------------------------------------------------------------------


def _pct(value: Any) -> str:
    return "" if value is None else f"{float(value):.0%}"


def _risks(args: argparse.Namespace) -> int:
    with _client(args) as api:
        report = api.risks(args.process, as_of=args.as_of)
    if args.json:
        _print_json(report.raw)
        return 0
    console = _console()
    table = Table(title=f"Deadlines of {args.process} as of {report.as_of}", title_justify="left")
    for column in ("Deadline", "Due", "Status", "P(meet)", "Slack", "Projected"):
        table.add_column(column)
    for risk in report.deadlines:
        due = str(risk.event.get("end") or risk.event.get("date") or "")
        slack = "" if risk.slack_days is None else f"{risk.slack_days} d"
        table.add_row(
            str(risk.event.get("title", "")),
            due,
            risk.status,
            _pct(risk.p_meet),
            slack,
            str(risk.projected_date or ""),
        )
    console.print(table)
    for risk in report.deadlines:
        for reason in risk.reasons:
            console.print(f"- {risk.event.get('title', '')}: {reason}")
    return 0


def _eif(args: argparse.Namespace) -> int:
    with _client(args) as api:
        report = api.entry_into_force(args.process, as_of=args.as_of)
    if args.json:
        _print_json(report.raw)
        return 0
    rule = report.rule or {}
    instruments = rule.get("instruments")
    lines = [f"Entry into force of {args.process}, as of {report.as_of}"]
    if instruments is not None:
        lines.append(
            f"Rule: {instruments} instruments, in force {rule.get('delay_days', 90)} days after"
        )
    lines.append(f"Deposited: {report.count if report.count is not None else 'unknown'}")
    if report.reached_on:
        lines.append(f"Threshold reached on {report.reached_on}")
        lines.append(f"Enters into force on {report.entry_into_force}")
    elif report.projection:
        projection = report.projection
        lines.append(
            f"Projected: threshold around {projection.get('p50')} (50%),"
            f" by {projection.get('p80')} (80%)"
            + (" - little evidence so far" if projection.get("low_evidence") else "")
        )
    for scenario in report.scenarios:
        lines.append(
            f"Scenario {scenario.get('instruments')} instruments:"
            f" in force around {scenario.get('entry_into_force') or scenario.get('p50')}"
        )
    print("\n".join(lines))
    return 0


def _digest(args: argparse.Namespace) -> int:
    with _client(args) as api:
        feed = api.digest(
            days=args.days,
            since=args.since,
            process=args.process,
            format=args.format,
            as_of=args.as_of,
        )
    if args.output:
        try:
            with open(args.output, "wb") as out:
                out.write(feed.content)
        except OSError as error:
            raise CommandError(
                f"cannot write {args.output}: {error.strerror}", EXIT_USAGE
            ) from None
    else:
        sys.stdout.buffer.write(feed.content)
        sys.stdout.flush()
    return 0


# Push ----------------------------------------------------------------------------------------


def _key(*parts: Any) -> str:
    """A deterministic Idempotency-Key: pushing the same bundle again replays, never doubles."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"push-{digest[:40]}"


def _mapped(snapshot: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """An event document with its references to other events renamed to the new ids."""
    document = dict(snapshot)
    if document.get("parent"):
        document["parent"] = ids.get(document["parent"], document["parent"])
    document["depends_on"] = [
        {**d, "event": ids.get(d["event"], d["event"])} for d in document.get("depends_on") or []
    ]
    return document


def _steps(process: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Every revision of a process's events and items, in the order they were recorded."""
    steps: list[tuple[str, int, int, str, dict[str, Any], dict[str, Any]]] = []
    for order, event in enumerate(process.get("events") or []):
        for revision in event["revisions"]:
            steps.append((revision["recorded_at"], 0, order, "event", event, revision))
    for order, item in enumerate(process.get("items") or []):
        for revision in item["revisions"]:
            steps.append((revision["recorded_at"], 1, order, "item", item, revision))
    steps.sort(key=lambda s: (s[0], s[1], s[2], s[5]["version"]))
    return [(kind, record, revision) for _, _, _, kind, record, revision in steps]


def push_bundle(
    api: Client, bundle: dict[str, Any], *, only: list[str] | None = None, progress: Any = None
) -> dict[str, Any]:
    """Recreate a bundle's processes, events (every revision, with its `known_on`) and items on
    the server behind `api`. Returns counts and the old -> new event ids.

    Every create carries a key derived from the bundle, so pushing the same bundle again (within
    the server's 24-hour window) replays the creates and skips revisions already applied.
    """
    if bundle.get("format") != "timeline-bundle" or bundle.get("version") != 1:
        raise ValueError("not a timeline bundle (format 'timeline-bundle', version 1)")
    processes = [p for p in bundle.get("processes") or [] if not only or p["slug"] in only]
    counts = {"processes": 0, "events": 0, "revisions": 0, "items": 0}
    ids: dict[str, str] = {}
    plan = [(p, _steps(p)) for p in processes]
    total = sum(1 + len(steps) for _, steps in plan)
    task = progress.add_task("pushing", total=total) if progress is not None else None

    def advance(what: str) -> None:
        if progress is not None:
            progress.update(task, advance=1, description=what)

    for process, steps in plan:
        slug = process["slug"]
        fields = {k: process.get(k) for k in ("description", "timezone", "url")}
        api.create_process(
            slug,
            process["title"],
            idempotency_key=_key("process", slug, process["title"]),
            **fields,
        )
        counts["processes"] += 1
        advance(slug)
        remote: dict[str, Any] = {}  # old event id or item key -> the latest version on the server
        for kind, record, revision in steps:
            if kind == "event":
                _push_event_revision(api, slug, record, revision, ids, remote)
                counts["revisions"] += 1
                if revision["version"] == 1:
                    counts["events"] += 1
            else:
                _push_item_revision(api, slug, record, revision, remote)
                if revision["version"] == 1:
                    counts["items"] += 1
            advance(f"{slug}: {record.get('id') or record.get('key')} v{revision['version']}")
    return {**counts, "ids": ids}


def _push_event_revision(
    api: Client,
    slug: str,
    event: dict[str, Any],
    revision: dict[str, Any],
    ids: dict[str, str],
    remote: dict[str, Any],
) -> None:
    old_id = event["id"]
    version = revision["version"]
    if version == 1:
        document = _mapped(revision["snapshot"], ids)
        created = api.create_event(
            slug,
            idempotency_key=_key("event", slug, old_id, revision["snapshot"]),
            known_on=revision["known_on"],
            **document,
        )
        ids[old_id] = created.id
        # A replayed create (an earlier push of this bundle) may have gone further: read it.
        remote[old_id] = _current_or(api, slug, created)
        return
    current = remote[old_id]
    if current is None or current.version >= version:
        return  # already applied by an earlier push of this bundle
    new_id = ids[old_id]
    if revision["change"] == "deleted":
        api.delete_event(slug, new_id, if_match=current, known_on=revision["known_on"])
        remote[old_id] = None
        return
    remote[old_id] = api.update_event(
        slug,
        new_id,
        _mapped(revision["snapshot"], ids),
        if_match=current,
        known_on=revision["known_on"],
    )


def _current_or(api: Client, slug: str, created: Event) -> Any:
    """The event as it is now on the server (a replayed create shows its first version)."""
    try:
        return api.get_event(slug, created.id)
    except ProblemError as error:
        if error.status == 404:  # deleted by an earlier push: nothing more to apply
            return None
        raise


def _push_item_revision(
    api: Client, slug: str, item: dict[str, Any], revision: dict[str, Any], remote: dict[str, Any]
) -> None:
    key = item["key"]
    snapshot = revision["snapshot"]
    if revision["version"] == 1:
        created = api.create_item(
            slug,
            key=key,
            title=snapshot.get("title", item["title"]),
            status=snapshot.get("status", "open"),
            chapter=snapshot.get("chapter"),
            known_on=revision["known_on"],
            idempotency_key=_key("item", slug, key, snapshot),
        )
        # As for events, an earlier push may have changed it since: read where it is.
        remote[f"item:{key}"] = api.get_item(slug, created.key)
        return
    current = remote.get(f"item:{key}")
    if current is None or current.version >= revision["version"]:
        return
    changes = {k: snapshot.get(k) for k in ("title", "chapter", "status") if k in snapshot}
    remote[f"item:{key}"] = api.update_item(
        slug, key, changes, if_match=current, known_on=revision["known_on"]
    )


def _push(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    try:
        with open(args.bundle, encoding="utf-8") as source:
            bundle = json.load(source)
    except OSError as error:
        raise CommandError(f"cannot read {args.bundle}: {error.strerror}", EXIT_USAGE) from None
    except ValueError as error:
        raise CommandError(f"{args.bundle} is not JSON: {error}", EXIT_USAGE) from None
    if not isinstance(bundle, dict):
        raise CommandError(f"{args.bundle} is not a timeline bundle", EXIT_USAGE)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    console = Console(stderr=True)
    with (
        _client(args, patient=True) as api,
        Progress(*columns, console=console, transient=True, disable=args.json) as progress,
    ):
        try:
            result = push_bundle(api, bundle, only=args.process, progress=progress)
        except ValueError as error:
            raise CommandError(f"{args.bundle}: {error}", EXIT_USAGE) from None
    if args.json:
        _print_json(result)
    else:
        print(
            f"pushed {result['processes']} process(es), {result['events']} event(s) with"
            f" {result['revisions']} revision(s), {result['items']} item(s) to {args.server}"
        )
    return 0


# Registration --------------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add the client-side commands."""
    up = subparsers.add_parser("upcoming", help="what is coming, across processes (server)")
    _common(up)
    up.add_argument("--days", type=int, default=30)
    up.add_argument("--process", action="append", help="only this process (repeatable)")
    up.add_argument("--kind", action="append", help="only this kind (repeatable)")
    up.add_argument("--as-of", dest="as_of", help="as known on this day (YYYY-MM-DD)")
    up.set_defaults(func=_upcoming)

    tl = subparsers.add_parser("timeline", help="a process's events in order (server)")
    _common(tl)
    tl.add_argument("process")
    tl.add_argument("--from", dest="from_", help="first day (YYYY-MM-DD)")
    tl.add_argument("--to", help="last day (YYYY-MM-DD)")
    tl.add_argument("--kind", action="append")
    tl.add_argument("--tag", action="append")
    tl.add_argument("--status", action="append", choices=STATUSES)
    tl.add_argument("--as-of", dest="as_of")
    tl.set_defaults(func=_timeline)

    show = subparsers.add_parser("show", help="one event (server)")
    _common(show)
    show.add_argument("process")
    show.add_argument("event")
    show.add_argument("--as-of", dest="as_of")
    show.set_defaults(func=_show)

    hist = subparsers.add_parser("history", help="every revision of an event (server)")
    _common(hist)
    hist.add_argument("process")
    hist.add_argument("event")
    hist.set_defaults(func=_history)

    add = subparsers.add_parser("add-event", help="record an event (server, editor token)")
    _common(add)
    add.add_argument("process")
    add.add_argument("--kind", required=True)
    add.add_argument("--title", required=True)
    add.add_argument("--date", required=True, help="EDTF, e.g. 2023-08-21/2023-09-01 or 2023-06")
    add.add_argument("--status", choices=STATUSES)
    add.add_argument("--location")
    add.add_argument("--summary")
    add.add_argument("--tag", action="append")
    add.add_argument("--parent")
    add.add_argument(
        "--depends-on",
        dest="depends_on",
        action="append",
        type=_dependency,
        metavar="EVENT_ID[:LAG_DAYS]",
    )
    add.add_argument("--source", action="append", metavar="URL")
    add.add_argument(
        "--attr", action="append", type=_attribute, metavar="NAME=TEXT", help="a text attribute"
    )
    add.add_argument(
        "--attr-json",
        dest="attr_json",
        action="append",
        type=_json_attribute,
        metavar="NAME=JSON",
        help="a number, boolean or list attribute (yes=120, formal=false)",
    )
    add.add_argument("--known-on", dest="known_on", help="the day it became public")
    add.set_defaults(func=_add_event)

    status = subparsers.add_parser("set-status", help="change an event's status (server)")
    _common(status)
    status.add_argument("process")
    status.add_argument("event")
    status.add_argument("status", choices=STATUSES)
    status.add_argument("--known-on", dest="known_on")
    status.set_defaults(func=_set_status)

    risks = subparsers.add_parser("risks", help="will the deadlines hold? (server)")
    _common(risks)
    risks.add_argument("process")
    risks.add_argument("--as-of", dest="as_of")
    risks.set_defaults(func=_risks)

    eif = subparsers.add_parser("eif", help="entry-into-force count and projection (server)")
    _common(eif)
    eif.add_argument("process")
    eif.add_argument("--as-of", dest="as_of")
    eif.set_defaults(func=_eif)

    digest = subparsers.add_parser("digest", help="the newsletter digest (server)")
    _common(digest, json_flag=False)
    digest.add_argument("--days", type=int)
    digest.add_argument("--since", help="changes since this day (YYYY-MM-DD)")
    digest.add_argument("--process", action="append")
    digest.add_argument("--format", choices=("md", "html", "json"), default="md")
    digest.add_argument("--as-of", dest="as_of")
    digest.add_argument("--output", "-o", help="write to this file (default: standard output)")
    digest.set_defaults(func=_digest)

    push = subparsers.add_parser(
        "push", help="recreate a bundle's processes and events on a server (admin token)"
    )
    _common(push)
    push.add_argument("bundle", help="a file written by `timeline export`")
    push.add_argument("--process", action="append", help="only this process (repeatable)")
    push.set_defaults(func=_push)
