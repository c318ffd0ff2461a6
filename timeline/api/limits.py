"""Rate limits: writes per token and reads per client address, in fixed one-minute windows.

Litestar's own limiter counts per process; several workers (or machines) sharing one database
must agree, so the counters live in the `rate_limit_buckets` table and are advanced by one
atomic upsert (`timeline.store.rate_limits.add_hits`).

- Writes (POST, PUT, PATCH, DELETE) are counted per bearer token (by its SHA-256; requests
  without one by client address) and every write goes to the database first: the limit is
  exact across workers.
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
limit off. `/healthz` and `/readyz` are never counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from timeline.api.auth import bearer_key
from timeline.api.problems import Problem, problem_type
from timeline.clock import utcnow
from timeline.settings import Settings
from timeline.store.db import Database
from timeline.store.rate_limits import add_hits, prune_windows

__all__ = ["WINDOW_SECONDS", "RateLimitMiddleware", "write_key"]

WINDOW_SECONDS = 60
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FLUSH_SECONDS = 1.0


def _client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def write_key(scope: Scope) -> str:
    """The counter a write is charged to: its bearer token's SHA-256 (the same hash the token
    table stores), else the client address."""
    token = bearer_key(scope)
    if token is not None:
        return "write:" + token
    return "write-anonymous:" + _client_address(scope)


@dataclass(slots=True)
class _LocalReads:
    """One worker's view of a client's reads in the current window."""

    window: int
    sent_at: float  # when this worker last sent (or first counted) this client's reads
    shared: int = 0  # the shared total last returned by the database
    pending: int = 0  # reads admitted here and not yet added to the shared total


@dataclass(frozen=True, slots=True)
class _Verdict:
    limit: int
    count: int
    window: int
    now: float

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    @property
    def reset(self) -> int:
        return max(1, math.ceil(self.window + WINDOW_SECONDS - self.now))

    def headers(self) -> list[tuple[bytes, bytes]]:
        remaining = max(0, self.limit - self.count)
        value = f"limit={self.limit}, remaining={remaining}, reset={self.reset}"
        return [
            (b"ratelimit", value.encode()),
            (b"ratelimit-policy", f"{self.limit};w={WINDOW_SECONDS}".encode()),
        ]


class RateLimitMiddleware(ASGIMiddleware):
    """Counts requests against the settings' limits and refuses the excess with 429.

    One instance serves one application (one worker); its in-memory read counters are that
    worker's share of the batching described in the module docstring.
    """

    scopes = (ScopeType.HTTP,)
    exclude_path_pattern = ("^/healthz$", "^/readyz$")

    def __init__(self) -> None:
        self._reads: dict[str, _LocalReads] = {}
        self._window = 0

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Charge the request to its counter, then pass it on or answer 429."""
        state = scope["app"].state
        settings: Settings = state.settings
        db: Database = state.db
        is_write = scope.get("method", "GET") in WRITE_METHODS
        limit = settings.write_rate_per_minute if is_write else settings.read_rate_per_minute
        if limit <= 0:
            await next_app(scope, receive, send)
            return
        now = utcnow().timestamp()
        window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        if window != self._window:
            await self._new_window(db, window, first=self._window == 0)
        if is_write:
            async with db.write(bookkeeping=True) as session:
                count = await add_hits(session, write_key(scope), window)
        else:
            count = await self._count_read(db, "read:" + _client_address(scope), window, limit, now)
        verdict = _Verdict(limit=limit, count=count, window=window, now=now)
        if not verdict.allowed:
            await _refuse(send, verdict)
            return
        await next_app(scope, receive, _with_headers(send, verdict.headers()))

    async def _new_window(self, db: Database, window: int, *, first: bool) -> None:
        # Forget the last window's local counts and, once a minute per worker, the shared
        # counters of clients that have gone quiet. A worker's first request does not prune:
        # it would wait on a write for rows the next minute's pruning removes just as well.
        self._window = window
        self._reads = {k: v for k, v in self._reads.items() if v.window == window}
        if first:
            return
        async with db.write(bookkeeping=True) as session:
            await prune_windows(session, window - WINDOW_SECONDS)

    async def _count_read(self, db: Database, key: str, window: int, limit: int, now: float) -> int:
        entry = self._reads.get(key)
        if entry is None or entry.window != window:
            # The first send waits for a batch or a second, like every later one: a client's
            # first read is not held up by a database write (the overshoot bound is the same).
            entry = self._reads[key] = _LocalReads(window=window, sent_at=now)
        if entry.shared + entry.pending >= limit:
            # Counts only grow within a window: a refusal needs no fresh look.
            return entry.shared + entry.pending + 1
        entry.pending += 1
        seen = entry.shared + entry.pending
        batch = max(1, limit // 20)
        if entry.pending >= batch or now - entry.sent_at >= _FLUSH_SECONDS:
            hits, entry.pending, entry.sent_at = entry.pending, 0, now
            async with db.write(bookkeeping=True) as session:
                total = await add_hits(session, key, window, hits)
            # Reads admitted here while the batch was in flight are still in `pending`.
            entry.shared = max(entry.shared, total)
            seen = entry.shared + entry.pending
        return seen


def _with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), *extra]
        await send(message)

    return wrapped


async def _refuse(send: Send, verdict: _Verdict) -> None:
    type_, title = problem_type(429)
    body = Problem(
        type=type_,
        title=title,
        status=429,
        detail=(
            f"more than {verdict.limit} requests of this kind in {WINDOW_SECONDS} seconds; "
            f"retry in {verdict.reset} seconds"
        ),
    ).model_dump_json(exclude_none=True)
    payload = body.encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(payload)).encode()),
        (b"retry-after", str(verdict.reset).encode()),
        *verdict.headers(),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": 429, "headers": headers}
    await send(start)  # type: ignore[arg-type]
    await send({"type": "http.response.body", "body": payload, "more_body": False})
