"""`Idempotency-Key` on creates: a retry never makes a second resource.

The request pipeline (timeline/api/middleware.py) hands it every `POST` under `/api/`
(processes, events, items and any create added later) that carries a key, so no controller has
to remember it; reads never reach it. With a key and a verified bearer token:

- the first request reserves the key (scoped to the token) before the handler runs, and the
  response of a successful create is stored with it before it is sent;
- a retry with the same key and the same request (method, path, query and JSON body) within
  the retention window (24 hours) gets the stored response again, with
  `Idempotent-Replayed: true`, and nothing is written;
- the same key with a different request is a 422 naming `Idempotency-Key`;
- a retry that arrives while the first request still runs waits for it (up to `wait_seconds`)
  and then replays it; if it is still running after that, 409 with `Retry-After`;
- a request that fails (4xx, 5xx, or an exception) releases its key: it changed nothing, so
  the retry runs for real. Once the handler has answered 2xx the key is never released, even
  if storing the answer fails: a retry then gets 409, never a second resource.

Without a key, or without a token that is the admin token or a stored one (the handler will
answer 401), requests pass untouched and no row is written.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import time
from typing import Any, cast

from litestar.types import ASGIApp, HTTPRequestEvent, Message, Receive, ReceiveMessage, Scope, Send

from timeline.clock import utcnow
from timeline.domain.errors import InvalidFields
from timeline.settings import Settings
from timeline.store import idempotency as records
from timeline.store.db import Database

__all__ = ["HEADER", "REPLAYED_HEADER", "Idempotency", "StillRunning", "request_fingerprint"]

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
# Headers that describe one transmission, not the resource: never replayed as stored.
_NOT_STORED = {"content-length", "date", "server", "connection", "transfer-encoding"}


class StillRunning(Exception):
    """The first request with this key is still running after the wait: answer 409."""


def request_fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """A digest of what a request asks for; JSON bodies compare by content, not by spacing."""
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise InvalidFields.one(HEADER, f"must be 1 to {MAX_KEY_LENGTH} printable ASCII characters")


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The request body, and whether it was read whole (False: larger than `limit`)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks), False
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replaying(body: bytes, more: bool, receive: Receive) -> Receive:
    """A `receive` that hands the already-read body to the app, then defers to the real one."""
    sent = False

    async def replay() -> ReceiveMessage:
        nonlocal sent
        if not sent:
            sent = True
            first: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": more}
            return first
        return await receive()

    return replay


_BASE64_MARK = "x-timeline-stored-body"


def _body_text(body: bytes, headers: dict[str, str]) -> str:
    """The body as storable text: UTF-8 as is, anything else base64 (marked in `headers`)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        headers[_BASE64_MARK] = "base64"
        return base64.b64encode(body).decode()


async def _send_stored(send: Send, record: Any) -> None:
    stored = dict(record.headers)
    if stored.pop(_BASE64_MARK, None) == "base64":
        body = base64.b64decode(record.body)
    else:
        body = record.body.encode()
    headers = [(k.encode("latin-1"), str(v).encode("latin-1")) for k, v in stored.items()]
    headers.append((b"content-length", str(len(body)).encode()))
    headers.append((REPLAYED_HEADER.lower().encode(), b"true"))
    await send({"type": "http.response.start", "status": record.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class Idempotency:
    """Replays the first response to a create retried with the same `Idempotency-Key`."""

    def __init__(
        self,
        *,
        retention: dt.timedelta = dt.timedelta(hours=24),
        wait_seconds: float = 15.0,
    ) -> None:
        self.retention = retention
        self.wait_seconds = wait_seconds

    async def handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        next_app: ASGIApp,
        *,
        key: str,
        writer: str,
    ) -> None:
        """Reserve, replay or refuse, then run the create and store its successful response.

        `writer` is the verified token's hash. Raises InvalidFields (a bad or reused key) and
        StillRunning before anything is sent; the caller answers them.
        """
        # The token's hash, never the token: the table must not hold usable secrets.
        owner = "token:" + writer
        key = key.strip()
        _check_key(key)
        settings: Settings = scope["app"].state.settings
        body, whole = await _read_body(receive, settings.max_body_bytes)
        receive = _replaying(body, not whole, receive)
        if not whole:  # the app refuses it (413) without writing: nothing to remember
            await next_app(scope, receive, send)
            return
        db: Database = scope["app"].state.db
        query = scope.get("query_string", b"").decode("latin-1")
        fingerprint = request_fingerprint("POST", scope["path"], query, body)
        held = await self._acquire(db, owner, key, fingerprint)
        if held is not None:
            await _send_stored(send, held)
            return
        await self._run_and_store(db, owner, key, scope, receive, send, next_app)

    async def _acquire(self, db: Database, owner: str, key: str, fingerprint: str) -> Any:
        """None once this request holds the key; else the completed record to replay."""
        deadline = time.monotonic() + self.wait_seconds
        delay = 0.02
        while True:
            now = utcnow()
            async with db.write() as session:
                held = await records.reserve(
                    session, owner, key, fingerprint, now=now, expires_before=now - self.retention
                )
            if held is None:
                return None
            if held.request_hash != fingerprint:
                raise InvalidFields.one(
                    HEADER, "was already used with a different request; use a new key"
                )
            if held.status_code != records.PENDING:
                return held
            if time.monotonic() >= deadline:
                raise StillRunning("a request with this Idempotency-Key is still in progress")
            # The first request is still running: wait for its answer (or its release).
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.25)

    async def _run_and_store(
        self,
        db: Database,
        owner: str,
        key: str,
        scope: Scope,
        receive: Receive,
        send: Send,
        next_app: ASGIApp,
    ) -> None:
        """Run the request; store a 2xx response before sending it, release the key otherwise."""
        start: dict[str, Any] | None = None
        chunks: list[bytes] = []
        succeeded = False

        async def capture(message: Message) -> None:
            nonlocal start, succeeded
            if message["type"] == "http.response.start":
                start = dict(message)
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            status = int(start["status"])
            if 200 <= status < 300:
                # From here the create has happened: whatever fails next, the key stays held
                # (a retry then waits or gets 409), never released for a second create.
                succeeded = True
                headers = {
                    bytes(k).decode("latin-1").lower(): bytes(v).decode("latin-1")
                    for k, v in start.get("headers", [])
                    if bytes(k).decode("latin-1").lower() not in _NOT_STORED
                }
                text = _body_text(b"".join(chunks), headers)
                async with db.write() as session:
                    await records.complete(
                        session, owner, key, status_code=status, headers=headers, body=text
                    )
                    await records.prune(session, owner, expires_before=utcnow() - self.retention)
            # Sent only once stored: a client never sees a success its retry could not replay.
            await send(cast(Message, start))
            await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": False})

        try:
            await next_app(scope, receive, capture)
        finally:
            if not succeeded:
                async with db.write() as session:
                    await records.release(session, owner, key)
