"""The analyses as an application service: for one process and one day, load what the deadline
risk and entry-into-force models need (through `timeline.store`), run the pure models in
`timeline.domain`, and return plain dataclasses whose `to_json()` is exactly the API body.

Results are cached per database in a small in-memory LRU (`CACHE_SIZE` entries per analysis
kind) keyed by (process, as_of, event log version, item log version): any recorded change to the
process's events or items raises a log version, so a cached answer is never stale. The log
versions are read on every call (one cheap query); only the load and the model are skipped on a
hit. Each server worker keeps its own cache; nothing is shared or persisted.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from timeline.domain.eif import EifReport
from timeline.domain.eif import assess_entry_into_force as eif_model
from timeline.domain.risk import MODEL, DeadlineRisk, assess_deadlines
from timeline.store import events as event_store
from timeline.store.analysis import analysis_log_version, event_status_changes
from timeline.store.db import Database
from timeline.store.items import item_states
from timeline.store.processes import get_process

__all__ = [
    "CACHE_SIZE",
    "EifAnalysis",
    "EifReport",
    "RiskReport",
    "analysis_version",
    "assess_entry_into_force",
    "assess_risks",
]

CACHE_SIZE = 128
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RiskReport:
    """Every deadline of one process assessed on `as_of`."""

    process: str
    as_of: dt.date
    deadlines: tuple[DeadlineRisk, ...]
    log_version: str = ""  # the `analysis_version` it was computed from (not in the body)
    model: str = MODEL

    def to_json(self) -> dict[str, Any]:
        """Exactly the body of `GET .../risks`."""
        return {
            "as_of": self.as_of.isoformat(),
            "model": self.model,
            "deadlines": [d.to_json() for d in self.deadlines],
        }


@dataclass(frozen=True, slots=True)
class EifAnalysis:
    """The entry-into-force view of one process, with the log version it was computed from."""

    process: str
    report: EifReport
    log_version: str

    def to_json(self) -> dict[str, Any]:
        """Exactly the body of `GET .../entry-into-force`."""
        return self.report.to_json()


class _LRU(Generic[T]):
    """A bounded mapping that forgets the least recently used entry first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], T] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> T | None:
        value = self.entries.get(key)
        if value is not None:
            self.entries.move_to_end(key)
        return value

    def put(self, key: tuple[Any, ...], value: T) -> None:
        self.entries[key] = value
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


_risk_caches: weakref.WeakKeyDictionary[Database, _LRU[RiskReport]] = weakref.WeakKeyDictionary()
_eif_caches: weakref.WeakKeyDictionary[Database, _LRU[EifAnalysis]] = weakref.WeakKeyDictionary()


async def analysis_version(db: Database, slug: str) -> str:
    """The log version the analyses of `slug` depend on (event and item revisions).

    NotFound when there is no such process. Used in cache keys and ETags.
    """
    async with db.read() as session:
        process = await get_process(session, slug)
        return await analysis_log_version(session, process)


async def assess_risks(db: Database, slug: str, as_of: dt.date) -> RiskReport:
    """Every deadline of process `slug` assessed with what was known on `as_of`.

    NotFound when there is no such process. Deterministic: the same log and day give an equal
    report (and identical `to_json()` bytes).
    """
    version = await analysis_version(db, slug)
    cache = _risk_caches.setdefault(db, _LRU(CACHE_SIZE))
    key = (slug, as_of, version)
    cached = cache.get(key)
    if cached is not None:
        return cached
    async with db.read() as session:
        process = await get_process(session, slug)
        events = await event_store.event_states(
            session, [process], event_store.EventFilter(), as_of=as_of
        )
        items = await item_states(session, process, as_of)
        changes = await event_status_changes(session, process, as_of)
    report = RiskReport(
        slug, as_of, tuple(assess_deadlines(events, items, as_of, changes)), version
    )
    cache.put(key, report)
    return report


async def assess_entry_into_force(db: Database, slug: str, as_of: dt.date) -> EifAnalysis:
    """The entry-into-force view of process `slug` with what was known on `as_of`.

    NotFound when there is no such process. Deterministic, like `assess_risks`.
    """
    version = await analysis_version(db, slug)
    cache = _eif_caches.setdefault(db, _LRU(CACHE_SIZE))
    key = (slug, as_of, version)
    cached = cache.get(key)
    if cached is not None:
        return cached
    async with db.read() as session:
        process = await get_process(session, slug)
        events = await event_store.event_states(
            session, [process], event_store.EventFilter(), as_of=as_of
        )
    analysis = EifAnalysis(slug, eif_model(events, as_of), version)
    cache.put(key, analysis)
    return analysis
