"""Negotiation items of a process: create, list and read (now or as of a day, with their
status histories), change (JSON merge patch with If-Match)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

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
from timeline.api.events import AsOf, resolve_known_on
from timeline.api.problems import problems
from timeline.domain.errors import InvalidFields
from timeline.domain.items import ItemState
from timeline.schemas import Day
from timeline.store import items as item_store
from timeline.store.db import Database
from timeline.store.processes import get_process

__all__ = [
    "ItemController",
    "ItemCreate",
    "ItemPage",
    "ItemPatch",
    "ItemPublic",
    "item_etag",
    "item_public",
]

ItemStatus = Literal["open", "informals", "agreed", "dropped"]
Limit = Annotated[
    int, QueryParameter(name="limit", ge=1, le=500, description="Page size (max 500).")
]
Cursor = Annotated[str | None, QueryParameter(name="cursor", description="Opaque page cursor.")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ItemCreate(_Strict):
    """A new negotiation item; `known_on` is the day it became public (default: today)."""

    key: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
    title: str = Field(min_length=1, max_length=300)
    chapter: str | None = Field(default=None, max_length=300)
    status: ItemStatus = "open"
    known_on: Day | None = None


class ItemPatch(_Strict):
    """A JSON merge patch of an item: title, chapter (null removes it), status, and `known_on`."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    chapter: str | None = Field(default=None, max_length=300)
    status: ItemStatus | None = None
    known_on: Day | None = None


class ItemRevisionPublic(BaseModel):
    """One revision of an item, as it became known."""

    version: int
    change: str
    known_on: dt.date
    recorded_at: dt.datetime
    actor: str
    status: str
    fields: dict[str, list[Any]]


class ItemLinks(BaseModel):
    """Where the item and its process live."""

    self: str
    process: str


class ItemPublic(BaseModel):
    """An item with its status on the day asked about and every revision known by then."""

    key: str
    process: str
    title: str
    chapter: str | None
    status: str
    version: int
    known_on: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    history: list[ItemRevisionPublic]
    links: ItemLinks


class ItemPage(BaseModel):
    """A page of items, ordered by key."""

    items: list[ItemPublic]
    next: str | None


def item_etag(key: str, version: int) -> str:
    """The ETag of one version of an item."""
    return version_etag("item", key, version)


def item_public(state: ItemState, root: str) -> ItemPublic:
    """The API representation of an item state."""
    api = f"{root}/api/v1/processes/{state.process}"
    return ItemPublic(
        key=state.key,
        process=state.process,
        title=state.title,
        chapter=state.chapter,
        status=state.status,
        version=state.version,
        known_on=state.known_on,
        created_at=state.created_at,
        updated_at=state.updated_at,
        history=[
            ItemRevisionPublic(
                version=c.version,
                change=c.change,
                known_on=c.known_on,
                recorded_at=c.recorded_at,
                actor=c.actor,
                status=c.status,
                fields=c.fields,
            )
            for c in state.history
        ],
        links=ItemLinks(self=f"{api}/items/{state.key}", process=api),
    )


class ItemController(Controller):
    """`/api/v1/processes/{slug}/items`."""

    path = "/api/v1/processes/{slug:str}/items"
    tags = ["items"]
    dependencies = {"actor": Provide(authenticate)}

    @post(
        "/",
        operation_id="createItem",
        summary="Record a negotiation item",
        status_code=201,
        responses=problems(400, 401, 403, 404, 409, 413, 422, 429),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[ItemCreate],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Response[ItemPublic]:
        """Store the item with its first revision; 201 with Location and ETag; 409 when the
        key is taken."""
        actor.require_process(slug)
        known_on = resolve_known_on(data.known_on)
        raw = data.model_dump(mode="json", exclude={"known_on"})
        async with db.write() as session:
            process = await get_process(session, slug)
            state = await item_store.create_item(
                session, process, raw, known_on=known_on, actor=actor.name, now=utcnow()
            )
        body = item_public(state, base_url(request))
        return json_response(
            request,
            body,
            etag=item_etag(state.key, state.version),
            status_code=201,
            headers={"Location": body.links.self},
        )

    @get(
        "/",
        operation_id="listItems",
        summary="The items, with their status on a day and their history",
        responses=problems(404, 422, 429),
    )
    async def list_items(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[Database],
        as_of: AsOf = None,
        limit: Limit = 100,
        cursor: Cursor = None,
    ) -> Response[ItemPage]:
        """Items ordered by key; with `as_of`, as known that day (later items left out)."""
        after = None
        if cursor:
            (after,) = decode_cursor(cursor, 1)
            if not isinstance(after, str):
                raise InvalidFields.one("cursor", "is not a cursor this service issued")
        async with db.read() as session:
            process = await get_process(session, slug)
            states = await item_store.item_states(session, process, as_of)
        if after is not None:
            states = [s for s in states if s.key > after]
        page = states[:limit]
        more = encode_cursor([page[-1].key]) if len(states) > limit else None
        root = base_url(request)
        return json_response(
            request,
            ItemPage(items=[item_public(s, root) for s in page], next=next_url(request, more)),
        )

    @get(
        "/{key:str}",
        operation_id="getItem",
        summary="One item, now or as known on a day",
        responses=problems(404, 422, 429),
    )
    async def read(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        key: FromPath[str],
        db: NamedDependency[Database],
        as_of: AsOf = None,
    ) -> Response[ItemPublic]:
        """The item with its history; 304 when If-None-Match names its ETag."""
        async with db.read() as session:
            process = await get_process(session, slug)
            state = await item_store.get_item(session, process, key, as_of)
        return json_response(
            request, item_public(state, base_url(request)), etag=item_etag(key, state.version)
        )

    @patch(
        "/{key:str}",
        operation_id="updateItem",
        summary="Change an item (JSON merge patch, If-Match required)",
        responses=problems(400, 401, 403, 404, 412, 413, 422, 428, 429),
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        key: FromPath[str],
        data: JSONBody[ItemPatch],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Response[ItemPublic]:
        """Apply the patch if the item is still at the If-Match version; 412 when not, 428
        without If-Match; nothing changes in either case."""
        actor.require_process(slug)
        version = expected_version(request, "item", key)
        changes = data.model_dump(mode="json", exclude_unset=True)
        known_on = resolve_known_on(data.known_on)
        changes.pop("known_on", None)
        for name in ("title", "status"):
            if name in changes and changes[name] is None:
                raise InvalidFields.one(name, "cannot be removed")
        async with db.write() as session:
            process = await get_process(session, slug)
            state = await item_store.update_item(
                session,
                process,
                key,
                changes,
                expected_version=version,
                known_on=known_on,
                actor=actor.name,
                now=utcnow(),
            )
        return json_response(
            request, item_public(state, base_url(request)), etag=item_etag(key, state.version)
        )
