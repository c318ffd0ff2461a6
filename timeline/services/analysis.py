"""The analyses service: deadline risks and entry into force of one process on one day.

For one process and one day, load what the deadline risk and entry-into-force models need
(through `timeline.store`), run the pure models in `timeline.domain`, and return plain
dataclasses whose `to_json()` is exactly the API body.

Two caches per database, per server worker (nothing shared or persisted):

* **Answers** (`CACHE_SIZE` per analysis kind, least recently used first out), keyed by
  (process, as_of, the `KnownStamp` of as_of): the newest id and the count of the event and of
  the item revisions known on or before as_of. Those revisions are all an answer depends on,
  and the logs only grow, so the stamp moves exactly when an answer can: a change made public
  after as_of (or to another process) leaves the answer cached, a change known by then never
  lets a stale one be served. The stamps are read on every call (one statement).
* **Inputs** (`INPUTS_CACHE_SIZE` (process, as_of) pairs): the event states replayed as of the
  day, the items and the status changes, with the log positions they reflect. A miss in the
  answers brings them up to date by reading only the revisions recorded since (see
  `timeline.store.analysis`), then runs the models in full on them.

Every read of one call happens in one snapshot, so the stamps, the revisions read and the
answer agree.
"""

from __future__ import annotations

import datetime as dt
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol, Self, TypeVar

import msgspec
from cachetools import LRUCache

from timeline.domain.eif import EifReport, reach_chance
from timeline.domain.eif import assess_entry_into_force as eif_model
from timeline.domain.risk import MODEL, DeadlineRisk, assess_deadlines
from timeline.store.analysis import (
    AnalysisInputs,
    analysis_stamps,
    one_snapshot,
    process_log_version,
    refresh_inputs,
)
from timeline.store.db import Database

__all__ = [
    "CACHE_SIZE",
    "INPUTS_CACHE_SIZE",
    "AnalysisCounts",
    "EifAnalysis",
    "EifReport",
    "RiskReport",
    "analysis_counts",
    "analysis_version",
    "assess_entry_into_force",
    "assess_risks",
    "replay",
]

CACHE_SIZE = 128
# Inputs weigh about as much as the process's log (2,000 events: a few MB); answers are small.
INPUTS_CACHE_SIZE = 8
_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True, slots=True)
class RiskReport:
    """Every deadline of one process assessed on `as_of`."""

    process: str
    as_of: dt.date
    deadlines: tuple[DeadlineRisk, ...]
    log_version: str = ""  # the `analysis_version` of the log it was served from (not in the body)
    model: str = MODEL

    def served_from(self, log_version: str) -> RiskReport:
        """The same report, labelled with another log version it answers for."""
        return replace(self, log_version=log_version)

    def to_json(self) -> dict[str, Any]:
        """Exactly the body of `GET .../risks`."""
        return {
            "as_of": self.as_of.isoformat(),
            "model": self.model,
            "deadlines": [d.to_json() for d in self.deadlines],
        }

    def to_json_bytes(self) -> bytes:
        """`to_json()` encoded as the API sends it, to the byte."""
        # the assessments are msgspec structs: encoded as they are, with no dict in between
        return _encode({"as_of": self.as_of, "model": self.model, "deadlines": self.deadlines})


@dataclass(frozen=True, slots=True)
class EifAnalysis:
    """The entry-into-force view of one process, with the log version it was served from."""

    process: str
    report: EifReport
    log_version: str

    def served_from(self, log_version: str) -> EifAnalysis:
        """The same view, labelled with another log version it answers for."""
        return replace(self, log_version=log_version)

    def to_json(self) -> dict[str, Any]:
        """Exactly the body of `GET .../entry-into-force`."""
        return self.report.to_json()

    def to_json_bytes(self) -> bytes:
        """`to_json()` encoded as the API sends it, to the byte."""
        return _encode(self.to_json())


class _Answer(Protocol):
    @property
    def log_version(self) -> str: ...

    def served_from(self, log_version: str) -> Self: ...


A = TypeVar("A", bound=_Answer)
_Key = tuple[Any, ...]

_inputs_caches: weakref.WeakKeyDictionary[Database, LRUCache[_Key, AnalysisInputs]] = (
    weakref.WeakKeyDictionary()
)
_risk_caches: weakref.WeakKeyDictionary[Database, LRUCache[_Key, RiskReport]] = (
    weakref.WeakKeyDictionary()
)
_eif_caches: weakref.WeakKeyDictionary[Database, LRUCache[_Key, EifAnalysis]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(slots=True)
class AnalysisCounts:
    """How one analysis of this worker was answered: from its cache, or computed (and in how
    many seconds of computation, the database reads not included)."""

    hits: int = 0
    misses: int = 0
    seconds: float = 0.0


# Plain numbers per worker, read by /metrics at scrape time.
_counts: dict[str, AnalysisCounts] = {"risks": AnalysisCounts(), "eif": AnalysisCounts()}


def analysis_counts() -> dict[str, AnalysisCounts]:
    """This worker's counts by analysis ("risks", "eif"), as they are now."""
    return {name: replace(counts) for name, counts in _counts.items()}


async def analysis_version(db: Database, slug: str) -> str:
    """The log version the analyses of `slug` depend on (event and item revisions).

    NotFound when there is no such process. Used in ETags.
    """
    async with db.read() as session:
        return await process_log_version(session, slug)


async def _answer(
    db: Database,
    slug: str,
    as_of: dt.date,
    answers: weakref.WeakKeyDictionary[Database, LRUCache[_Key, A]],
    compute: Callable[[AnalysisInputs, str], A],
    counts: AnalysisCounts,
) -> A:
    """The cached answer for (process, as_of, what is known on as_of), else `compute` run on
    the inputs brought up to date; either way labelled with the log version read now."""
    cache = answers.setdefault(db, LRUCache(CACHE_SIZE))
    inputs_cache = _inputs_caches.setdefault(db, LRUCache(INPUTS_CACHE_SIZE))
    async with db.read() as session:
        await one_snapshot(session)
        stamps = await analysis_stamps(session, slug, as_of)
        key = (stamps.process_id, as_of, stamps.known)
        cached = cache.get(key)
        if cached is not None:
            counts.hits += 1
            if cached.log_version != stamps.version:
                # same answer, later log: label it with the version it is now served from
                cached = cached.served_from(stamps.version)
                cache[key] = cached
            return cached
        previous = inputs_cache.get((stamps.process_id, as_of))
        inputs = await refresh_inputs(session, stamps, previous)
    inputs_cache[stamps.process_id, as_of] = inputs
    counts.misses += 1
    started = time.perf_counter()
    answer = compute(inputs, stamps.version)
    counts.seconds += time.perf_counter() - started
    # keyed by what the inputs hold (the same stamp, read in the same snapshot)
    cache[stamps.process_id, as_of, inputs.known] = answer
    return answer


async def assess_risks(db: Database, slug: str, as_of: dt.date) -> RiskReport:
    """Every deadline of process `slug` assessed with what was known on `as_of`.

    NotFound when there is no such process. Deterministic: the same log and day give an equal
    report (and identical `to_json()` bytes).
    """

    def compute(inputs: AnalysisInputs, version: str) -> RiskReport:
        risks = assess_deadlines(inputs.events, inputs.items, as_of, inputs.status_changes)
        return RiskReport(slug, as_of, tuple(risks), version)

    return await _answer(db, slug, as_of, _risk_caches, compute, _counts["risks"])


async def assess_entry_into_force(db: Database, slug: str, as_of: dt.date) -> EifAnalysis:
    """The entry-into-force view of process `slug` with what was known on `as_of`.

    NotFound when there is no such process. Deterministic, like `assess_risks`.
    """

    def compute(inputs: AnalysisInputs, version: str) -> EifAnalysis:
        return EifAnalysis(slug, eif_model(inputs.events, as_of), version)

    return await _answer(db, slug, as_of, _eif_caches, compute, _counts["eif"])


async def replay(
    db: Database, slug: str, as_of: dt.date, *, base_rate: float, horizon_days: int = 365
) -> tuple[list[DeadlineRisk], EifReport, float | None]:
    """The deadline risks (with `base_rate` as the library's rate for concluding sessions), the
    entry-into-force view of `slug` on `as_of`, and the chance its threshold is reached within
    `horizon_days` (None without a rule or once reached), from what was known then; not cached.

    For `timeline backtest --library`, which refits the base rate leaving the process out.
    """
    async with db.read() as session:
        await one_snapshot(session)
        stamps = await analysis_stamps(session, slug, as_of)
        inputs = await refresh_inputs(session, stamps, None)
    risks = assess_deadlines(
        inputs.events, inputs.items, as_of, inputs.status_changes, base_rate=base_rate
    )
    reach = reach_chance(inputs.events, as_of, horizon_days)
    return risks, eif_model(inputs.events, as_of), reach
