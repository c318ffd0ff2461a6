"""A calendar app's repeated poll answered before routing: the validator lookup comes first.

A subscriber polls the same unfiltered feed URL with `If-None-Match`. Within the feed recheck
window this worker's validator cache (timeline/services/caches.py) already holds the feed's
ETag; when the client's tag matches it, the answer is a 304 whatever else the request says,
so the request pipeline asks here before the framework parses anything.

The lookup uses the very cache and canonical URL the calendar handler uses
(`calendar_url`, `validator_cache`), with the same freshness rule (the database generation
and `TIMELINE_FEED_RECHECK_SECONDS`), and answers with the handler's 304 headers. Anything
else (a query string, an unusual slug, no cached validators, a tag that does not match, a
cross-origin request when CORS is on) returns None and the handler answers as always, so this
can only ever answer what the handler would have answered.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from timeline.api.common import PUBLIC_READ_HEADERS
from timeline.api.conditional import http_date
from timeline.services.caches import validator_cache
from timeline.services.calendar import calendar_url
from timeline.settings import Settings
from timeline.store.db import Database

__all__ = ["ROUTE_TEMPLATES", "not_modified_headers"]

_FEED = re.compile(r"/api/v1/(?:processes/([a-z0-9][a-z0-9_-]{0,99})/)?calendar\.ics")
# What the metrics label these answers with: the handler's route templates.
ROUTE_TEMPLATES = ("/api/v1/processes/{slug}/calendar.ics", "/api/v1/calendar.ics")
_CACHE_CONTROL = (b"cache-control", b"public, max-age=300")
# The handler's 304 carries the public-read CORS headers too (feeds are readable anywhere).
_PUBLIC_READ = tuple(
    (name.lower().encode(), value.encode()) for name, value in PUBLIC_READ_HEADERS.items()
)


def _matches(header: str, etag: str) -> bool:
    # RFC 9110 weak comparison, as timeline.api.conditional.is_not_modified does
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def not_modified_headers(
    path: str,
    query_string: bytes,
    headers: Iterable[tuple[bytes, bytes]],
    scheme: str,
    settings: Settings,
    db: Database,
) -> tuple[str, list[tuple[bytes, bytes]]] | None:
    """(route template, 304 headers) when this feed poll can be answered 304 from the cached
    validators; None when the handler must answer."""
    if query_string or settings.feed_recheck_seconds <= 0:
        return None
    match = _FEED.fullmatch(path)
    if match is None:
        return None
    condition = host = None
    for name, value in headers:
        name = name.lower()
        if name == b"if-none-match":
            condition = value.decode("latin-1")
        elif name == b"host":
            host = value.decode("latin-1")
        elif name == b"origin" and settings.cors_origins:
            return None  # the framework's CORS layer adds its headers to the handler's answer
    if condition is None:
        return None
    if settings.base_url:
        root = settings.base_url
    elif host is not None and "/" not in host:
        root = f"{scheme}://{host}"
    else:
        return None
    slug = match[1]
    cache = validator_cache(db, settings.feed_recheck_seconds)
    known = cache.get(calendar_url(root, slug, None), db.generation, time.monotonic())
    if known is None or not _matches(condition, known.etag):
        return None
    answer = [
        (b"etag", known.etag.encode()),
        (b"last-modified", http_date(known.last_modified).encode()),
        _CACHE_CONTROL,
        *_PUBLIC_READ,
    ]
    return ROUTE_TEMPLATES[0 if slug else 1], answer
