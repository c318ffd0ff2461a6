"""A feed's validators (ETag, Last-Modified), remembered per URL for a moment, in each worker.

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
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from timeline.store.db import Database

__all__ = ["MAX_ENTRIES", "ValidatorCache", "Validators", "validator_cache"]

MAX_ENTRIES = 4096


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional GET of one feed URL is answered from."""

    etag: str
    last_modified: dt.datetime


@dataclass(frozen=True, slots=True)
class _Entry:
    validators: Validators
    generation: int
    checked_at: float


class ValidatorCache:
    """Validators by URL, trusted for `recheck_seconds` and only while the generation holds."""

    def __init__(self, recheck_seconds: float, max_entries: int = MAX_ENTRIES) -> None:
        self.recheck_seconds = recheck_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def get(self, url: str, generation: int, now: float) -> Validators | None:
        """The validators of `url` if they were computed at `generation` less than
        `recheck_seconds` before `now` (a monotonic clock reading); otherwise None."""
        entry = self._entries.get(url)
        if entry is None:
            return None
        if entry.generation != generation or not 0 <= now - entry.checked_at < self.recheck_seconds:
            del self._entries[url]
            return None
        self._entries.move_to_end(url)
        return entry.validators

    def put(self, url: str, validators: Validators, generation: int, checked_at: float) -> None:
        """Remember `validators` for `url`, computed from data read after `generation` was
        taken and at `checked_at`; the least recently used entries beyond the bound go."""
        if self.recheck_seconds <= 0:
            return
        self._entries[url] = _Entry(validators, generation, checked_at)
        self._entries.move_to_end(url)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


_caches: weakref.WeakKeyDictionary[Database, ValidatorCache] = weakref.WeakKeyDictionary()


def validator_cache(db: Database, recheck_seconds: float) -> ValidatorCache:
    """This worker's validator cache for `db` (its window follows the latest setting)."""
    cache = _caches.setdefault(db, ValidatorCache(recheck_seconds))
    cache.recheck_seconds = recheck_seconds
    return cache
