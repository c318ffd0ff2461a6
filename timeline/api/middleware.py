"""The request pipeline: one pure ASGI layer around the whole application.

Every request, the router's own 404 and 405 included, passes here once, in this order:

1. a request id (a sane incoming `X-Request-ID`, else a fresh one) is set for the handler, its
   problems and its log lines, and echoed in the `X-Request-ID` response header;
2. a JSON write under `/api/` whose body is not declared `application/json` is a 415;
3. the rate limits (timeline/api/limits.py) count it, and refuse the excess with 429;
4. a calendar poll this worker's feed caches can answer (a 304 for a matching `If-None-Match`,
   the kept body for a poll with no validator) is answered at once
   (timeline/api/early_calendar.py); a create with an `Idempotency-Key` from a
   verified writer goes through timeline/api/idempotency.py; everything else goes straight to
   the application;
5. the response start gets the security headers it lacks (prebuilt byte pairs; HTML answers the
   stricter set browsers need), the RateLimit headers and, on OPTIONS, the full `Allow` list;
6. the request is counted for `/metrics` (plain ints, exported on scrape) and, with
   `TIMELINE_LOG_FORMAT=json`, logged as one JSON line.

One layer instead of a stack of framework middlewares: a read pays for none of the write-only
steps, and nothing is allocated per request that a route does not need (docs/performance.md
has the measured cost of each step).
"""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Iterable
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from timeline.api.early_calendar import early_answer
from timeline.api.idempotency import Idempotency, StillRunning
from timeline.api.limits import UNCOUNTED_PATHS, WRITE_METHODS, RateLimiter, Verdict
from timeline.api.metrics import RequestMetrics
from timeline.api.problems import PROBLEM_MEDIA_TYPE, REQUEST_ID, ProblemField, problem_bytes
from timeline.api.text_guard import text_problem
from timeline.domain.errors import InvalidFields
from timeline.settings import Settings
from timeline.store.db import Database

__all__ = [
    "HTML_CSP",
    "REQUEST_ID_HEADER",
    "SCHEMA_UI_CSP",
    "RequestPipeline",
    "SecurityHeadersMiddleware",
    "secure",
]

REQUEST_ID_HEADER = "X-Request-ID"
# Our own pages load nothing from elsewhere and run no inline script.
HTML_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The OpenAPI UIs under /schema are Litestar's: inline bootstrap scripts and a CDN bundle.
SCHEMA_UI_CSP = "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"

_ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)
_HTML: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
_HTML_SET = (*_HTML, (b"content-security-policy", HTML_CSP.encode()))
_SCHEMA_SET = (*_HTML, (b"content-security-policy", SCHEMA_UI_CSP.encode()))
_ALWAYS_NAMES = frozenset(name for name, _ in _ALWAYS)
_SANE_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")
# A query byte that is, or may escape, a control character.
_SUSPECT = re.compile(rb"[%\x00-\x1f\x7f]")
_JSON_TYPE = re.compile(rb"\s*application/(?:[a-z0-9.+-]+\+)?json\s*(?:;.*)?", re.I | re.S)
_access_log = logging.getLogger("timeline.access")
_clock = time.perf_counter


def secure(headers: list[tuple[bytes, bytes]], *, path: str) -> None:
    """Append to `headers`, the answer's to a request for `path`, the security headers it
    lacks: `nosniff` and a referrer policy on every answer; on HTML also a
    Content-Security-Policy (the schema UI's looser one under `/schema`), framing refusal, an
    opener policy and a permissions policy. Headers already present are kept as they are."""
    # The common answer (a few lower-case names, as Litestar writes them; no security header
    # of its own; not HTML) takes the prebuilt pairs as they are: one pass, no allocation.
    for name, value in headers:
        if name == b"content-type":
            if value[:9].lower() == b"text/html":
                break
        elif name in _ALWAYS_NAMES or not name.islower():
            break
    else:
        headers += _ALWAYS
        return
    content_type = b""
    present = 0
    # Litestar writes header names in lower case; `lower()` only runs on one that is not.
    for name, value in headers:
        if not name.islower():
            name = name.lower()
        if name == b"content-type":
            content_type = value
        elif name in _ALWAYS_NAMES:
            present += 1
    if not present:
        headers += _ALWAYS
    elif present < len(_ALWAYS):
        names = {bytes(name).lower() for name, _ in headers}
        headers += [pair for pair in _ALWAYS if pair[0] not in names]
    if content_type[:9].lower() == b"text/html":
        names = set()
        policy = b""
        for name, value in headers:
            lowered = bytes(name).lower()
            names.add(lowered)
            if lowered == b"content-security-policy":
                policy = bytes(value)
        if b"frame-ancestors" in policy:
            # The page says who may frame it (the embed): X-Frame-Options would contradict it.
            names.add(b"x-frame-options")
        html = _SCHEMA_SET if path.startswith("/schema") else _HTML_SET
        headers += [pair for pair in html if pair[0] not in names]


class SecurityHeadersMiddleware(ASGIMiddleware):
    """The security headers of `secure()` as a framework middleware, for apps without the
    pipeline (the product's app gets them from `RequestPipeline`)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Pass the request on, adding missing headers to the response start."""
        path = scope["path"]

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                secure(headers, path=path)
                message["headers"] = headers
            await send(message)

        await next_app(scope, receive, wrapped)


def _has_body(headers: Iterable[tuple[bytes, bytes]]) -> tuple[bool, bytes | None]:
    """Whether the request declares a body, and its Content-Type (None when absent)."""
    has_body = False
    content_type = None
    for name, value in headers:
        name = name.lower()
        if name == b"content-type":
            content_type = value
        elif name == b"content-length":
            has_body = value.strip() not in (b"0", b"")
        elif name == b"transfer-encoding":
            has_body = True
    return has_body, content_type


class RequestPipeline:
    """The pure ASGI layer described in the module docstring, around `app` (the framework's
    own handler, so that its router's 404 and 405 pass here too)."""

    def __init__(
        self, app: ASGIApp, settings: Settings, db: Database, metrics: RequestMetrics
    ) -> None:
        self.app = app
        self.settings = settings
        self.db = db
        self.metrics = metrics
        self.limiter = RateLimiter(settings, db)
        self.idempotency = Idempotency()
        self.log_json = settings.log_format == "json"
        self._allowed: dict[str, bytes] | None = None
        # A random prefix per worker and a counter: unique across workers, and cheap.
        self._prefix = secrets.token_hex(6) + "-"
        self._ids = itertools.count(1)

    def _allow(self, scope: Scope) -> bytes | None:
        # Litestar builds a path's OPTIONS handler when the first controller registers it and
        # keeps that first method set when a later one joins the path, so `OPTIONS
        # /api/v1/processes` would say `OPTIONS, POST` without GET: read the final routes.
        if self._allowed is None:
            self._allowed = {
                route.path_format: ", ".join(sorted(route.methods)).encode()
                for route in scope["app"].routes
                if isinstance(route, HTTPRoute)
            }
        return self._allowed.get(scope.get("path_template", ""))

    def _allow_send(self, scope: Scope, send: Send) -> Send:
        """`send` with the path's full `Allow` list put on the answer to an OPTIONS request."""

        async def with_allow(message: Message) -> None:
            # the route template, which names the path's methods, is known once routed
            allowed = self._allow(scope)
            if allowed is not None and message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"allow"]
                message["headers"] = [*kept, (b"allow", allowed)]
            await send(message)

        return with_allow

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request through the steps of the module docstring."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        # This runs for every request the service answers: it is written for the common read
        # (docs/performance.md, "Against the bare framework", has what each line costs).
        started = _clock()
        headers = scope["headers"]
        request_id = None
        # ASGI servers give request header names in lower case (the spec requires it); a
        # dict of them is built in C, cheaper than a loop in Python over a browser's dozen.
        given = dict(headers).get(b"x-request-id")
        if given is not None and _SANE_ID.fullmatch(text := given.decode("latin-1")):
            request_id = text
        if request_id is None:
            request_id = self._prefix + str(next(self._ids))
        token = REQUEST_ID.set(request_id)
        method = scope["method"]
        path = scope["path"]
        if method == "OPTIONS":
            send = self._allow_send(scope, send)
        # the headers every answer gets besides the security ones; the limits add theirs
        extra = [(b"x-request-id", request_id.encode())]
        status = 500
        template = None

        # Not a coroutine function: it hands back the server's own awaitable, so each message
        # costs no extra coroutine (two a request).
        def answer(message: Message) -> Awaitable[None]:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                out = [*message.get("headers", ())]
                secure(out, path=path)
                out += extra
                message["headers"] = out
            return send(message)

        try:
            query = scope["query_string"]
            # A printable path has no control character, and a query with neither escapes nor
            # control bytes cannot smuggle one in: only the others are looked at closely.
            if not path.isprintable() or (query and _SUSPECT.search(query)):
                hostile = text_problem(path, query)
                if hostile is not None:
                    await _problem(answer, hostile[0], hostile[1], errors=hostile[2])
                    return
            if method in WRITE_METHODS:
                await self._write(scope, receive, answer, extra)
                return
            if path not in UNCOUNTED_PATHS:
                verdict = await self.limiter.charge_read(scope)
                if verdict is not None and not await self._admit(answer, verdict, extra):
                    return
                if method == "GET" and path.endswith(".ics"):
                    early = early_answer(
                        path, query, headers, scope["scheme"], self.settings, self.db
                    )
                    if early is not None:
                        template = early.template
                        start = {
                            "type": "http.response.start",
                            "status": early.status,
                            "headers": early.headers,
                        }
                        await answer(start)  # type: ignore[arg-type]
                        await answer(
                            {"type": "http.response.body", "body": early.body, "more_body": False}
                        )
                        return
            await self.app(scope, receive, answer)
        finally:
            seconds = _clock() - started
            template = template or scope.get("path_template") or "unrouted"
            self.metrics.observe(template, method, status, seconds)
            if self.log_json:
                _access_log.info(
                    "%s %s %s",
                    method,
                    path,
                    status,
                    extra={
                        "request_id": request_id,
                        "method": method,
                        "path": path,
                        "route": template,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 3),
                        "client": (scope.get("client") or ("unknown",))[0],
                    },
                )
            REQUEST_ID.reset(token)

    async def _write(
        self, scope: HTTPScope, receive: Receive, answer: Send, extra: list[tuple[bytes, bytes]]
    ) -> None:
        """Steps 2 to 4 for a write: the JSON body check, the write limit (its headers join
        `extra`, which `answer` adds), idempotency, then the application."""
        method = scope["method"]
        path = scope["path"]
        headers = scope["headers"]
        api = path.startswith("/api/")
        if api:
            has_body, content_type = _has_body(headers)
            if has_body and (content_type is None or not _JSON_TYPE.fullmatch(content_type)):
                detail = "the body must be JSON, sent as Content-Type: application/json"
                field = ProblemField(field="Content-Type", message=detail)
                await _problem(answer, 415, detail, errors=[field])
                return
        writer = None
        if path not in UNCOUNTED_PATHS:
            wants_key = method == "POST" and _has(headers, b"idempotency-key")
            verdict, writer = await self.limiter.charge_write(scope, verify=wants_key)
            if verdict is not None and not await self._admit(answer, verdict, extra):
                return
        if writer is not None and method == "POST" and api:
            await self._idempotent(scope, receive, answer, writer)
        else:
            await self.app(scope, receive, answer)

    async def _admit(
        self, answer: Send, verdict: Verdict, extra: list[tuple[bytes, bytes]]
    ) -> bool:
        """Whether a request its limit charged with `verdict` goes on: its RateLimit headers
        join `extra`; over the limit it is answered 429 here and False is returned."""
        limit_headers = verdict.headers(self.limiter.policy(verdict.limit))
        if verdict.allowed:
            extra += limit_headers
            return True
        self.metrics.refused += 1
        retry = (b"retry-after", str(verdict.reset).encode())
        await _problem(answer, 429, verdict.detail(), extra=(retry, *limit_headers))
        return False

    async def _idempotent(self, scope: Scope, receive: Receive, send: Send, writer: str) -> None:
        key = _header(scope["headers"], b"idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        try:
            await self.idempotency.handle(scope, receive, send, self.app, key=key, writer=writer)
        except InvalidFields as error:
            fields = [ProblemField(field=e.field, message=e.message) for e in error.errors]
            await _problem(send, 422, str(error), errors=fields)
        except StillRunning as error:
            await _problem(send, 409, str(error), extra=((b"retry-after", b"1"),))


def _has(headers: Iterable[tuple[bytes, bytes]], wanted: bytes) -> bool:
    return any(name.lower() == wanted for name, _ in headers)


def _header(headers: Iterable[tuple[bytes, bytes]], wanted: bytes) -> str | None:
    for name, value in headers:
        if name.lower() == wanted:
            return bytes(value).decode("latin-1")
    return None


async def _problem(
    send: Send,
    status: int,
    detail: str,
    *,
    errors: list[ProblemField] | None = None,
    extra: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """Answer with a problem+json of `status` from below the framework."""
    payload = problem_bytes(status, detail, errors=errors)
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(payload)).encode()),
        *extra,
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": status, "headers": headers}
    await send(start)  # type: ignore[arg-type]
    await send({"type": "http.response.body", "body": payload, "more_body": False})
