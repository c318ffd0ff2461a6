"""Rate limits: writes per token and reads per client address, in fixed one-minute windows.

Litestar's own limiter counts per process; several workers (or machines) sharing one database
must agree, so the counters live in the `rate_limit_buckets` table and are advanced by one
atomic upsert (`timeline.store.rate_limits.add_hits`).

- Writes (POST, PUT, PATCH, DELETE) are counted per bearer token (by its SHA-256), once the
  token is verified in the same transaction that counts it; requests without a token, or with
  one that is neither the admin token nor a stored one, share their client address's
  anonymous budget (random tokens buy no fresh budget, and add no counter rows). Every write
  goes to the database first: the limit is exact across workers.
- Reads are many and cheap, and making each one a database write (on SQLite a serialized,
  fsynced transaction) would cost more than the read itself. Each worker therefore counts reads
  in memory and adds them to the shared counter in batches: as soon as it has `limit // 20`
  unsent reads for a client, or a second after it last sent (or first counted that client in
  the window). Its decision uses the shared total
  it last saw plus its own unsent reads. One worker is exact; N workers together can let through
  at most about N x batch (5% of the limit each) more reads than the limit before all of them
  see the total. That is the trade-off: a bounded overshoot on reads for one database round
  trip per client per second instead of one per read.

Responses that were counted carry `RateLimit: limit=L, remaining=R, reset=S` and
`RateLimit-Policy: L;w=60` (draft-ietf-httpapi-ratelimit-headers-07); refusals are a 429
problem+json with `Retry-After` (seconds until the window ends). A limit of 0 turns that kind of
limit off. `/healthz`, `/readyz` and `/metrics` are never counted.

The common path allocates nothing per request beyond the RateLimit header's text: a client's
local counter is found by its address string as the server gives it, and the policy header is
built once per limit.
"""

from __future__ import annotations

import hmac
import math
import time
from dataclasses import dataclass
from typing import NamedTuple

from litestar.types import Scope
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.api.auth import bearer_secret, header_value
from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.rate_limits import add_hits, prune_windows
from timeline.store.tokens import find_token, hash_token

__all__ = ["UNCOUNTED_PATHS", "WINDOW_SECONDS", "WRITE_METHODS", "RateLimiter", "Verdict"]

WINDOW_SECONDS = 60
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNCOUNTED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_FLUSH_SECONDS = 1.0


def client_address(scope: Scope) -> str:
    """The client's address as the server reports it ("unknown" when it gives none)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


@dataclass(slots=True)
class _LocalReads:
    """One worker's view of a client's reads in the current window."""

    key: str  # the shared counter's key
    window: int
    sent_at: float  # when this worker last sent (or first counted) this client's reads
    shared: int = 0  # the shared total last returned by the database
    pending: int = 0  # reads admitted here and not yet added to the shared total


class Verdict(NamedTuple):
    """A counted request: its limit, its count in the window, and the window's times (a named
    tuple: built on every counted request, at a third of a frozen dataclass's cost)."""

    limit: int
    hits: int  # this request included
    window: int
    now: float

    @property
    def allowed(self) -> bool:
        """Whether the request is within its limit."""
        return self.hits <= self.limit

    @property
    def reset(self) -> int:
        """Seconds until the window ends (at least 1)."""
        return max(1, math.ceil(self.window + WINDOW_SECONDS - self.now))

    def headers(self, policy: bytes) -> tuple[tuple[bytes, bytes], tuple[bytes, bytes]]:
        """The RateLimit and RateLimit-Policy headers of the answer."""
        remaining = self.limit - self.hits
        value = b"limit=%d, remaining=%d, reset=%d" % (self.limit, max(0, remaining), self.reset)
        return (b"ratelimit", value), (b"ratelimit-policy", policy)

    def detail(self) -> str:
        """What a 429 says."""
        return (
            f"more than {self.limit} requests of this kind in {WINDOW_SECONDS} seconds; "
            f"retry in {self.reset} seconds"
        )


async def verified_writer(session: AsyncSession, settings: Settings, secret: str) -> str | None:
    """The stored form (SHA-256) of `secret` when it is the admin token or a stored token; None
    for anything else, which the write's handler will refuse with 401."""
    admin = settings.admin_token
    if admin and hmac.compare_digest(secret.encode(), admin.encode()):
        return hash_token(secret)
    found = await find_token(session, secret)
    return None if found is None else found[0].token_hash


class RateLimiter:
    """Counts one worker's requests against the settings' limits.

    One instance serves one application (one worker); its in-memory read counters are that
    worker's share of the batching described in the module docstring.
    """

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self._reads: dict[str, _LocalReads] = {}
        self._window = 0
        self._policies: dict[int, bytes] = {}

    def policy(self, limit: int) -> bytes:
        """The RateLimit-Policy value of `limit`, built once."""
        value = self._policies.get(limit)
        if value is None:
            value = self._policies[limit] = f"{limit};w={WINDOW_SECONDS}".encode()
        return value

    async def _window_of(self, now: float) -> int:
        window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        if window != self._window:
            await self._new_window(window, first=self._window == 0)
        return window

    async def charge_write(
        self, scope: Scope, *, verify: bool
    ) -> tuple[Verdict | None, str | None]:
        """Charge a write to its verified token (else to its address's anonymous budget).

        Returns the verdict (None when write limits are off) and the verified token's hash
        (None without a valid token; only looked up when the limit is on or `verify` asks).
        """
        headers = scope["headers"]
        secret = bearer_secret(header_value(headers, b"authorization"))
        limit = self.settings.write_rate_per_minute
        if limit <= 0:
            if secret is None or not verify:
                return None, None
            async with self.db.read() as session:
                return None, await verified_writer(session, self.settings, secret)
        now = time.time()
        window = await self._window_of(now)
        async with self.db.write(bookkeeping=True) as session:
            writer = None
            if secret is not None:
                writer = await verified_writer(session, self.settings, secret)
            if writer is not None:
                key = "write:" + writer
            else:
                key = "write-anonymous:" + client_address(scope)
            count = await add_hits(session, key, window)
        return Verdict(limit=limit, hits=count, window=window, now=now), writer

    async def charge_read(self, scope: Scope) -> Verdict | None:
        """Charge a read to its client address (batched, see the module docstring); None when
        read limits are off."""
        limit = self.settings.read_rate_per_minute
        if limit <= 0:
            return None
        now = time.time()
        window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        if window != self._window:
            await self._new_window(window, first=self._window == 0)
        client = scope.get("client")
        address = client[0] if client else "unknown"
        entry = self._reads.get(address)
        if entry is None or entry.window != window:
            # The first send waits for a batch or a second, like every later one: a client's
            # first read is not held up by a database write (the overshoot bound is the same).
            entry = self._reads[address] = _LocalReads("read:" + str(address), window, now)
        if entry.shared + entry.pending >= limit:
            # Counts only grow within a window: a refusal needs no fresh look.
            return Verdict(limit, entry.shared + entry.pending + 1, window, now)
        entry.pending += 1
        seen = entry.shared + entry.pending
        if entry.pending >= max(1, limit // 20) or now - entry.sent_at >= _FLUSH_SECONDS:
            hits, entry.pending, entry.sent_at = entry.pending, 0, now
            async with self.db.write(bookkeeping=True) as session:
                total = await add_hits(session, entry.key, window, hits)
            # Reads admitted here while the batch was in flight are still in `pending`.
            entry.shared = max(entry.shared, total)
            seen = entry.shared + entry.pending
        return Verdict(limit, seen, window, now)

    async def _new_window(self, window: int, *, first: bool) -> None:
        # Forget the last window's local counts and, once a minute per worker, the shared
        # counters of clients that have gone quiet. A worker's first request does not prune:
        # it would wait on a write for rows the next minute's pruning removes just as well.
        self._window = window
        self._reads = {k: v for k, v in self._reads.items() if v.window == window}
        if first:
            return
        async with self.db.write(bookkeeping=True) as session:
            await prune_windows(session, window - WINDOW_SECONDS)
