"""Client-side commands of who stands where: `positions`, `forecast` and `votes import`."""

from __future__ import annotations

import argparse
import csv
import io
from typing import Any

from rich.table import Table
from timeline_client import NotFound

from timeline.commands.base import CommandError, add_as_of
from timeline.commands.client import (
    EXIT_USAGE,
    api_client,
    client_command,
    print_json,
    table_console,
)

__all__ = ["read_roll_csv", "register"]


def _source(document: dict[str, Any]) -> str:
    sources = document.get("sources") or []
    return str(sources[0].get("url", "")) if sources else ""


def _positions(args: argparse.Namespace) -> int:
    with api_client(args) as api:
        if args.proposal is None:
            answer: Any = {"proposals": api.proposals(args.process, as_of=args.as_of)}
        else:
            answer = api.proposal(args.process, args.proposal, as_of=args.as_of)
    if args.json:
        print_json(answer)
        return 0
    console = table_console()
    if args.proposal is None:
        table = Table(title=f"Proposals of {args.process}", title_justify="left")
        for column in ("Key", "Title", "Rule", "Known on"):
            table.add_column(column)
        for p in answer["proposals"]:
            doc = p["document"]
            table.add_row(p["key"], doc["title"], doc["rule"], p["known_on"])
        console.print(table)
        return 0
    title = answer["proposal"]["document"]["title"]
    table = Table(title=f"{title}, as known on {answer['as_of']}", title_justify="left")
    for column in ("Holder", "Stance", "Since", "Source"):
        table.add_column(column)
    for s in answer["stances"]:
        table.add_row(s["holder"], s["stance"], s["since"], _source(s))
    console.print(table)
    counts = answer["counts"]
    console.print(", ".join(f"{name} {count}" for name, count in counts.items() if count))
    return 0


def _forecast(args: argparse.Namespace) -> int:
    with api_client(args) as api:
        answer = api.forecast(args.process, args.proposal, as_of=args.as_of, rule=args.rule)
    if args.json:
        print_json(answer)
        return 0
    expected = answer["expected"]
    lines = [
        f"{args.proposal} as of {answer['as_of']} ({answer['rule']}"
        + (f", falling back from {answer['fallback_from']}" if answer["fallback_from"] else "")
        + ")",
        f"P(pass): {answer['p_pass']:.1%}",
        "Expected: "
        + ", ".join(f"{name} {expected[name]:.1f}" for name in ("yes", "no", "abstain", "absent")),
        f"Yes needed at the expected turnout: {answer['required_yes']}",
        "Declared: " + ", ".join(f"{k} {v}" for k, v in answer["declared"].items()),
        f"Undeclared: {len(answer['undeclared'])}",
    ]
    console = table_console()
    console.print("\n".join(lines), markup=False)
    table = Table(title="Swing parties", title_justify="left")
    for column in ("Party", "Swing", "If yes", "If no"):
        table.add_column(column)
    for s in answer["swing"]:
        table.add_row(
            s["party"], f"{s['swing']:.1%}", f"{s['p_pass_if_yes']:.1%}", f"{s['p_pass_if_no']:.1%}"
        )
    console.print(table)
    return 0


def read_roll_csv(text: str) -> list[dict[str, str]]:
    """The roll in a CSV with a header naming `party` and `vote` columns (other columns are
    ignored); CommandError naming the line when one is missing a value."""
    reader = csv.DictReader(io.StringIO(text))
    names = [n.strip().lower() for n in reader.fieldnames or []]
    if "party" not in names or "vote" not in names:
        raise CommandError("the CSV needs a header with party and vote columns", EXIT_USAGE)
    reader.fieldnames = names
    roll: list[dict[str, str]] = []
    for line, row in enumerate(reader, start=2):
        party, vote = (row.get("party") or "").strip(), (row.get("vote") or "").strip().lower()
        if not party or not vote:
            raise CommandError(f"line {line}: party and vote are both needed", EXIT_USAGE)
        roll.append({"party": party.upper(), "vote": vote})
    return roll


def _import_votes(args: argparse.Namespace) -> int:
    try:
        with open(args.file, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}", EXIT_USAGE) from None
    roll = read_roll_csv(text)
    fields: dict[str, Any] = {"known_on": args.known_on}
    if args.source:
        fields["sources"] = [{"url": url} for url in args.source]
    with api_client(args) as api:
        try:
            current: Any = api.vote(args.process, args.event_id)
        except NotFound:
            current = None
        record = api.put_vote(args.process, args.event_id, roll, if_match=current, **fields)
    if args.json:
        print_json(record.raw)
        return 0
    doc = record.document
    counts = doc["counts"]
    print(
        f"{args.event_id}: {doc['outcome']} under {doc['rule']} "
        f"(yes {counts['yes']}, no {counts['no']}, abstain {counts['abstain']}, "
        f"absent {counts['absent']}; {doc['required_yes']} yes needed), version {record.version}"
    )
    return 0


def register(subparsers: Any) -> None:
    """Add `positions`, `forecast` and `votes import`."""
    positions = client_command(
        subparsers, "positions", "proposals, or who stands where on one (server)", _positions
    )
    positions.add_argument("process", help="the process's slug")
    positions.add_argument(
        "proposal", nargs="?", help="a proposal's key: its stances (default: list the proposals)"
    )
    add_as_of(positions, "as known on this day (YYYY-MM-DD; default today)")

    forecast = client_command(
        subparsers, "forecast", "would a proposal pass a vote? (server)", _forecast
    )
    forecast.add_argument("process", help="the process's slug")
    forecast.add_argument("proposal", help="the proposal's key")
    add_as_of(forecast, "with what was known on this day (YYYY-MM-DD; default today)")
    forecast.add_argument(
        "--rule",
        choices=("two_thirds_present_voting", "simple_majority_present_voting"),
        help="the decision rule of the vote (default: the proposal's own)",
    )

    votes = subparsers.add_parser("votes", help="recorded votes (server)")
    actions = votes.add_subparsers(dest="votes_command", metavar="ACTION", required=True)
    importer = client_command(
        actions, "import", "record a vote_point's roll from a CSV file", _import_votes
    )
    importer.add_argument("process", help="the process's slug")
    importer.add_argument("event_id", help="the vote_point event the roll belongs to")
    importer.add_argument("file", help="CSV with a header: party,vote (yes|no|abstain|absent)")
    importer.add_argument("--known-on", dest="known_on", help="the day the roll became public")
    importer.add_argument("--source", action="append", help="URL of the record (repeat)")
