"""Newsletter and publishing feeds: change feeds (Atom, JSON Feed), the digest, TimelineJS.

Controllers stay thin: parse the query, call one function of `timeline.services.feeds`, and
serve the bytes with a content ETag (304 on If-None-Match) and the right media type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from litestar import Controller, Response
from litestar.handlers import HTTPRouteHandler

from timeline.api.common import (
    PUBLIC_READ_HEADERS,
    AnyRequest,
    Db,
    base_url,
    bytes_response,
    today,
)
from timeline.api.params import (
    AsOf,
    DigestDays,
    DigestFormatParam,
    FeedLimit,
    Kinds,
    ProcessSlugs,
    Since,
    Slug,
    Tags,
)
from timeline.api.routes import read_route
from timeline.formats.atom import ATOM_MEDIA_TYPE
from timeline.formats.jsonfeed import JSON_FEED_MEDIA_TYPE
from timeline.services import feeds
from timeline.services.feeds import FeedFormat, Served
from timeline.store.db import Database

__all__ = ["FeedController"]


def _serve(request: AnyRequest, served: Served) -> Response[Any]:
    """Bytes with a content ETag (and Last-Modified), or a 304 when the client has them;
    readable from any origin."""
    return bytes_response(
        request,
        served.body,
        served.media_type,
        last_modified=served.last_modified,
        headers=PUBLIC_READ_HEADERS,
    )


def _self_url(request: AnyRequest) -> str:
    query = request.url.query
    return f"{base_url(request)}{request.url.path}" + (f"?{query}" if query else "")


_MEDIA_TYPES: dict[FeedFormat, str] = {"atom": ATOM_MEDIA_TYPE, "json": JSON_FEED_MEDIA_TYPE}


async def _change_feed(
    request: AnyRequest,
    db: Database,
    slug: str | None,
    fmt: FeedFormat,
    kind: Sequence[str] | None,
    tag: Sequence[str] | None,
    limit: int,
    as_of: dt.date | None,
) -> Response[Any]:
    served = await feeds.change_feed(
        db,
        slug=slug,
        fmt=fmt,
        kinds=kind or [],
        tags=tag or [],
        limit=limit,
        as_of=as_of,
        root=base_url(request),
        self_url=_self_url(request),
    )
    return _serve(request, served)


def _change_feed_route(
    path: str, operation_id: str, summary: str, fmt: FeedFormat, errors: Sequence[int]
) -> HTTPRouteHandler:
    """The GET route of the change feed in `fmt`: of one process when `path` names `{slug}`
    (404 for an unknown one), else across processes. Each entry has a permanent id; 304 when
    If-None-Match matches."""
    route = read_route(path, operation_id, summary, errors=errors, media_type=_MEDIA_TYPES[fmt])

    async def of_process(
        self: Controller,
        request: AnyRequest,
        slug: Slug,
        db: Db,
        kind: Kinds = None,
        tag: Tags = None,
        limit: FeedLimit = 100,
        as_of: AsOf = None,
    ) -> Response[Any]:
        return await _change_feed(request, db, slug, fmt, kind, tag, limit, as_of)

    async def of_all(
        self: Controller,
        request: AnyRequest,
        db: Db,
        kind: Kinds = None,
        tag: Tags = None,
        limit: FeedLimit = 100,
        as_of: AsOf = None,
    ) -> Response[Any]:
        return await _change_feed(request, db, None, fmt, kind, tag, limit, as_of)

    return route(of_process if "{slug" in path else of_all)


class FeedController(Controller):
    """`changes.atom`, `changes.json` (all processes or one), the digest and TimelineJS."""

    path = "/api/v1"
    tags = ["feeds"]

    all_atom = _change_feed_route(
        "/changes.atom",
        "getChangesAtom",
        "Every recorded change across processes, as Atom, newest first",
        "atom",
        (422, 429),
    )
    all_json = _change_feed_route(
        "/changes.json",
        "getChangesJsonFeed",
        "Every recorded change across processes, as JSON Feed 1.1, newest first",
        "json",
        (422, 429),
    )
    process_atom = _change_feed_route(
        "/processes/{slug:str}/changes.atom",
        "getProcessChangesAtom",
        "Every recorded change of one process, as Atom, newest first",
        "atom",
        (404, 422, 429),
    )
    process_json = _change_feed_route(
        "/processes/{slug:str}/changes.json",
        "getProcessChangesJsonFeed",
        "Every recorded change of one process, as JSON Feed 1.1, newest first",
        "json",
        (404, 422, 429),
    )

    @read_route(
        "/digest",
        "getDigest",
        "A ready-to-send digest: coming up, what changed, deadlines, entry into force",
        description=(
            "`format=md` (text/markdown), `html` (e-mail-ready text/html) or `json`. "
            "`days` is both the window ahead and, without `since`, the window looked back."
        ),
        media_type="text/markdown",
        # Documented in the OpenAPI answer by timeline.api.openapi.tidy_openapi.
        opt={"alternative_media_types": ["text/html", "application/json"]},
    )
    async def digest(
        self,
        request: AnyRequest,
        db: Db,
        days: DigestDays = 14,
        since: Since = None,
        process: ProcessSlugs = None,
        # Named `format` in Python too: problems name the parameter as the client wrote it.
        format: DigestFormatParam = "md",
        as_of: AsOf = None,
    ) -> Response[Any]:
        """The digest as of `as_of` (default today); 304 when If-None-Match matches."""
        served = await feeds.digest(
            db,
            slugs=process or [],
            days=days,
            since=since,
            fmt=format,
            as_of=as_of,
            today=today(),
            root=base_url(request),
        )
        return _serve(request, served)

    @read_route(
        "/processes/{slug:str}/timelinejs.json",
        "getTimelineJs",
        "The process's timeline in Knight Lab TimelineJS format",
    )
    async def timeline_js(
        self,
        request: AnyRequest,
        slug: Slug,
        db: Db,
        kind: Kinds = None,
        tag: Tags = None,
        as_of: AsOf = None,
    ) -> Response[Any]:
        """One slide per event, grouped by kind, dates at their true precision."""
        served = await feeds.timelinejs_feed(
            db, slug, kinds=kind or (), tags=tag or (), as_of=as_of
        )
        return _serve(request, served)
