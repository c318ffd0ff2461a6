"""The items service: check, write and read a process's negotiation items, and present them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Unpack

from timeline.domain.errors import InvalidFields
from timeline.domain.items import ItemState
from timeline.domain.writes import GuardedWrite, WriteStamp
from timeline.schemas.items import ItemLinks, ItemPublic
from timeline.store import items as item_store
from timeline.store.db import Database
from timeline.store.processes import get_process

__all__ = ["ItemPage", "create_item", "item_page", "item_public", "read_item", "update_item"]

# Fields a merge patch may not remove (null), since every item has them.
_REQUIRED = ("title", "status")

ItemPage = tuple[list[ItemState], str | None]
"""One page of items, and the key of its last item when more follow (else None)."""


async def create_item(
    db: Database,
    slug: str,
    fields: dict[str, Any],
    **stamp: Unpack[WriteStamp],
) -> ItemState:
    """Store a new item of process `slug` with its first revision; NotFound without the
    process, Conflict when the key is taken."""
    async with db.write() as session:
        process = await get_process(session, slug)
        return await item_store.create_item(session, process, fields, **stamp)


async def item_page(
    db: Database, slug: str, as_of: dt.date | None, *, after: str | None, limit: int
) -> ItemPage:
    """The items of `slug` ordered by key, those after key `after`, at most `limit`; with
    `as_of`, as known that day (later items left out)."""
    async with db.read() as session:
        process = await get_process(session, slug)
        states = await item_store.item_states(session, process, as_of)
    if after is not None:
        states = [s for s in states if s.key > after]
    page = states[:limit]
    return page, (page[-1].key if len(states) > limit else None)


async def read_item(db: Database, slug: str, key: str, as_of: dt.date | None) -> ItemState:
    """One item with its history, now or as known on `as_of`; NotFound when unknown then."""
    async with db.read() as session:
        process = await get_process(session, slug)
        return await item_store.get_item(session, process, key, as_of)


async def update_item(
    db: Database,
    slug: str,
    key: str,
    changes: dict[str, Any],
    **write: Unpack[GuardedWrite],
) -> ItemState:
    """Apply a merge patch if the item is still at `expected_version`; InvalidFields when it
    removes a required field, PreconditionFailed when the version moved on."""
    for name in _REQUIRED:
        if name in changes and changes[name] is None:
            raise InvalidFields.one(name, "cannot be removed")
    async with db.write() as session:
        process = await get_process(session, slug)
        return await item_store.update_item(session, process, key, changes, **write)


def item_public(state: ItemState, root: str) -> ItemPublic:
    """The API representation of an item state, its links under `root`."""
    api = f"{root}/api/v1/processes/{state.process}"
    links = ItemLinks(self=f"{api}/items/{state.key}", process=api)
    # ItemState has every other field ItemPublic serves under the same names, and its history's
    # entries (ItemChange) every field of a revision as served.
    fields = {f.name: getattr(state, f.name) for f in dataclasses.fields(state)}
    return ItemPublic.model_validate({**fields, "links": links}, from_attributes=True)
