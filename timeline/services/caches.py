"""Per-worker caches of feed answers: validators by URL and built bodies by their strong ETag.

Calendar apps poll the same feed URLs over and over, and almost every poll is answered 304.
Computing the validators needs a look at the log (a database round trip), which was nearly all
of a 304's cost. So a worker keeps the validators it last computed for each URL and serves them
again without asking the database while both hold:

- no write transaction has run in this process since they were computed (`Database.generation`:
  a write through this worker is seen by its very next request);
- they were computed less than `recheck_seconds` ago, which bounds how long a write made by
  another worker or process can go unseen here. Feeds already tell clients `max-age=300`, so a
  few seconds more on the server is well inside what every subscriber was promised.

`recheck_seconds = 0` turns this off: every request then looks at the log.

A feed's ETag is computed from the log before any event is loaded, and equal ETags mean equal
bytes (the builders are deterministic). So a body built once can be served again for the same
ETag without reading or serialising a single event: any change to the log changes the ETag and
the old entry is simply never asked for again (it ages out). Each worker keeps its own; nothing
is shared or persisted, so nothing can go stale across workers either.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass

from cachetools import LRUCache

from timeline.store.db import Database

__all__ = [
    "MAX_BYTES",
    "MAX_ENTRIES",
    "BodyCache",
    "CacheReport",
    "ValidatorCache",
    "Validators",
    "body_cache",
    "cache_reports",
    "validator_cache",
]

MAX_ENTRIES = 4096
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional GET of one feed URL is answered from."""

    etag: str
    last_modified: dt.datetime


@dataclass(frozen=True, slots=True)
class CacheReport:
    """What one cache holds (entries, or bytes for bodies) and how often it answered."""

    size: int
    hits: int
    misses: int


@dataclass(frozen=True, slots=True)
class _Entry:
    validators: Validators
    generation: int
    checked_at: float


class ValidatorCache:
    """Validators by URL, trusted for `recheck_seconds` and only while the generation holds."""

    def __init__(self, recheck_seconds: float, max_entries: int = MAX_ENTRIES) -> None:
        self.recheck_seconds = recheck_seconds
        self._entries: LRUCache[str, _Entry] = LRUCache(maxsize=max_entries)
        # Plain ints: /metrics reads them at scrape time, a lookup pays one addition.
        self.hits = 0
        self.misses = 0

    def get(self, url: str, generation: int, now: float) -> Validators | None:
        """The validators of `url` if they were computed at `generation` less than
        `recheck_seconds` before `now` (a monotonic clock reading); otherwise None."""
        entry = self._entries.get(url)
        if entry is None:
            self.misses += 1
            return None
        if entry.generation != generation or not 0 <= now - entry.checked_at < self.recheck_seconds:
            del self._entries[url]
            self.misses += 1
            return None
        self.hits += 1
        return entry.validators

    def report(self) -> CacheReport:
        """Entries held, hits and misses so far."""
        return CacheReport(len(self._entries), self.hits, self.misses)

    def put(self, url: str, validators: Validators, generation: int, checked_at: float) -> None:
        """Remember `validators` for `url`, computed from data read after `generation` was
        taken and at `checked_at`; the least recently used entries beyond the bound go."""
        if self.recheck_seconds > 0:
            self._entries[url] = _Entry(validators, generation, checked_at)


def _body_size(entry: tuple[bytes, str]) -> int:
    return len(entry[0])


class BodyCache:
    """A least-recently-used map of ETag -> (body, extra), bounded by total body bytes."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._entries: LRUCache[str, tuple[bytes, str]] = LRUCache(
            maxsize=max_bytes, getsizeof=_body_size
        )
        self.hits = 0
        self.misses = 0

    def get(self, etag: str) -> tuple[bytes, str] | None:
        """The body stored for `etag` (and its companion text), or None."""
        found = self._entries.get(etag)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def report(self) -> CacheReport:
        """Bytes held, hits and misses so far."""
        return CacheReport(int(self._entries.currsize), self.hits, self.misses)

    def put(self, etag: str, body: bytes, extra: str = "") -> None:
        """Remember `body` for `etag`, forgetting the least recently used beyond the budget;
        a body larger than the whole budget is not kept."""
        if len(body) <= self._entries.maxsize:
            self._entries[etag] = (body, extra)


_validators: weakref.WeakKeyDictionary[Database, ValidatorCache] = weakref.WeakKeyDictionary()
_bodies: weakref.WeakKeyDictionary[Database, dict[str, BodyCache]] = weakref.WeakKeyDictionary()


def validator_cache(db: Database, recheck_seconds: float) -> ValidatorCache:
    """This worker's validator cache for `db` (its window follows the latest setting)."""
    cache = _validators.get(db)
    if cache is None:
        cache = _validators[db] = ValidatorCache(recheck_seconds)
    cache.recheck_seconds = recheck_seconds
    return cache


def body_cache(db: Database, kind: str) -> BodyCache:
    """The cache of `kind` bodies (e.g. "ics") for this database, in this worker."""
    return _bodies.setdefault(db, {}).setdefault(kind, BodyCache())


def cache_reports(db: Database) -> dict[str, CacheReport]:
    """Each of this worker's feed caches for `db` by name, with its size, hits and misses."""
    reports: dict[str, CacheReport] = {}
    validators = _validators.get(db)
    if validators is not None:
        reports["feed_validators"] = validators.report()
    for kind, bodies in _bodies.get(db, {}).items():
        reports[f"feed_bodies_{kind}_bytes"] = bodies.report()
    return reports
