"""Newsletter and publishing feeds: change feeds (Atom, JSON Feed), the digest, TimelineJS.

Controllers stay thin: read from the store, hand plain values to `timeline/formats`, and serve
the bytes with a content ETag (304 on If-None-Match) and the right media type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline import analysis
from timeline.api.common import base_url, today
from timeline.api.conditional import content_etag, http_date, is_not_modified, not_modified
from timeline.api.events import AsOf
from timeline.api.problems import problems
from timeline.domain.errors import InvalidFields
from timeline.domain.model import ChangeRecord, ProcessInfo
from timeline.formats.atom import ATOM_MEDIA_TYPE, atom_feed
from timeline.formats.digest import (
    DigestInput,
    build_digest,
    changed_since,
    digest_html,
    digest_json,
    digest_markdown,
)
from timeline.formats.feedinfo import FeedInfo, feed_id, feed_updated
from timeline.formats.jsonfeed import JSON_FEED_MEDIA_TYPE, json_feed
from timeline.formats.timelinejs import timelinejs
from timeline.schemas import Kind
from timeline.store.db import Database
from timeline.store.events import EventFilter, event_states, list_changes
from timeline.store.processes import get_process, get_processes, list_processes
from timeline.store.tables import Process

__all__ = ["DIGEST_MEDIA_TYPES", "FeedController", "filtered_changes"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_BATCH = 500
# Litestar adds "; charset=utf-8" to text/* media types itself.
# The most changes one digest lists; a longer window is summarised by a note.
_DIGEST_CHANGES = 1000

DIGEST_MEDIA_TYPES: dict[str, str] = {
    "md": "text/markdown",
    "html": "text/html",
    "json": "application/json",
}

FeedLimit = Annotated[
    int, QueryParameter(name="limit", ge=1, le=500, description="Most entries (max 500).")
]
Kinds = Annotated[
    list[Kind] | None,
    QueryParameter(name="kind", description="Only changes to events of any of these kinds."),
]
Tags = Annotated[
    list[str] | None,
    QueryParameter(name="tag", description="Only changes to events with any of these tags."),
]


def _matches(record: ChangeRecord, kinds: Sequence[str], tags: Sequence[str]) -> bool:
    # A change that takes an event out of a kind or tag is news to that kind's or tag's readers,
    # so the state before the change counts as well as the state after it.
    states = [record.event] if record.previous is None else [record.event, record.previous]
    return (not kinds or any(s.kind in kinds for s in states)) and (
        not tags or any(t in s.tags for s in states for t in tags)
    )


async def filtered_changes(
    session: AsyncSession,
    processes: Sequence[Process],
    *,
    limit: int,
    kinds: Sequence[str] = (),
    tags: Sequence[str] = (),
    as_of: dt.date | None = None,
    keep: Callable[[ChangeRecord], bool] | None = None,
) -> list[ChangeRecord]:
    """Up to `limit` changes, newest first, to events of `kinds` and `tags` (any of each),
    known on `as_of`, and accepted by `keep`; pages through the log until enough are found."""
    found: list[ChangeRecord] = []
    before: int | None = None
    while len(found) < limit:
        batch = await list_changes(session, processes, limit=_BATCH, before_id=before, as_of=as_of)
        found.extend(r for r in batch if _matches(r, kinds, tags) and (keep is None or keep(r)))
        if len(batch) < _BATCH:
            break
        before = batch[-1].id
    return found[:limit]


def _serve(
    request: Request[Any, Any, Any],
    body: bytes,
    media_type: str,
    last_modified: dt.datetime | None = None,
) -> Response[Any]:
    """Bytes with a content ETag (and Last-Modified), or a 304 when the client has them."""
    etag = content_etag(body)
    headers = {"ETag": etag}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    if is_not_modified(request, etag, last_modified):
        return not_modified(etag, {k: v for k, v in headers.items() if k != "ETag"})
    return Response(content=body, media_type=media_type, headers=headers)


def _self_url(request: Request[Any, Any, Any]) -> str:
    query = request.url.query
    return f"{base_url(request)}{request.url.path}" + (f"?{query}" if query else "")


async def _feed(
    request: Request[Any, Any, Any],
    db: Database,
    slug: str | None,
    kinds: Sequence[str],
    tags: Sequence[str],
    limit: int,
    as_of: dt.date | None,
) -> tuple[FeedInfo, list[ChangeRecord]]:
    root = base_url(request)
    async with db.read() as session:
        if slug is None:
            processes = await list_processes(session)
        else:
            processes = [await get_process(session, slug)]
        records = await filtered_changes(
            session, processes, limit=limit, kinds=kinds, tags=tags, as_of=as_of
        )
    # An empty feed is dated by the data (the first process's creation), never by the clock.
    fallback = min((p.created_at for p in processes), default=_EPOCH)
    if slug is None:
        title, subtitle = "timeline: what changed", "Every recorded change, across processes."
        alternate = f"{root}/"
    else:
        process = processes[0]
        title = f"{process.title}: what changed"
        subtitle = f"Every recorded change to the timeline of {process.title}."
        alternate = f"{root}/processes/{process.slug}"
    if kinds or tags:
        subtitle += " Filtered by " + ", ".join([*kinds, *(f"#{t}" for t in tags)]) + "."
    info = FeedInfo(
        id=feed_id(slug, kinds, tags),
        title=title,
        subtitle=subtitle,
        root=root,
        self_url=_self_url(request),
        alternate_url=alternate,
        author="timeline",
        fallback_updated=fallback,
    )
    return info, records


FeedFormat = Literal["atom", "json"]


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
    info, records = await _feed(request, db, slug, kind or [], tag or [], limit, as_of)
    if fmt == "atom":
        body, media = atom_feed(info, records), ATOM_MEDIA_TYPE
    else:
        body, media = json_feed(info, records), JSON_FEED_MEDIA_TYPE
    return _serve(request, body, media, feed_updated(info, records))


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
        days: Annotated[
            int, QueryParameter(name="days", ge=0, le=3660, description="Days ahead (and back).")
        ] = 14,
        since: Annotated[
            dt.date | None,
            QueryParameter(name="since", description="List changes from this day (YYYY-MM-DD)."),
        ] = None,
        process: Annotated[
            list[str] | None,
            QueryParameter(name="process", description="Only these processes (default: all)."),
        ] = None,
        # Named `format` in Python too: problems name the parameter as the client wrote it.
        format: Annotated[
            Literal["md", "html", "json"],
            QueryParameter(name="format", description="md, html or json."),
        ] = "md",
        as_of: AsOf = None,
    ) -> Response[Any]:
        """The digest as of `as_of` (default today); 304 when If-None-Match matches."""
        day = as_of or today()
        start = since if since is not None else day - dt.timedelta(days=days)
        if start > day:
            raise InvalidFields.one("since", f"is after as_of ({day.isoformat()})")
        async with db.read() as session:
            processes = await get_processes(session, process or [])
            coming = await event_states(
                session,
                processes,
                EventFilter(
                    start=day, end=day + dt.timedelta(days=days), exclude_statuses=("cancelled",)
                ),
                as_of=as_of,
            )
            changes = await filtered_changes(
                session,
                processes,
                limit=_DIGEST_CHANGES + 1,
                as_of=day,
                keep=lambda r: changed_since(r, start, day),
            )
        notes = []
        if len(changes) > _DIGEST_CHANGES:
            changes = changes[:_DIGEST_CHANGES]
            notes.append(f"Only the latest {_DIGEST_CHANGES} changes are listed.")
        risks = {
            p.slug: (await analysis.assess_risks(db, p.slug, day)).to_json() for p in processes
        }
        eif = {
            p.slug: (await analysis.assess_entry_into_force(db, p.slug, day)).to_json()
            for p in processes
        }
        data = DigestInput(
            as_of=day,
            since=start,
            days=days,
            root=base_url(request),
            processes=[_info(p) for p in processes],
            coming_up=coming,
            changes=changes,
            deadlines=risks,
            entry_into_force=eif,
            notes=notes,
        )
        document = build_digest(data)
        if format == "md":
            body = digest_markdown(document).encode()
        elif format == "html":
            body = digest_html(document).encode()
        else:
            body = digest_json(document)
        return _serve(request, body, DIGEST_MEDIA_TYPES[format])

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
        async with db.read() as session:
            process = await get_process(session, slug)
            states = await event_states(
                session, [process], EventFilter(kinds=kind or (), tags=tag or ()), as_of=as_of
            )
        return _serve(request, timelinejs(_info(process), states), "application/json")


def _info(process: Process) -> ProcessInfo:
    return ProcessInfo(
        slug=process.slug,
        title=process.title,
        description=process.description,
        timezone=process.timezone,
        url=process.url,
    )
