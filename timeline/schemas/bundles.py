"""The report `POST /api/v1/bundles` answers with: what applying a bundle did per process."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

__all__ = ["BundleProcessReport", "BundleReport"]


class BundleProcessReport(BaseModel):
    """One process of the bundle: created, unchanged or updated, with what was written."""

    slug: str
    result: Literal["created", "unchanged", "updated"]
    events_added: int
    events_updated: int
    revisions_added: int
    items_added: int
    items_updated: int
    item_revisions_added: int


class BundleReport(BaseModel):
    """Every process of the bundle, in the bundle's order, and how many had each result."""

    processes: list[BundleProcessReport]
    created: int
    unchanged: int
    updated: int
