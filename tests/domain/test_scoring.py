"""Scoring forecasts: hand-checked Brier scores, log losses and reliability tables."""

from __future__ import annotations

import math

from timeline.domain.scoring import Forecast, brier, log_loss, reliability


def f(p: float, met: bool) -> Forecast:
    return Forecast("p", "d", "2024-01-01", p, met)


def test_brier_is_the_mean_squared_gap() -> None:
    assert brier([f(0.5, True), f(0.25, False)]) == (0.25 + 0.0625) / 2
    assert brier([]) is None


def test_log_loss_clips_certain_chances_that_were_wrong() -> None:
    assert log_loss([f(0.5, True)]) == math.log(2)
    assert log_loss([f(0.0, True)]) == -math.log(1e-3)
    assert log_loss([]) is None


def test_reliability_groups_by_chance_and_counts_what_happened() -> None:
    table = reliability([f(0.05, False), f(0.15, True), f(0.12, False), f(1.0, True)])
    assert len(table) == 10
    assert (table[0].count, table[0].observed) == (1, 0.0)
    assert (table[1].count, table[1].mean_p, table[1].observed) == (2, 0.135, 0.5)
    assert (table[9].count, table[9].observed) == (1, 1.0)  # 1.0 falls in the last range
    assert table[5].count == 0 and table[5].mean_p is None
