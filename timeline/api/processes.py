"""Processes: create (admin), list, read with counts and links, change."""

from __future__ import annotations

from litestar import Response
from litestar.params import JSONBody

from timeline.api.auth import WriteController
from timeline.api.common import (
    ActorDep,
    AnyRequest,
    Db,
    base_url,
    decode_cursor,
    json_response,
    next_url,
    resource_response,
    utcnow,
)
from timeline.api.conditional import expected_version, version_etag
from timeline.api.params import Cursor, Limit, Slug
from timeline.api.routes import admin_post, change_route, read_route
from timeline.schemas import ProcessCreate, ProcessPage, ProcessPatch, ProcessPublic
from timeline.services import processes as process_service
from timeline.services.processes import DescribedProcess

__all__ = ["ProcessController"]


def _respond(
    request: AnyRequest, described: DescribedProcess, *, created: bool = False
) -> Response[ProcessPublic]:
    etag = version_etag("process", described.body.slug, described.version)
    return resource_response(request, described.body, etag, created=created)


class ProcessController(WriteController):
    """`/api/v1/processes`."""

    path = "/api/v1/processes"
    tags = ["processes"]

    @admin_post("/", "createProcess", "Start tracking a process (admin)", status_code=201)
    async def create(
        self, request: AnyRequest, data: JSONBody[ProcessCreate], db: Db, actor: ActorDep
    ) -> Response[ProcessPublic]:
        """Store a process; 201 with Location and ETag, 409 when the slug is taken."""
        actor.require_admin()
        described = await process_service.create_process(
            db, data.model_dump(), root=base_url(request), now=utcnow()
        )
        return _respond(request, described, created=True)

    @read_route("/", "listProcesses", "Every process", errors=(422, 429))
    async def list_all(
        self, request: AnyRequest, db: Db, limit: Limit = 100, cursor: Cursor = None
    ) -> Response[ProcessPage]:
        """Processes ordered by slug, a page at a time."""
        after = decode_cursor(cursor, 1)[0] if cursor else None
        items, last = await process_service.process_page(
            db, after=after, limit=limit, root=base_url(request)
        )
        more = None if last is None else [last]
        return json_response(request, ProcessPage(items=items, next=next_url(request, more)))

    @read_route(
        "/{slug:str}", "getProcess", "One process with its counts and links", errors=(404, 429)
    )
    async def read(self, request: AnyRequest, slug: Slug, db: Db) -> Response[ProcessPublic]:
        """The process; 304 when If-None-Match matches."""
        return _respond(
            request, await process_service.describe_process(db, slug, root=base_url(request))
        )

    @change_route(
        "/{slug:str}", "updateProcess", "Change a process (JSON merge patch, If-Match required)"
    )
    async def update(
        self, request: AnyRequest, slug: Slug, data: JSONBody[ProcessPatch], db: Db, actor: ActorDep
    ) -> Response[ProcessPublic]:
        """Apply the patch if the process is still at the If-Match version."""
        actor.require_admin()
        version = expected_version(request, "process", slug)
        described = await process_service.update_process(
            db,
            slug,
            data.model_dump(exclude_unset=True),
            expected_version=version,
            root=base_url(request),
            now=utcnow(),
        )
        return _respond(request, described)
