"""Negotiation items as the API takes and serves them: creation, merge patches, history, pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from timeline.domain.items import ItemStatus
from timeline.schemas.common import Day, Strict

__all__ = [
    "ItemCreate",
    "ItemLinks",
    "ItemPage",
    "ItemPatch",
    "ItemPublic",
    "ItemRevisionPublic",
    "ItemStatus",
]


class ItemCreate(Strict):
    """A new negotiation item; `known_on` is the day it became public (default: today)."""

    key: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
    title: str = Field(min_length=1, max_length=300)
    chapter: str | None = Field(default=None, max_length=300)
    status: ItemStatus = "open"
    known_on: Day | None = None


class ItemPatch(Strict):
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
