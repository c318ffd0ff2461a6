"""Conditional requests (RFC 9110): ETags, If-None-Match, If-Match, If-Modified-Since.

Litestar only sets the ETag header; evaluating preconditions is ours.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from litestar import Request, Response

from timeline.domain.errors import PreconditionFailed, PreconditionRequired

__all__ = [
    "content_etag",
    "expected_version",
    "http_date",
    "is_not_modified",
    "not_modified",
    "version_etag",
]


_VERSION = re.compile(r"[0-9]{1,18}")


def version_etag(kind: str, ident: object, version: object) -> str:
    """A strong ETag for one version of one resource."""
    return f'"{kind}.{ident}.{version}"'


def content_etag(body: bytes) -> str:
    """A strong ETag for a representation computed from many versions (lists, feeds)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    return [t.strip() for t in header.split(",") if t.strip()]


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(header: str, etag: str) -> bool:
    """Whether an If-None-Match value names `etag` (RFC 9110 weak comparison, or `*`)."""
    tags = _tags(header)
    return "*" in tags or _opaque(etag) in {_opaque(t) for t in tags}


def is_not_modified(
    request: Request[Any, Any, Any], etag: str, last_modified: dt.datetime | None = None
) -> bool:
    """Whether a GET may be answered 304: If-None-Match (weak comparison) or, without it,
    If-Modified-Since against `last_modified`."""
    header = request.headers.get("if-none-match")
    if header is not None:
        return etag_matches(header, etag)
    since = request.headers.get("if-modified-since")
    if since and last_modified is not None:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is None:
            return False
        return last_modified.replace(microsecond=0) <= moment
    return False


def not_modified(etag: str, headers: dict[str, str] | None = None) -> Response[Any]:
    """A 304 that repeats the validators and caching headers."""
    return Response(content=b"", status_code=304, headers={"ETag": etag, **(headers or {})})


def http_date(moment: dt.datetime) -> str:
    """An IMF-fixdate for Last-Modified."""
    return format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def expected_version(request: Request[Any, Any, Any], kind: str, ident: object) -> int | None:
    """The version a PATCH or DELETE names in If-Match; None for `*` (any current version).

    No If-Match is a 428; a tag of another resource, a weak tag or garbage is a 412.
    """
    header = request.headers.get("if-match")
    if header is None or not header.strip():
        raise PreconditionRequired(
            "send If-Match with the ETag you last read, so a change never overwrites another"
        )
    tags = _tags(header)
    if "*" in tags:
        return None
    prefix = f'"{kind}.{ident}.'
    # A tag may carry more after the version (a process's also names its log version).
    candidates = [
        tag[len(prefix) : -1].split(".")[0]
        for tag in tags
        if tag.startswith(prefix) and tag.endswith('"')
    ]
    # ASCII digits only and few of them: `str.isdigit` accepts "²" and `int` refuses it, and a
    # 5,000-digit number is no version this service ever gave.
    versions = [int(c) for c in candidates if _VERSION.fullmatch(c)]
    if not versions:
        raise PreconditionFailed("If-Match does not name a version of this resource")
    # Several tags mean "any of these": only the newest can still be current.
    return max(versions)
