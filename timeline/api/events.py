"""Events of a process: create, read (now or as of a day), change, delete, history."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter

from timeline.api.auth import Actor, authenticate
from timeline.api.calendar import event_ics_response
from timeline.api.common import base_url, event_public, json_response, today, utcnow
from timeline.api.conditional import expected_version, version_etag
from timeline.api.problems import problems
from timeline.domain.errors import InvalidFields
from timeline.schemas import EventCreate, EventPatch, EventPublic, HistoryPage, Revision
from timeline.services import events as event_store
from timeline.store.db import Database
from timeline.store.processes import get_process

__all__ = ["EventController", "event_etag", "resolve_known_on"]

AsOf = Annotated[
    dt.date | None,
    QueryParameter(
        name="as_of", description="Answer with what was known on this day (YYYY-MM-DD)."
    ),
]


def event_etag(event_id: str, version: int) -> str:
    """The ETag of one version of an event."""
    return version_etag("event", event_id, version)


def resolve_known_on(known_on: dt.date | None) -> dt.date:
    """The day a change became public: as given (never in the future), else today."""
    now = today()
    if known_on is None:
        return now
    if known_on > now:
        raise InvalidFields.one("known_on", "cannot be later than today")
    return known_on


class EventController(Controller):
    """`/api/v1/processes/{slug}/events`."""

    path = "/api/v1/processes/{slug:str}/events"
    tags = ["events"]
    dependencies = {"actor": Provide(authenticate)}

    @post(
        "/",
        operation_id="createEvent",
        summary="Record a new event",
        status_code=201,
        responses=problems(400, 401, 403, 404, 409, 413, 422, 429),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[EventCreate],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Response[EventPublic]:
        """Store an event with its first revision; 201 with Location and ETag."""
        actor.require_process(slug)
        known_on = resolve_known_on(data.known_on)
        raw = data.model_dump(mode="json", exclude={"known_on"})
        async with db.write() as session:
            process = await get_process(session, slug)
            state = await event_store.create_event(
                session, process, raw, known_on=known_on, actor=actor.name, now=utcnow()
            )
        body = event_public(state, base_url(request))
        return json_response(
            request,
            body,
            etag=event_etag(state.id, state.version),
            status_code=201,
            headers={"Location": body.links.self},
        )

    @get(
        "/{event_id:str}",
        operation_id="getEvent",
        summary="One event, now or as known on a day",
        description=(
            "JSON by default. `GET .../events/{event_id}.ics` answers the same event as "
            "text/calendar (one VEVENT, the entry the calendar feeds carry)."
        ),
        responses=problems(404, 422, 429),
    )
    async def read(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        event_id: FromPath[str],
        db: NamedDependency[Database],
        as_of: AsOf = None,
    ) -> Response[EventPublic]:
        """The event; 304 when If-None-Match names its current ETag."""
        if event_id.endswith(".ics"):
            # Litestar cannot route "{event_id}.ics" apart from "{event_id}" (a path parameter
            # takes the whole segment), so the .ics form is dispatched here.
            return await event_ics_response(request, db, slug, event_id[: -len(".ics")], as_of)
        async with db.read() as session:
            process = await get_process(session, slug)
            state = await event_store.get_event(session, process, event_id, as_of)
        return json_response(
            request,
            event_public(state, base_url(request)),
            etag=event_etag(state.id, state.version),
        )

    @patch(
        "/{event_id:str}",
        operation_id="updateEvent",
        summary="Change an event (JSON merge patch, If-Match required)",
        responses=problems(400, 401, 403, 404, 412, 413, 422, 428, 429),
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        event_id: FromPath[str],
        data: JSONBody[EventPatch],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Response[EventPublic]:
        """Apply the patch if the event is still at the If-Match version; 412 when not."""
        actor.require_process(slug)
        version = expected_version(request, "event", event_id)
        changes = data.model_dump(mode="json", exclude_unset=True)
        known_on = resolve_known_on(data.known_on)
        changes.pop("known_on", None)
        async with db.write() as session:
            process = await get_process(session, slug)
            state = await event_store.update_event(
                session,
                process,
                event_id,
                changes,
                expected_version=version,
                known_on=known_on,
                actor=actor.name,
                now=utcnow(),
            )
        return json_response(
            request,
            event_public(state, base_url(request)),
            etag=event_etag(state.id, state.version),
        )

    @delete(
        "/{event_id:str}",
        operation_id="deleteEvent",
        summary="Delete an event (a tombstone; If-Match required)",
        status_code=204,
        responses=problems(401, 403, 404, 412, 422, 428, 429),
    )
    async def remove(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        event_id: FromPath[str],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        known_on: Annotated[dt.date | None, QueryParameter(name="known_on")] = None,
    ) -> None:
        """Tombstone the event; its history keeps every revision."""
        actor.require_process(slug)
        version = expected_version(request, "event", event_id)
        day = resolve_known_on(known_on)
        async with db.write() as session:
            process = await get_process(session, slug)
            await event_store.delete_event(
                session,
                process,
                event_id,
                expected_version=version,
                known_on=day,
                actor=actor.name,
                now=utcnow(),
            )

    @get(
        "/{event_id:str}/history",
        operation_id="getEventHistory",
        summary="Every revision of an event, oldest first",
        responses=problems(404, 429),
    )
    async def history(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        event_id: FromPath[str],
        db: NamedDependency[Database],
    ) -> Response[HistoryPage]:
        """The append-only revisions with their field-by-field changes."""
        async with db.read() as session:
            process = await get_process(session, slug)
            revisions = await event_store.history(session, process, event_id)
        page = HistoryPage(
            event=event_id,
            items=[
                Revision(
                    version=r.version,
                    recorded_at=r.recorded_at,
                    known_on=r.known_on,
                    actor=r.actor,
                    change=r.change,
                    fields=r.fields,
                )
                for r in revisions
            ],
            next=None,
        )
        last = revisions[-1].version if revisions else 0
        return json_response(request, page, etag=version_etag("history", event_id, last))
