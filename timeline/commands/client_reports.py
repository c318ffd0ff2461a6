"""Client-side reports: deadline `risks`, entry into force (`eif`) and the `digest`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from timeline.commands.base import CommandError, add_as_of
from timeline.commands.client import (
    EXIT_USAGE,
    api_client,
    client_command,
    options,
    print_json,
    table_console,
)

if TYPE_CHECKING:
    from timeline_client import Client

__all__ = ["register"]


def _pct(value: Any) -> str:
    return "" if value is None else f"{float(value):.0%}"


class _Report(Protocol):
    @property
    def raw(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=_Report)


def _fetched(args: argparse.Namespace, fetch: Callable[[Client], R]) -> R | None:
    """The report `fetch` reads; None when it was printed as JSON instead (`--json`)."""
    with api_client(args) as api:
        report = fetch(api)
    if args.json:
        print_json(report.raw)
        return None
    return report


def _risks(args: argparse.Namespace) -> int:
    report = _fetched(args, lambda api: api.risks(args.process, as_of=args.as_of))
    if report is None:
        return 0
    from rich.table import Table

    console = table_console()
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
    report = _fetched(args, lambda api: api.entry_into_force(args.process, as_of=args.as_of))
    if report is None:
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
            f"Projected: entry into force around {projection.get('p50')} (50%),"
            f" by {projection.get('p80')} (80%)"
            + (" - little evidence so far" if projection.get("low_evidence") else "")
        )
    for scenario in report.scenarios:
        # An exact date once that threshold would have been reached, else the projection (an
        # entry-into-force date, not the day the threshold is reached).
        when = (
            f"in force on {scenario['entry_into_force']}"
            if scenario.get("entry_into_force")
            else f"entry into force around {scenario.get('p50')}"
        )
        lines.append(f"Scenario {scenario.get('instruments')} instruments: {when}")
    print("\n".join(lines))
    return 0


def _digest(args: argparse.Namespace) -> int:
    with api_client(args) as api:
        feed = api.digest(**options(args, "days", "since", "process", "format", "as_of"))
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


def register(subparsers: Any) -> None:
    """Add the client-side reports."""
    for name, help, func in (
        ("risks", "will the deadlines hold? (server)", _risks),
        ("eif", "entry-into-force count and projection (server)", _eif),
    ):
        report = client_command(subparsers, name, help, func)
        report.add_argument("process", help="the process's slug, e.g. ahc-cybercrime")
        add_as_of(report)

    digest = client_command(
        subparsers, "digest", "the newsletter digest (server)", _digest, json_flag=False
    )
    digest.add_argument(
        "--days",
        type=int,
        help="days ahead, and back when --since is not given (default: the server's, 14)",
    )
    digest.add_argument("--since", help="changes since this day (YYYY-MM-DD)")
    digest.add_argument(
        "--process", action="append", help="only this process (repeatable; default: all)"
    )
    digest.add_argument(
        "--format",
        choices=("md", "html", "json"),
        default="md",
        help="Markdown, e-mail-ready HTML or JSON (default: md)",
    )
    add_as_of(digest, "written as on this day (YYYY-MM-DD; default: today)")
    digest.add_argument("--output", "-o", help="write to this file (default: standard output)")
