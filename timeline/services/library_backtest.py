"""The library backtest: replay every negotiation of the library month by month and score it.

Every data set shipped in `timeline/seed` is loaded into a scratch SQLite database, then each
process is assessed on the first day of every month from its first public fact to `end`, with
what was known on that day. Each deadline still open on a step gives one forecast (its
`p_meet`), scored against how the deadline ended as replayed on `end`. The base rate for
concluding sessions is refitted for each process and step from the other processes' outcomes
known that day only (leave one process out, and no look-ahead), and the same refitted rate,
given every time, is the baseline the model must beat. Entry-into-force projections are scored
by the days between their p50 and the date the treaty entered into force, and by their chance
of reaching the threshold within a year (`HORIZON_DAYS`) against the share of such forecasts
that came true in the other processes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from timeline.domain.endings import base_rate, base_rate_known
from timeline.domain.scoring import Bin, Forecast, brier, log_loss, reliability
from timeline.seed import load_seed
from timeline.seed.dataset import available, read_dataset
from timeline.services.analysis import replay
from timeline.store import migrate
from timeline.store.db import Database

__all__ = ["KEPT_SCOREBOARD", "LibraryScore", "ProcessScore", "kept_scoreboard", "score_library"]

# Where `timeline backtest --library --save` keeps the scoreboard the `/forecasts` page shows.
KEPT_SCOREBOARD = "forecasts.json"

_DECIDED = frozenset({"met", "missed"})
HORIZON_DAYS = 365  # threshold forecasts: reached within a year of the step?


@dataclass(frozen=True, slots=True)
class ProcessScore:
    """One process's share of the scoreboard."""

    process: str
    base_rate: float  # refitted without this process, with every outcome known on `end`
    forecasts: int
    brier: float | None
    brier_base: float | None
    eif_errors: tuple[int, ...]  # p50 minus the actual entry into force, in days

    def to_json(self) -> dict[str, Any]:
        """The row as a plain mapping."""
        return {
            "process": self.process,
            "base_rate": round(self.base_rate, 4),
            "forecasts": self.forecasts,
            "brier": _r(self.brier),
            "brier_base": _r(self.brier_base),
            "eif_projections": len(self.eif_errors),
            "eif_mean_error_days": _mean(self.eif_errors),
        }


@dataclass(frozen=True, slots=True)
class LibraryScore:
    """The scoreboard: the model against the base rate, over every process of the library."""

    end: dt.date
    processes: tuple[ProcessScore, ...]
    forecasts: tuple[Forecast, ...]
    baseline: tuple[Forecast, ...]
    eif_errors: tuple[int, ...] = field(default=())
    thresholds: tuple[Forecast, ...] = field(default=())
    thresholds_base: tuple[Forecast, ...] = field(default=())

    @property
    def reliability(self) -> list[Bin]:
        """The model's reliability table."""
        return reliability(self.forecasts)

    def to_json(self) -> dict[str, Any]:
        """The scoreboard as kept in the docs and shown on `/forecasts`."""
        met = [f.p for f in self.forecasts if f.met]
        missed = [f.p for f in self.forecasts if not f.met]
        return {
            "end": self.end.isoformat(),
            "forecasts": len(self.forecasts),
            "deadlines": len({(f.process, f.deadline) for f in self.forecasts}),
            "brier": _r(brier(self.forecasts)),
            "brier_base": _r(brier(self.baseline)),
            "log_loss": _r(log_loss(self.forecasts)),
            "log_loss_base": _r(log_loss(self.baseline)),
            "lowest_p_met": min(met, default=None),
            "highest_p_missed": max(missed, default=None),
            "eif_projections": len(self.eif_errors),
            "eif_mean_error_days": _mean(self.eif_errors),
            "eif_mean_abs_error_days": _mean([abs(e) for e in self.eif_errors]),
            "thresholds": {
                "horizon_days": HORIZON_DAYS,
                "forecasts": len(self.thresholds),
                "brier": _r(brier(self.thresholds)),
                "brier_base": _r(brier(self.thresholds_base)),
                "log_loss": _r(log_loss(self.thresholds)),
                "log_loss_base": _r(log_loss(self.thresholds_base)),
            },
            "reliability": [b.to_json() for b in reliability(self.forecasts)],
            "reliability_base": [b.to_json() for b in reliability(self.baseline)],
            "processes": [p.to_json() for p in self.processes],
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _mean(values: tuple[int, ...] | list[int]) -> float | None:
    return round(math.fsum(values) / len(values), 1) if values else None


def _months(first: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month after `first`, up to `end`."""
    year, month = first.year, first.month
    days: list[dt.date] = []
    while True:
        month += 1
        if month == 13:
            year, month = year + 1, 1
        day = dt.date(year, month, 1)
        if day > end:
            return days
        days.append(day)


async def score_library(end: dt.date, names: list[str] | None = None) -> LibraryScore:
    """Replay the library (every data set, or `names`) up to `end` and score it (see the module
    notes). Works in a scratch SQLite database that is removed afterwards."""
    names = names if names is not None else available()
    with tempfile.TemporaryDirectory(prefix="timeline-backtest-") as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'library.db'}"
        await migrate.upgrade(url)
        db = Database(url)
        try:
            return await _score(db, names, end)
        finally:
            await db.dispose()


async def _score(db: Database, names: list[str], end: dt.date) -> LibraryScore:
    slugs: dict[str, str] = {}
    firsts: dict[str, dt.date] = {}
    for name in names:
        data = read_dataset(name)
        await load_seed(db, name)
        slugs[name] = str(data.process["slug"])
        firsts[name] = min(e.known_on for e in data.events)
    # How each deadline ended, and when each treaty entered into force, as replayed on `end`.
    outcomes: dict[str, dict[str, str]] = {}
    in_force: dict[str, dt.date | None] = {}
    reached: dict[str, dt.date | None] = {}
    thresholds: dict[str, list[Forecast]] = {}
    for name in names:
        risks, eif, _ = await replay(db, slugs[name], end, base_rate=0.5)
        outcomes[name] = {r.event.id: r.status for r in risks if r.status in _DECIDED}
        in_force[name] = eif.entry_into_force
        reached[name] = eif.reached_on
    rows: list[ProcessScore] = []
    model: list[Forecast] = []
    baseline: list[Forecast] = []
    all_errors: list[int] = []
    for name in names:
        mine: list[Forecast] = []
        base: list[Forecast] = []
        errors: list[int] = []
        for day in _months(firsts[name], end):
            rate = base_rate_known(day, leave_out=name)
            risks, eif, reach = await replay(db, slugs[name], day, base_rate=rate)
            horizon = day + dt.timedelta(days=HORIZON_DAYS)
            got = reached[name]
            hit = got is not None and got <= horizon
            if reach is not None and (hit or horizon <= end):
                thresholds.setdefault(name, []).append(
                    Forecast(name, "threshold within a year", day.isoformat(), reach, hit)
                )
            for risk in risks:
                final = outcomes[name].get(risk.event.id)
                if final is None or risk.status in _DECIDED or risk.p_meet is None:
                    continue
                met = final == "met"
                mine.append(Forecast(name, risk.event.title, day.isoformat(), risk.p_meet, met))
                base.append(Forecast(name, risk.event.title, day.isoformat(), rate, met))
            actual = in_force[name]
            if actual is not None and eif.projection is not None and eif.projection.p50:
                errors.append((eif.projection.p50 - actual).days)
        rate = base_rate_known(end, leave_out=name)
        rows.append(ProcessScore(name, rate, len(mine), brier(mine), brier(base), tuple(errors)))
        model += mine
        baseline += base
        all_errors += errors
    # The threshold baseline: the share of the other processes' threshold forecasts that came
    # true, with one success and one failure added (leave one process out, as above).
    mine_t: list[Forecast] = []
    base_t: list[Forecast] = []
    for name, made in thresholds.items():
        others_t = [f.met for n, fs in thresholds.items() if n != name for f in fs]
        share = base_rate(others_t.count(True), others_t.count(False))
        mine_t += made
        base_t += [Forecast(f.process, f.deadline, f.as_of, share, f.met) for f in made]
    return LibraryScore(
        end,
        tuple(rows),
        tuple(model),
        tuple(baseline),
        tuple(all_errors),
        tuple(mine_t),
        tuple(base_t),
    )


@lru_cache(maxsize=1)
def kept_scoreboard() -> dict[str, Any]:
    """The scoreboard kept in `timeline/reference/forecasts.json` (as `LibraryScore.to_json`
    gives it), with the points of its reliability diagram: per range of chance with forecasts,
    `x` the mean chance given and `y` the share met, both in [0, 1], for the model and the base
    rate. Read once per worker: it changes only with a release."""
    text = resources.files("timeline.reference").joinpath(KEPT_SCOREBOARD).read_text("utf-8")
    board: dict[str, Any] = json.loads(text)

    def points(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {"x": r["mean_p"], "y": r["observed"], "count": r["count"]} for r in rows if r["count"]
        ]

    board["points"] = points(board["reliability"])
    board["points_base"] = points(board["reliability_base"])
    return board
