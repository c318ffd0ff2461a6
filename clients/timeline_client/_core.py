"""The one implementation both clients share: building requests, deciding retries, reading
replies. The sync and async clients only move bytes (httpx.Client / httpx.AsyncClient) and
sleep; everything a request means is decided here."""

from __future__ import annotations

import base64
import email.utils
import json
import random
import threading
import time
import uuid
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import httpx

from timeline_client.errors import ConnectionFailed, problem_error

__all__ = [
    "CachedReply",
    "Call",
    "Core",
    "EtagCache",
    "FileCache",
    "MemoryCache",
    "Prepared",
    "Reply",
    "RetryPolicy",
]

T = TypeVar("T")

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Statuses that mean "not now": the server did nothing, so any request may be sent again.
RETRY_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class Reply:
    """What came back: status, headers, body; `from_cache` when a 304 was answered from cache."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    url: str
    from_cache: bool = False

    @classmethod
    def of(cls, response: httpx.Response) -> Reply:
        """The reply of an httpx response (its body already read)."""
        return cls(response.status_code, response.headers, response.content, str(response.url))

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.content) if self.content else None


@dataclass(frozen=True)
class Call(Generic[T]):
    """One logical API call: what to send and how to read the answer."""

    method: str
    path: str
    read: Callable[[Reply], T]
    params: tuple[tuple[str, str], ...] = ()
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    create: bool = False
    cached: bool = False
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Prepared:
    """A call made concrete: the final URL and headers, fixed for every retry of the call."""

    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None
    cache_key: str | None


@dataclass(frozen=True)
class CachedReply:
    """A remembered response with its validator."""

    etag: str
    content: bytes
    headers: dict[str, str]


class EtagCache(Protocol):
    """Where fetched feeds are remembered with their ETag."""

    def get(self, key: str) -> CachedReply | None:
        """The reply remembered for `key`."""

    def put(self, key: str, reply: CachedReply) -> None:
        """Remember `reply` for `key`."""


class MemoryCache:
    """An ETag cache that lives as long as the client."""

    def __init__(self) -> None:
        self._items: dict[str, CachedReply] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedReply | None:
        """The reply remembered for `key`."""
        with self._lock:
            return self._items.get(key)

    def put(self, key: str, reply: CachedReply) -> None:
        """Remember `reply` for `key`."""
        with self._lock:
            self._items[key] = reply


class FileCache:
    """An ETag cache kept in one JSON file, so that separate runs of a job share it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> CachedReply | None:
        """The reply remembered for `key`, if the file has it."""
        with self._lock:
            entry = self._load().get(key)
        if not isinstance(entry, dict):
            return None
        return CachedReply(
            etag=entry["etag"],
            content=base64.b64decode(entry["content"]),
            headers=dict(entry.get("headers") or {}),
        )

    def put(self, key: str, reply: CachedReply) -> None:
        """Remember `reply` for `key` (the file is replaced whole, never half-written)."""
        with self._lock:
            data = self._load()
            data[key] = {
                "etag": reply.etag,
                "content": base64.b64encode(reply.content).decode(),
                "headers": reply.headers,
            }
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(self.path.suffix + ".partial")
            partial.write_text(json.dumps(data, sort_keys=True), "utf-8")
            partial.replace(self.path)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before sending a call again.

    Waits grow exponentially from `backoff` (with jitter) up to `max_backoff`; a `Retry-After`
    from the server is honoured as given, up to `max_retry_after`.
    """

    max_retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_retry_after: float = 120.0

    def wait(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before retry number `attempt + 1`."""
        told = _retry_after_seconds(retry_after)
        if told is not None:
            return min(told, self.max_retry_after)
        ceiling: float = min(self.backoff * 2.0**attempt, self.max_backoff)
        return ceiling / 2 + random.uniform(0, ceiling / 2)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, float(moment.timestamp()) - time.time())


@dataclass
class Core:
    """Shared state and rules of a client: where, who, how to retry, what is cached."""

    base_url: str
    token: str | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    cache: EtagCache = field(default_factory=MemoryCache)
    user_agent: str = "timeline-client"

    def url(self, path: str) -> str:
        """An absolute URL for a path of the API (absolute URLs, like `next`, pass as given)."""
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def prepare(self, call: Call[Any]) -> Prepared:
        """The concrete request; a create gets its Idempotency-Key here, once for all retries."""
        url = self.url(call.path)
        if call.params:  # (passing none would drop the query of a `next` URL)
            url = str(httpx.URL(url, params=list(call.params)))
        headers = {"Accept": "application/json, */*;q=0.5", "User-Agent": self.user_agent}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(call.headers)
        content = None
        if call.body is not None:
            content = json.dumps(call.body, separators=(",", ":")).encode()
            headers.setdefault("Content-Type", "application/json")
        if call.create:
            headers[IDEMPOTENCY_HEADER] = call.idempotency_key or str(uuid.uuid4())
        cache_key = f"{call.method} {url}" if call.cached else None
        if cache_key is not None:
            cached = self.cache.get(cache_key)
            if cached is not None:
                headers["If-None-Match"] = cached.etag
        return Prepared(call.method, url, headers, content, cache_key)

    def wait_after_status(
        self, attempt: int, reply: Reply, prepared: Prepared | None = None
    ) -> float | None:
        """Seconds to wait before retrying after this reply, or None to take it as final.

        Besides 429 and 503, a 409 with Retry-After to a create means "the first request with
        this Idempotency-Key is still running": asking again soon gets its answer.
        """
        if attempt >= self.retry.max_retries:
            return None
        retry_after = reply.headers.get("retry-after")
        in_progress = (
            reply.status == 409
            and retry_after is not None
            and prepared is not None
            and IDEMPOTENCY_HEADER in prepared.headers
        )
        if reply.status not in RETRY_STATUSES and not in_progress:
            return None
        return self.retry.wait(attempt, retry_after)

    def wait_after_error(
        self, attempt: int, prepared: Prepared, error: httpx.TransportError
    ) -> float | None:
        """Seconds to wait before resending after a transport error, or None to give up.

        Reads and creates (carrying their Idempotency-Key) are always safe to send again. Other
        writes are resent only when the connection was never made, so they cannot have arrived.
        """
        if attempt >= self.retry.max_retries:
            return None
        safe = prepared.method in ("GET", "HEAD") or IDEMPOTENCY_HEADER in prepared.headers
        if not safe and not isinstance(error, httpx.ConnectError):
            return None
        return self.retry.wait(attempt)

    def exchange(
        self, call: Call[T]
    ) -> Generator[Prepared | float, Reply | httpx.TransportError | None, T]:
        """The whole exchange of one call, without doing any I/O itself.

        It yields a `Prepared` request, to be answered by sending back its `Reply` (or the
        `httpx.TransportError` it failed with), or a number of seconds to sleep before asking
        it again; it returns the call's answer or raises. Both clients drive it, each with its
        own way to send and to sleep, so the retry rules are written once.
        """
        prepared = self.prepare(call)
        attempt = 0
        while True:
            outcome = yield prepared
            if isinstance(outcome, httpx.TransportError):
                wait = self.wait_after_error(attempt, prepared, outcome)
                if wait is None:
                    raise ConnectionFailed(f"cannot reach {prepared.url}: {outcome}") from outcome
            else:
                assert outcome is not None, "a prepared request is answered by its reply"
                wait = self.wait_after_status(attempt, outcome, prepared)
                if wait is None:
                    return self.finish(call, prepared, outcome)
            yield wait
            attempt += 1

    def finish(self, call: Call[T], prepared: Prepared, reply: Reply) -> T:
        """Read a final reply: the cached body on 304, an exception on a problem, else `T`."""
        if reply.status == 304 and prepared.cache_key is not None:
            cached = self.cache.get(prepared.cache_key)
            if cached is not None:
                headers = {**cached.headers, "etag": cached.etag}
                return call.read(
                    replace(
                        reply, status=200, headers=headers, content=cached.content, from_cache=True
                    )
                )
        if reply.status >= 400:
            try:
                body = reply.json()
            except ValueError:
                body = reply.content.decode("utf-8", "replace")
            raise problem_error(reply.status, dict(reply.headers), body)
        etag = reply.headers.get("etag")
        if prepared.cache_key is not None and etag and reply.status == 200:
            kept = {k: v for k, v in reply.headers.items() if k.lower() == "content-type"}
            self.cache.put(prepared.cache_key, CachedReply(etag, reply.content, kept))
        return call.read(reply)
