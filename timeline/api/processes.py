"""Processes: create (admin), list, read with counts and links, change."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter

from timeline.api.auth import Actor, authenticate
from timeline.api.common import (
    base_url,
    decode_cursor,
    encode_cursor,
    json_response,
    next_url,
    utcnow,
)
from timeline.api.conditional import expected_version, version_etag
from timeline.api.problems import problems
from timeline.schemas import (
    ProcessCreate,
    ProcessLinks,
    ProcessPage,
    ProcessPatch,
    ProcessPublic,
)
from timeline.store import processes as process_store
from timeline.store.db import Database
from timeline.store.events import log_version
from timeline.store.items import item_log_version
from timeline.store.tables import Process

__all__ = ["ProcessController", "process_links"]

Limit = Annotated[
    int, QueryParameter(name="limit", ge=1, le=500, description="Page size (max 500).")
]
Cursor = Annotated[str | None, QueryParameter(name="cursor", description="Opaque page cursor.")]


def process_links(root: str, slug: str) -> ProcessLinks:
    """Every view of a process, as absolute URLs."""
    api = f"{root}/api/v1/processes/{slug}"
    calendar = f"{api}/calendar.ics"
    return ProcessLinks(
        self=api,
        events=f"{api}/events",
        timeline=f"{api}/timeline",
        calendar=calendar,
        webcal="webcal://" + calendar.split("://", 1)[1],
        atom=f"{api}/changes.atom",
        json_feed=f"{api}/changes.json",
        risks=f"{api}/risks",
        entry_into_force=f"{api}/entry-into-force",
        timelinejs=f"{api}/timelinejs.json",
        page=f"{root}/processes/{slug}",
    )


def _public(row: Process, counts: dict[str, int], root: str) -> ProcessPublic:
    return ProcessPublic(
        slug=row.slug,
        title=row.title,
        description=row.description,
        timezone=row.timezone,
        url=row.url,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        counts=counts,
        links=process_links(root, row.slug),
    )


async def _described(db: Database, slug: str) -> tuple[Process, dict[str, int], str]:
    async with db.read() as session:
        row = await process_store.get_process(session, slug)
        assert row.id is not None
        counts = await process_store.count_events(session, row.id)
        events = await log_version(session, [row.id])
        items = await item_log_version(session, [row.id])
    return row, counts, f"{events}.{items}"


def _etag(row: Process, log: str) -> str:
    # The representation carries counts, so the ETag moves with the event and item logs too.
    return version_etag("process", row.slug, f"{row.version}.{log}")


class ProcessController(Controller):
    """`/api/v1/processes`."""

    path = "/api/v1/processes"
    tags = ["processes"]
    dependencies = {"actor": Provide(authenticate)}

    @post(
        "/",
        operation_id="createProcess",
        summary="Start tracking a process (admin)",
        status_code=201,
        responses=problems(400, 401, 403, 409, 413, 422, 429),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ProcessCreate],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Response[ProcessPublic]:
        """Store a process; 201 with Location and ETag, 409 when the slug is taken."""
        actor.require_admin()
        async with db.write() as session:
            row = await process_store.create_process(session, data.model_dump(), now=utcnow())
        counts = {"events": 0, "items": 0}
        body = _public(row, counts, base_url(request))
        return json_response(
            request,
            body,
            etag=_etag(row, "0.0.0"),
            status_code=201,
            headers={"Location": body.links.self},
        )

    @get("/", operation_id="listProcesses", summary="Every process", responses=problems(422, 429))
    async def list_all(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        limit: Limit = 100,
        cursor: Cursor = None,
    ) -> Response[ProcessPage]:
        """Processes ordered by slug, a page at a time."""
        after = decode_cursor(cursor, 1)[0] if cursor else None
        root = base_url(request)
        async with db.read() as session:
            rows = await process_store.list_processes(session, after=after, limit=limit + 1)
            page = rows[:limit]
            counts = await process_store.count_events_many(session, [r.id for r in page if r.id])
            items = [_public(row, counts[row.id], root) for row in page if row.id is not None]
        more = encode_cursor([rows[limit - 1].slug]) if len(rows) > limit else None
        return json_response(request, ProcessPage(items=items, next=next_url(request, more)))

    @get(
        "/{slug:str}",
        operation_id="getProcess",
        summary="One process with its counts and links",
        responses=problems(404, 429),
    )
    async def read(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[Database]
    ) -> Response[ProcessPublic]:
        """The process; 304 when If-None-Match matches."""
        row, counts, log = await _described(db, slug)
        return json_response(request, _public(row, counts, base_url(request)), etag=_etag(row, log))

    @patch(
        "/{slug:str}",
        operation_id="updateProcess",
        summary="Change a process (JSON merge patch, If-Match required)",
        responses=problems(400, 401, 403, 404, 412, 413, 422, 428, 429),
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[ProcessPatch],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Response[ProcessPublic]:
        """Apply the patch if the process is still at the If-Match version."""
        actor.require_admin()
        version = expected_version(request, "process", slug)
        async with db.write() as session:
            await process_store.update_process(
                session,
                slug,
                data.model_dump(exclude_unset=True),
                expected_version=version,
                now=utcnow(),
            )
        row, counts, log = await _described(db, slug)
        return json_response(request, _public(row, counts, base_url(request)), etag=_etag(row, log))
