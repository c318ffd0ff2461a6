"""Newsletter and publishing feeds: change feeds (Atom, JSON Feed), the digest, TimelineJS.

Controllers stay thin: parse the query, call one function of `timeline.services.feeds`, and
serve the bytes with a content ETag (304 on If-None-Match) and the right media type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from timeline.api.common import base_url, bytes_response, today
from timeline.api.params import (
    AsOf,
    DigestDays,
    DigestFormatParam,
    FeedLimit,
    Kinds,
    ProcessSlugs,
    Since,
    Tags,
)
from timeline.api.problems import problems
from timeline.formats.atom import ATOM_MEDIA_TYPE
from timeline.formats.jsonfeed import JSON_FEED_MEDIA_TYPE
from timeline.services import feeds
from timeline.services.feeds import FeedFormat, Served
from timeline.store.db import Database

__all__ = ["FeedController"]


def _serve(request: Request[Any, Any, Any], served: Served) -> Response[Any]:
    """Bytes with a content ETag (and Last-Modified), or a 304 when the client has them."""
    return bytes_response(
        request, served.body, served.media_type, last_modified=served.last_modified
    )


def _self_url(request: Request[Any, Any, Any]) -> str:
    query = request.url.query
    return f"{base_url(request)}{request.url.path}" + (f"?{query}" if query else "")


async def _change_feed(
    request: Request[Any, Any, Any],
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


class FeedController(Controller):
    """`changes.atom`, `changes.json` (all processes or one)."""

    path = "/api/v1"
    tags = ["feeds"]

    @get(
        "/changes.atom",
        operation_id="getChangesAtom",
        summary="Every recorded change across processes, as Atom, newest first",
        media_type=ATOM_MEDIA_TYPE,
        responses=problems(422, 429),
    )
    async def all_atom(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        kind: Kinds = None,
        tag: Tags = None,
        limit: FeedLimit = 100,
        as_of: AsOf = None,
    ) -> Response[Any]:
        """One entry per change with a permanent id; 304 when If-None-Match matches."""
        return await _change_feed(request, db, None, "atom", kind, tag, limit, as_of)

    @get(
        "/changes.json",
        operation_id="getChangesJsonFeed",
        summary="Every recorded change across processes, as JSON Feed 1.1, newest first",
        media_type=JSON_FEED_MEDIA_TYPE,
        responses=problems(422, 429),
    )
    async def all_json(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        kind: Kinds = None,
        tag: Tags = None,
        limit: FeedLimit = 100,
        as_of: AsOf = None,
    ) -> Response[Any]:
        """The same entries as the Atom feed, as JSON Feed 1.1."""
        return await _change_feed(request, db, None, "json", kind, tag, limit, as_of)

    @get(
        "/processes/{slug:str}/changes.atom",
        operation_id="getProcessChangesAtom",
        summary="Every recorded change of one process, as Atom, newest first",
        media_type=ATOM_MEDIA_TYPE,
        responses=problems(404, 422, 429),
    )
    async def process_atom(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[Database],
        kind: Kinds = None,
        tag: Tags = None,
        limit: FeedLimit = 100,
        as_of: AsOf = None,
    ) -> Response[Any]:
        """One entry per change of the process; 404 for an unknown process."""
        return await _change_feed(request, db, slug, "atom", kind, tag, limit, as_of)

    @get(
        "/processes/{slug:str}/changes.json",
        operation_id="getProcessChangesJsonFeed",
        summary="Every recorded change of one process, as JSON Feed 1.1, newest first",
        media_type=JSON_FEED_MEDIA_TYPE,
        responses=problems(404, 422, 429),
    )
    async def process_json(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[Database],
        kind: Kinds = None,
        tag: Tags = None,
        limit: FeedLimit = 100,
        as_of: AsOf = None,
    ) -> Response[Any]:
        """The process's changes as JSON Feed 1.1."""
        return await _change_feed(request, db, slug, "json", kind, tag, limit, as_of)

    @get(
        "/digest",
        operation_id="getDigest",
        summary="A ready-to-send digest: coming up, what changed, deadlines, entry into force",
        description=(
            "`format=md` (text/markdown), `html` (e-mail-ready text/html) or `json`. "
            "`days` is both the window ahead and, without `since`, the window looked back."
        ),
        media_type="text/markdown",
        # Documented in the OpenAPI answer by timeline.api.openapi.tidy_openapi.
        opt={"alternative_media_types": ["text/html", "application/json"]},
        responses=problems(404, 422, 429),
    )
    async def digest(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
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

    @get(
        "/processes/{slug:str}/timelinejs.json",
        operation_id="getTimelineJs",
        summary="The process's timeline in Knight Lab TimelineJS format",
        responses=problems(404, 422, 429),
    )
    async def timeline_js(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[Database],
        kind: Kinds = None,
        tag: Tags = None,
        as_of: AsOf = None,
    ) -> Response[Any]:
        """One slide per event, grouped by kind, dates at their true precision."""
        served = await feeds.timelinejs_feed(
            db, slug, kinds=kind or (), tags=tag or (), as_of=as_of
        )
        return _serve(request, served)
