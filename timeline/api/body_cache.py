"""Built response bodies remembered by their strong ETag, per database, in each worker.

A feed's ETag is computed from the log before any event is loaded, and equal ETags mean equal
bytes (the builders are deterministic). So a body built once can be served again for the same
ETag without reading or serialising a single event: any change to the log changes the ETag and
the old entry is simply never asked for again (it ages out). Each worker keeps its own; nothing
is shared or persisted, so nothing can go stale across workers either.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict

from timeline.store.db import Database

__all__ = ["MAX_BYTES", "BodyCache", "body_cache"]

MAX_BYTES = 64 * 1024 * 1024


class BodyCache:
    """A least-recently-used map of ETag -> (body, extra), bounded by total body bytes."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._size = 0

    def get(self, etag: str) -> tuple[bytes, str] | None:
        """The body stored for `etag` (and its companion text), or None."""
        found = self._entries.get(etag)
        if found is not None:
            self._entries.move_to_end(etag)
        return found

    def put(self, etag: str, body: bytes, extra: str = "") -> None:
        """Remember `body` for `etag`, forgetting the least recently used beyond the budget."""
        if len(body) > self.max_bytes:
            return
        old = self._entries.pop(etag, None)
        if old is not None:
            self._size -= len(old[0])
        self._entries[etag] = (body, extra)
        self._size += len(body)
        while self._size > self.max_bytes:
            _, (dropped, _) = self._entries.popitem(last=False)
            self._size -= len(dropped)


_caches: weakref.WeakKeyDictionary[Database, dict[str, BodyCache]] = weakref.WeakKeyDictionary()


def body_cache(db: Database, kind: str) -> BodyCache:
    """The cache of `kind` bodies (e.g. "ics") for this database, in this worker."""
    return _caches.setdefault(db, {}).setdefault(kind, BodyCache())
