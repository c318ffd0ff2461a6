"""The library backtest: the scoreboard beats the base rate leaving each process out, never
gives a met deadline under 3% or a missed one over 97% before the outcome, and is what the
repository keeps (docs/forecasts.md, timeline/reference/forecasts.json)."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from timeline.commands.backtest_library import markdown
from timeline.domain.endings import base_rate
from timeline.services.library_backtest import score_library

END = dt.date(2026, 12, 1)  # the day the kept scoreboard was made up to
DOCS = Path(__file__).resolve().parents[2] / "docs" / "forecasts.md"


@pytest.fixture(scope="module")
async def board() -> dict[str, Any]:
    return (await score_library(END)).to_json()


async def test_the_model_beats_the_base_rate_leaving_each_process_out(
    board: dict[str, Any],
) -> None:
    assert board["forecasts"] > 100 and board["deadlines"] >= 10
    assert board["brier"] < board["brier_base"]
    assert board["log_loss"] < board["log_loss_base"]
    # Thresholds reached within a year: better on Brier; the log loss is worse than the base
    # rate's (a few near-zero chances for waves that came), as docs/forecasts.md says.
    thresholds = board["thresholds"]
    assert thresholds["forecasts"] > 100
    assert thresholds["brier"] < thresholds["brier_base"]


async def test_no_forecast_before_the_outcome_is_near_certain_and_wrong(
    board: dict[str, Any],
) -> None:
    assert board["lowest_p_met"] >= 0.03
    assert board["highest_p_missed"] <= 0.97


async def test_each_base_rate_leaves_its_own_process_out(board: dict[str, Any]) -> None:
    rows = {row["process"]: row for row in board["processes"]}
    # The library's 14 decided deadlines: the demo's one missed, then 9 met and 4 missed.
    assert rows["ahc-cybercrime"]["base_rate"] == round(base_rate(9, 4), 4)
    assert rows["wipo-broadcasting"]["base_rate"] == round(base_rate(9, 4), 4)
    assert rows["arms-trade-treaty"]["base_rate"] == round(base_rate(9, 3), 4)
    assert rows["minamata"]["base_rate"] == round(base_rate(7, 5), 4)
    assert rows["un-tax-convention"]["forecasts"] == 0  # running: nothing to score yet


async def test_the_repository_keeps_this_scoreboard(board: dict[str, Any]) -> None:
    kept = resources.files("timeline.reference").joinpath("forecasts.json").read_text("utf-8")
    assert json.loads(kept) == board
    assert DOCS.read_text(encoding="utf-8") == markdown(board)
