"""`timeline backtest`: replay the deadline assessment at regular steps through history.

It shows how each deadline's status and chance of being met moved as the log grew; with
`--library`, the scoreboard of the whole library of real negotiations
(`timeline.commands.backtest_library`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from timeline.commands.backtest_library import run_library
from timeline.commands.base import CommandError, run_with_database

# The analysis and the store are imported when the command runs, not when it is listed.
if TYPE_CHECKING:
    from timeline.services.analysis import RiskReport
    from timeline.store.db import Database

__all__ = ["MAX_STEPS", "backtest_rows", "register"]

MAX_STEPS = 2000
# The fields of a deadline's assessment that each row shows, in this order.
_FOLLOWED = ("status", "p_meet", "slack_days", "projected_date", "open_items")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day (YYYY-MM-DD)") from None


def register(subparsers: Any) -> None:
    """Add `backtest`."""
    parser = subparsers.add_parser(
        "backtest",
        help="replay the deadline risk assessment from one day to another (reads the database)",
        description=(
            "Assess every deadline of a process as it was known on each step between --from "
            "and --to, and print its status, chance of being met and slack. Reads "
            "TIMELINE_DATABASE_URL."
        ),
    )
    parser.add_argument("--process", metavar="SLUG", help="the process's slug")
    parser.add_argument(
        "--from",
        dest="start",
        type=_day,
        metavar="DATE",
        help="the first day assessed (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=_day,
        metavar="DATE",
        help="the last day assessed (YYYY-MM-DD), always shown",
    )
    parser.add_argument("--step", type=int, default=30, metavar="DAYS", help="days between steps")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--library",
        action="store_true",
        help="score every process of the library month by month, up to --to (default today), "
        "in a scratch database",
    )
    parser.add_argument("--markdown", metavar="FILE", help="with --library: write the scoreboard")
    parser.add_argument("--save", metavar="FILE", help="with --library: write it as JSON")
    parser.set_defaults(func=_backtest)


def _steps(start: dt.date, end: dt.date, step: int) -> list[dt.date]:
    if step < 1:
        raise CommandError("--step must be at least 1 day")
    if end < start:
        raise CommandError("--to must not be before --from")
    count = (end - start).days // step + 1
    if count > MAX_STEPS:
        raise CommandError(f"that is {count} steps; use a larger --step (at most {MAX_STEPS})")
    days = [start + dt.timedelta(days=step * i) for i in range(count)]
    if days[-1] != end:
        days.append(end)  # always show where the range ends
    return days


def backtest_rows(reports: list[RiskReport]) -> list[dict[str, Any]]:
    """One row per (step, deadline): the numbers a reader follows over time, as the API says
    them."""
    rows = []
    for report in reports:
        for risk in report.deadlines:
            body = risk.to_json()
            rows.append(
                {
                    "as_of": report.as_of.isoformat(),
                    "deadline": risk.event.id,
                    "title": risk.event.title,
                    **{column: body[column] for column in _FOLLOWED},
                }
            )
    return rows


def _table(rows: list[dict[str, Any]]) -> str:
    header = ("as_of", "deadline", "status", "p_meet", "slack", "projected", "open")
    lines = [header]
    previous: dict[str, str] = {}
    for row in rows:
        title = row["title"] if len(row["title"]) <= 40 else row["title"][:39] + "…"
        status = row["status"]
        # A star marks a step where the status changed from the step before.
        moved = row["deadline"] in previous and previous[row["deadline"]] != status
        previous[row["deadline"]] = status
        lines.append(
            (
                row["as_of"],
                title,
                status + (" *" if moved else ""),
                "-" if row["p_meet"] is None else f"{row['p_meet']:.2f}",
                "-" if row["slack_days"] is None else str(row["slack_days"]),
                row["projected_date"] or "-",
                str(row["open_items"]),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines
    )


def _backtest(args: argparse.Namespace) -> int:
    if args.library:
        return run_library(args)
    if args.process is None or args.start is None or args.end is None:
        raise CommandError("--process, --from and --to are required (or use --library)")
    from timeline.services.analysis import assess_risks

    days = _steps(args.start, args.end, args.step)

    async def work(db: Database) -> list[RiskReport]:
        return [await assess_risks(db, args.process, day) for day in days]

    rows = backtest_rows(run_with_database(work))
    if args.json:
        print(
            json.dumps(
                {
                    "process": args.process,
                    "from": args.start.isoformat(),
                    "to": args.end.isoformat(),
                    "step": args.step,
                    "rows": rows,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    elif not rows:
        print(f"{args.process}: no deadlines between {args.start} and {args.end}")
    else:
        print(_table(rows))
    return 0
