"""`timeline backtest --library`: the scoreboard of the library of real negotiations.

Replays every data set month by month in a scratch database (no configured database needed),
prints the scoreboard, and can keep it: `--markdown docs/forecasts.md` and
`--save timeline/reference/forecasts.json` (what the `/forecasts` page shows).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from timeline.clock import today
from timeline.services.library_backtest import score_library

__all__ = ["markdown", "run_library"]


def _num(value: Any, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def markdown(board: dict[str, Any]) -> str:
    """The scoreboard as the Markdown page kept in docs/forecasts.md."""
    lines = [
        "# Forecasts scoreboard",
        "",
        "Made by `timeline backtest --library`: every negotiation of the library",
        "(`timeline/seed/*.json`) replayed on the first day of each month with only what was",
        f"known that day, up to {board['end']}. Each deadline still open on a step gives one",
        "forecast, its chance of being met, scored against how it ended. The baseline gives",
        "every forecast the library's base rate for concluding sessions; both the model's base",
        "rate and the baseline's are refitted for each process and month from the other",
        "processes' outcomes known that day (leave one process out, no look-ahead). Lower is",
        "better for both scores.",
        "",
        "| | model | base rate |",
        "|---|---|---|",
        f"| Brier score | {_num(board['brier'])} | {_num(board['brier_base'])} |",
        f"| log loss | {_num(board['log_loss'])} | {_num(board['log_loss_base'])} |",
        "",
        "Thresholds: on each step before a treaty's threshold was reached, the chance that it"
        " would be reached within a year, against the share of such forecasts that came true in"
        f" the other processes ({board['thresholds']['forecasts']} forecasts):",
        "",
        "| | model | base rate |",
        "|---|---|---|",
        f"| Brier score | {_num(board['thresholds']['brier'])} | "
        f"{_num(board['thresholds']['brier_base'])} |",
        f"| log loss | {_num(board['thresholds']['log_loss'])} | "
        f"{_num(board['thresholds']['log_loss_base'])} |",
        "",
        f"{board['forecasts']} forecasts on {board['deadlines']} deadlines. Lowest chance given "
        f"before the outcome to a deadline that was met: {_num(board['lowest_p_met'], 4)}; "
        f"highest given to one that was missed: {_num(board['highest_p_missed'], 4)}.",
        "",
        "Entry into force: "
        f"{board['eif_projections']} monthly p50 projections, mean error "
        f"{_num(board['eif_mean_error_days'], 1)} days (positive: later than it happened), "
        f"mean absolute error {_num(board['eif_mean_abs_error_days'], 1)} days.",
        "",
        "## Reliability",
        "",
        "| chance given | forecasts | mean chance | share met |",
        "|---|---|---|---|",
    ]
    for row in board["reliability"]:
        lines.append(
            f"| {row['low']:.1f}-{row['high']:.1f} | {row['count']} | "
            f"{_num(row['mean_p'])} | {_num(row['observed'])} |"
        )
    lines += [
        "",
        "## By process",
        "",
        "| process | base rate (LOPO, at the end) | forecasts | Brier | Brier, base rate "
        "| p50 mean error (days) |",
        "|---|---|---|---|---|---|",
    ]
    for row in board["processes"]:
        lines.append(
            f"| {row['process']} | {_num(row['base_rate'])} | {row['forecasts']} | "
            f"{_num(row['brier'])} | {_num(row['brier_base'])} | "
            f"{_num(row['eif_mean_error_days'], 1)} |"
        )
    return "\n".join(lines) + "\n"


def run_library(args: argparse.Namespace) -> int:
    """Score the library and print (and keep) the scoreboard."""
    end = args.end or today()
    board = asyncio.run(score_library(end)).to_json()
    text = json.dumps(board, indent=2, ensure_ascii=False) + "\n"
    if args.save:
        Path(args.save).write_text(text, encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(markdown(board), encoding="utf-8")
    print(text if args.json else markdown(board), end="")
    return 0
