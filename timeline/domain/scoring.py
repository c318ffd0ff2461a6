"""Scoring forecasts against what happened: Brier score, log loss and a reliability table.

Pure arithmetic on (chance, outcome) pairs; `timeline backtest --library` makes the pairs by
replaying the library of real negotiations month by month.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["LOG_LOSS_EPSILON", "Bin", "Forecast", "brier", "log_loss", "reliability"]

# A chance of exactly 0 or 1 that turns out wrong would make the log loss infinite; chances are
# clipped this far from the edges before the logarithm (a published p of 0 scores as 0.001).
LOG_LOSS_EPSILON = 1e-3


@dataclass(frozen=True, slots=True)
class Forecast:
    """One chance given on one day for one deadline, and whether the deadline was met."""

    process: str
    deadline: str
    as_of: str
    p: float
    met: bool

    def to_json(self) -> dict[str, Any]:
        """The forecast as a plain mapping, its fields in order."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Bin:
    """One row of a reliability table: forecasts with a chance in [low, high)."""

    low: float
    high: float
    count: int
    mean_p: float | None
    observed: float | None

    def to_json(self) -> dict[str, Any]:
        """The row as a plain mapping, its fields in order."""
        return asdict(self)


def brier(forecasts: Sequence[Forecast]) -> float | None:
    """The mean squared gap between chance and outcome (0 is perfect, 0.25 a coin); None for
    no forecasts."""
    if not forecasts:
        return None
    return math.fsum((f.p - (1.0 if f.met else 0.0)) ** 2 for f in forecasts) / len(forecasts)


def log_loss(forecasts: Sequence[Forecast]) -> float | None:
    """The mean negative log of the chance given to what happened (chances clipped by
    `LOG_LOSS_EPSILON`); None for no forecasts."""
    if not forecasts:
        return None
    total = 0.0
    for f in forecasts:
        p = min(1.0 - LOG_LOSS_EPSILON, max(LOG_LOSS_EPSILON, f.p))
        total -= math.log(p if f.met else 1.0 - p)
    return total / len(forecasts)


def reliability(forecasts: Sequence[Forecast], bins: int = 10) -> list[Bin]:
    """`bins` equal ranges of chance, each with how many forecasts fell in it, their mean
    chance and the share of them whose deadline was met (None where empty)."""
    grouped: list[list[Forecast]] = [[] for _ in range(bins)]
    for f in forecasts:
        grouped[min(bins - 1, int(f.p * bins))].append(f)
    table = []
    for index, group in enumerate(grouped):
        low, high = index / bins, (index + 1) / bins
        if not group:
            table.append(Bin(low, high, 0, None, None))
            continue
        mean = math.fsum(f.p for f in group) / len(group)
        observed = sum(1 for f in group if f.met) / len(group)
        table.append(Bin(low, high, len(group), round(mean, 4), round(observed, 4)))
    return table
