"""Calendar polls answered before routing, from this worker's caches: the lookup comes first.

A subscriber polls the same unfiltered feed URL, with `If-None-Match` (Apple, Thunderbird) or
without any validator (Google's fetcher downloads the whole feed each time). Within the feed
recheck window this worker's validator cache (timeline/services/caches.py) already holds the
feed's ETag, and its body cache the bytes built for that ETag. So the request pipeline asks
here before the framework parses anything:

- a tag that matches: a 304 with the handler's validators and caching headers;
- no validator at all, and the body of the current ETag kept: a 200 with that body and
  exactly the handler's headers.

The lookup uses the very caches and canonical URL the calendar handler uses (`calendar_url`,
`validator_cache`, `body_cache`), with the same freshness rule (the database generation and
`TIMELINE_FEED_RECHECK_SECONDS`). Anything else (a query string, an unusual slug, nothing
cached, a tag that does not match, `If-Modified-Since`, a cross-origin request when CORS is
on) returns None and the handler answers as always, so this can only ever answer what the
handler would have answered.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import NamedTuple

from timeline.api.common import (
    CALENDAR_CACHE_CONTROL,
    CALENDAR_MEDIA_TYPE,
    PUBLIC_READ_HEADERS,
    calendar_disposition,
)
from timeline.api.conditional import etag_matches, http_date
from timeline.services.caches import body_cache, validator_cache
from timeline.services.calendar import calendar_url
from timeline.settings import Settings
from timeline.store.db import Database

__all__ = ["ROUTE_TEMPLATES", "EarlyAnswer", "early_answer"]

_FEED = re.compile(r"/api/v1/(?:processes/([a-z0-9][a-z0-9_-]{0,99})/)?calendar\.ics")
# What the metrics label these answers with: the handler's route templates.
ROUTE_TEMPLATES = ("/api/v1/processes/{slug}/calendar.ics", "/api/v1/calendar.ics")
_CACHE_CONTROL = (b"cache-control", CALENDAR_CACHE_CONTROL.encode())
# Litestar adds the charset to the handler's `text/calendar` (tests/api/test_early_calendar.py).
_CONTENT_TYPE = (b"content-type", f"{CALENDAR_MEDIA_TYPE}; charset=utf-8".encode())
# The handler's 304 carries the public-read CORS headers too (feeds are readable anywhere).
_PUBLIC_READ = tuple(
    (name.lower().encode(), value.encode()) for name, value in PUBLIC_READ_HEADERS.items()
)


class EarlyAnswer(NamedTuple):
    """What the handler would answer: its route template (for the metrics), status, headers
    and body."""

    template: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def early_answer(
    path: str,
    query_string: bytes,
    headers: Iterable[tuple[bytes, bytes]],
    scheme: str,
    settings: Settings,
    db: Database,
) -> EarlyAnswer | None:
    """The answer to this feed poll from the cached validators (a 304) or the cached body (a
    200); None when the handler must answer."""
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
        elif name == b"if-modified-since":
            return None  # the handler compares dates; it is rarely sent alone
        elif name == b"origin" and settings.cors_origins:
            return None  # the framework's CORS layer adds its headers to the handler's answer
    if settings.base_url:
        root = settings.base_url
    elif host is not None and "/" not in host:
        root = f"{scheme}://{host}"
    else:
        return None
    slug = match[1]
    cache = validator_cache(db, settings.feed_recheck_seconds)
    known = cache.get(calendar_url(root, slug, None), db.generation, time.monotonic())
    if known is None:
        return None
    template = ROUTE_TEMPLATES[0 if slug else 1]
    validators = [
        (b"etag", known.etag.encode()),
        (b"last-modified", http_date(known.last_modified).encode()),
        _CACHE_CONTROL,
    ]
    if condition is not None:
        if not etag_matches(condition, known.etag):
            return None
        return EarlyAnswer(template, 304, [*validators, *_PUBLIC_READ], b"")
    kept = body_cache(db, "ics").get(known.etag)
    if kept is None:
        return None
    body, filename = kept
    disposition = calendar_disposition(filename).encode()
    answer = [
        _CONTENT_TYPE,
        (b"content-length", str(len(body)).encode()),
        *validators,
        (b"content-disposition", disposition),
        *_PUBLIC_READ,
    ]
    return EarlyAnswer(template, 200, answer, body)
