"""Route factories for the families of alike routes under `/processes/{slug}`: the GETs that
answer a resource as known on a day (`?as_of=`) and the POSTs that create a record; and the
body the PATCHes of a versioned record share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from litestar import Controller, Response, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel

from timeline.api.auth import Actor
from timeline.api.common import ActorDep, AnyRequest, Db, json_bytes_response, utcnow, write_fields
from timeline.api.conditional import expected_version
from timeline.api.params import AsOf
from timeline.api.problems import problems
from timeline.api.routes import RouteDecorator, read_route
from timeline.services.positions import record_public
from timeline.store.db import Database
from timeline.store.positions import RecordState

__all__ = [
    "AsOfAnswer",
    "Creator",
    "KeyedAnswer",
    "as_of_get",
    "as_of_route",
    "create_route",
    "keyed_as_of_route",
    "patch_record",
    "records_answer",
]

AsOfAnswer = Callable[[Database, str, dt.date | None], Awaitable[dict[str, Any]]]
"""What a route of the family serves: the JSON-ready body for (db, process slug, as_of)."""

KeyedAnswer = Callable[[Database, str, str, dt.date | None], Awaitable[dict[str, Any]]]
"""What a keyed route serves: the JSON-ready body for (db, process slug, key, as_of)."""

# The request and response models, named in the handlers' signatures: Litestar resolves them
# from each route's `signature_namespace` (the models given to the factory).
_Body = dict[str, Any]
_Data = BaseModel
_Made = TypeVar("_Made")
_Made_co = TypeVar("_Made_co", covariant=True)


class Creator(Protocol[_Made_co]):
    """A service call that stores a new record of process `slug` from a body's fields."""

    def __call__(
        self,
        db: Database,
        slug: str,
        document: dict[str, Any],
        /,
        *,
        known_on: dt.date,
        actor: str,
        now: dt.datetime,
    ) -> Awaitable[_Made_co]: ...


def as_of_get(path: str, operation_id: str, summary: str, body: Any) -> RouteDecorator:
    """The GET decorator of a route that answers as known on a day: `read_route`, the
    handler's `_Body` return type resolved to the model `body`."""
    return read_route(path, operation_id, summary, signature_namespace={"_Body": body})


def as_of_route(
    path: str,
    operation_id: str,
    summary: str,
    *,
    answer: AsOfAnswer,
    body: Any = dict[str, Any],
) -> HTTPRouteHandler:
    """The GET route at `path` under a `{slug}` controller that serves `answer(db, slug,
    as_of)` as JSON with an ETag of its bytes (304 on a matching If-None-Match), documented
    with the model `body`."""

    @as_of_get(path, operation_id, summary, body)
    async def read(
        self: Controller, request: AnyRequest, slug: FromPath[str], db: Db, as_of: AsOf = None
    ) -> Response[_Body]:
        return json_bytes_response(request, await answer(db, slug, as_of))

    return read


def keyed_as_of_route(
    path: str,
    operation_id: str,
    summary: str,
    *,
    answer: KeyedAnswer,
    body: Any = dict[str, Any],
) -> HTTPRouteHandler:
    """`as_of_route` for one resource named by `{key}` in `path`: serves `answer(db, slug, key,
    as_of)`."""

    @as_of_get(path, operation_id, summary, body)
    async def read(
        self: Controller,
        request: AnyRequest,
        slug: FromPath[str],
        key: FromPath[str],
        db: Db,
        as_of: AsOf = None,
    ) -> Response[_Body]:
        return json_bytes_response(request, await answer(db, slug, key, as_of))

    return read


def records_answer(
    name: str, states: Callable[[Database, str, dt.date | None], Awaitable[Sequence[RecordState]]]
) -> AsOfAnswer:
    """An answer listing the records `states` finds, as `{name: [record, ...]}`."""

    async def answer(db: Database, slug: str, as_of: dt.date | None) -> dict[str, Any]:
        found = await states(db, slug, as_of)
        return {name: [record_public(s).model_dump(mode="json") for s in found]}

    return answer


def create_route(
    operation_id: str,
    summary: str,
    *,
    data: Any,
    body: Any,
    create: Creator[_Made],
    respond: Callable[[AnyRequest, str, _Made], Response[Any]],
) -> HTTPRouteHandler:
    """The POST route at `/` under a `{slug}` controller providing `actor`: an editor of the
    process sends a `data` body, `create` stores its fields (without `known_on`, the day the
    change became public) and `respond` answers (201 with Location and ETag), documented with
    the model `body`."""

    @post(
        "/",
        operation_id=operation_id,
        summary=summary,
        status_code=201,
        responses=problems(400, 401, 403, 404, 409, 413, 415, 422, 429),
        signature_namespace={"_Data": data, "_Body": body},
    )
    async def created(
        self: Controller,
        request: AnyRequest,
        slug: FromPath[str],
        data: JSONBody[_Data],
        db: Db,
        actor: ActorDep,
    ) -> Response[_Body]:
        actor.require_process(slug)
        fields, known_on = write_fields(data)
        made = await create(db, slug, fields, known_on=known_on, actor=actor.name, now=utcnow())
        return respond(request, slug, made)

    return created


async def patch_record(
    request: AnyRequest,
    db: Database,
    actor: Actor,
    slug: str,
    target: tuple[str, str],
    data: BaseModel,
    change: Callable[..., Awaitable[_Made]],
) -> _Made:
    """A JSON merge patch of the record `target` (kind, key) of process `slug`: the caller may
    edit the process, If-Match names the version (428 without, 412 for a stale one), and
    `change(db, slug, key, fields, expected_version=, known_on=, actor=, now=)` stores the
    fields the body sends (without `known_on`, the day the change became public)."""
    actor.require_process(slug)
    kind, key = target
    version = expected_version(request, kind, key)
    fields, known_on = write_fields(data, patch=True)
    return await change(
        db,
        slug,
        key,
        fields,
        expected_version=version,
        known_on=known_on,
        actor=actor.name,
        now=utcnow(),
    )
