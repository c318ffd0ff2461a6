"""Events of a process: create, read (now or as of a day), change, delete, history."""

from __future__ import annotations

from litestar import Response, delete
from litestar.params import FromPath, JSONBody

from timeline.api.auth import WriteController
from timeline.api.common import (
    ActorDep,
    AnyRequest,
    Db,
    base_url,
    event_public,
    fresh,
    ics_response,
    json_response,
    resolve_known_on,
    resource_response,
    utcnow,
)
from timeline.api.conditional import expected_version, version_etag
from timeline.api.params import AsOf, KnownOn, Slug
from timeline.api.problems import problems
from timeline.api.process_routes import create_route, patch_record
from timeline.api.routes import change_route, read_route
from timeline.domain.model import EventState
from timeline.schemas import EventCreate, EventPatch, EventPublic, HistoryPage
from timeline.services import events as event_service
from timeline.services.calendar import event_calendar

__all__ = ["EventController", "event_etag"]


def event_etag(event_id: str, version: int) -> str:
    """The ETag of one version of an event."""
    return version_etag("event", event_id, version)


def _one(request: AnyRequest, state: EventState, *, created: bool = False) -> Response[EventPublic]:
    body = event_public(state, base_url(request))
    return resource_response(request, body, event_etag(state.id, state.version), created=created)


def _created(request: AnyRequest, slug: str, state: EventState) -> Response[EventPublic]:
    return _one(request, state, created=True)


class EventController(WriteController):
    """`/api/v1/processes/{slug}/events`."""

    path = "/api/v1/processes/{slug:str}/events"
    tags = ["events"]

    # Store an event with its first revision; 201 with Location and ETag.
    create = create_route(
        "createEvent",
        "Record a new event",
        data=EventCreate,
        body=EventPublic,
        create=event_service.record_event,
        respond=_created,
    )

    @read_route(
        "/{event_id:str}",
        "getEvent",
        "One event, now or as known on a day",
        description=(
            "JSON by default. `GET .../events/{event_id}.ics` answers the same event as "
            "text/calendar (one VEVENT, the entry the calendar feeds carry)."
        ),
    )
    async def read(
        self, request: AnyRequest, slug: Slug, event_id: FromPath[str], db: Db, as_of: AsOf = None
    ) -> Response[EventPublic]:
        """The event; 304 when If-None-Match names its current ETag."""
        if event_id.endswith(".ics"):
            # Litestar cannot route "{event_id}.ics" apart from "{event_id}" (a path parameter
            # takes the whole segment), so the .ics form is dispatched here: one event as a
            # calendar of one entry, the same entry the feeds carry.
            root, ident = base_url(request), event_id[: -len(".ics")]
            document = await event_calendar(
                db, root=root, slug=slug, event_id=ident, as_of=as_of, fresh=fresh(request)
            )
            return ics_response(document)
        return _one(request, await event_service.read_event(db, slug, event_id, as_of))

    @change_route(
        "/{event_id:str}", "updateEvent", "Change an event (JSON merge patch, If-Match required)"
    )
    async def update(
        self,
        request: AnyRequest,
        slug: Slug,
        event_id: FromPath[str],
        data: JSONBody[EventPatch],
        db: Db,
        actor: ActorDep,
    ) -> Response[EventPublic]:
        """Apply the patch if the event is still at the If-Match version; 412 when not."""
        target = ("event", event_id)
        state = await patch_record(
            request, db, actor, slug, target, data, event_service.change_event
        )
        return _one(request, state)

    @delete(
        "/{event_id:str}",
        operation_id="deleteEvent",
        summary="Delete an event (a tombstone; If-Match required)",
        status_code=204,
        responses=problems(401, 403, 404, 412, 422, 428, 429),
    )
    async def remove(
        self,
        request: AnyRequest,
        slug: Slug,
        event_id: FromPath[str],
        db: Db,
        actor: ActorDep,
        known_on: KnownOn = None,
    ) -> None:
        """Tombstone the event; its history keeps every revision."""
        actor.require_process(slug)
        version = expected_version(request, "event", event_id)
        await event_service.remove_event(
            db,
            slug,
            event_id,
            expected_version=version,
            known_on=resolve_known_on(known_on),
            actor=actor.name,
            now=utcnow(),
        )

    @read_route(
        "/{event_id:str}/history",
        "getEventHistory",
        "Every revision of an event, oldest first",
        errors=(404, 429),
    )
    async def history(
        self, request: AnyRequest, slug: Slug, event_id: FromPath[str], db: Db
    ) -> Response[HistoryPage]:
        """The append-only revisions with their field-by-field changes."""
        page = await event_service.event_history(db, slug, event_id)
        last = page.items[-1].version if page.items else 0
        return json_response(request, page, etag=version_etag("history", event_id, last))
