"""Negotiation items of a process: create, list, read (now or as of a day) and change.

Reads carry each item's status history; changes are JSON merge patches with If-Match.
"""

from __future__ import annotations

from litestar import Response
from litestar.params import FromPath, JSONBody

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
)
from timeline.api.conditional import version_etag
from timeline.api.params import AsOf, Cursor, Limit, Slug
from timeline.api.process_routes import create_route, patch_record
from timeline.api.routes import change_route, read_route
from timeline.domain.errors import InvalidFields
from timeline.domain.items import ItemState
from timeline.schemas.items import ItemCreate, ItemPage, ItemPatch, ItemPublic
from timeline.services import items as item_service
from timeline.services.items import item_public

__all__ = ["ItemController", "item_etag"]


def item_etag(key: str, version: int) -> str:
    """The ETag of one version of an item."""
    return version_etag("item", key, version)


def _one(request: AnyRequest, state: ItemState, *, created: bool = False) -> Response[ItemPublic]:
    body = item_public(state, base_url(request))
    return resource_response(request, body, item_etag(state.key, state.version), created=created)


def _created(request: AnyRequest, slug: str, state: ItemState) -> Response[ItemPublic]:
    return _one(request, state, created=True)


class ItemController(WriteController):
    """`/api/v1/processes/{slug}/items`."""

    path = "/api/v1/processes/{slug:str}/items"
    tags = ["items"]

    # Store the item with its first revision; 201 with Location and ETag; 409 when the key is
    # taken.
    create = create_route(
        "createItem",
        "Record a negotiation item",
        data=ItemCreate,
        body=ItemPublic,
        create=item_service.create_item,
        respond=_created,
    )

    @read_route("/", "listItems", "The items, with their status on a day and their history")
    async def list_items(
        self,
        request: AnyRequest,
        slug: Slug,
        db: Db,
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
        page, last = await item_service.item_page(db, slug, as_of, after=after, limit=limit)
        more = None if last is None else [last]
        root = base_url(request)
        return json_response(
            request,
            ItemPage(items=[item_public(s, root) for s in page], next=next_url(request, more)),
        )

    @read_route("/{key:str}", "getItem", "One item, now or as known on a day")
    async def read(
        self, request: AnyRequest, slug: Slug, key: FromPath[str], db: Db, as_of: AsOf = None
    ) -> Response[ItemPublic]:
        """The item with its history; 304 when If-None-Match names its ETag."""
        return _one(request, await item_service.read_item(db, slug, key, as_of))

    @change_route(
        "/{key:str}", "updateItem", "Change an item (JSON merge patch, If-Match required)"
    )
    async def update(
        self,
        request: AnyRequest,
        slug: Slug,
        key: FromPath[str],
        data: JSONBody[ItemPatch],
        db: Db,
        actor: ActorDep,
    ) -> Response[ItemPublic]:
        """Apply the patch if the item is still at the If-Match version; 412 when not, 428
        without If-Match; nothing changes in either case."""
        target = ("item", key)
        state = await patch_record(request, db, actor, slug, target, data, item_service.update_item)
        return _one(request, state)
