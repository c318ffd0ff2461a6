"""Applying bundles: `timeline import` (new processes only) and `POST /api/v1/bundles`
(create, or bring forward a process whose stored history is a prefix of the bundle's), both
checked by `timeline.services.bundle.parse_bundle` and written in one transaction."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.schemas.bundles import BundleProcessReport, BundleReport
from timeline.services.bundle import Bundle, RevisionRecord, parse_bundle
from timeline.services.events import kept_calendar_entry
from timeline.store import bundle_apply as store
from timeline.store.db import Database

__all__ = ["apply_bundle", "apply_checked_bundle", "insert_bundle"]


async def insert_bundle(session: AsyncSession, bundle: Bundle) -> dict[str, int]:
    """Write a checked bundle (`parse_bundle`) whose processes and events are all new;
    refuses (InvalidFields naming the record, nothing written) one that exists. Returns how
    many processes, events, revisions and items were written."""
    return await store.insert_bundle(
        session, bundle, document=RevisionRecord.document, keep_entry=kept_calendar_entry
    )


async def apply_checked_bundle(session: AsyncSession, bundle: Bundle) -> BundleReport:
    """Apply a checked bundle in the session's transaction (see `apply_bundle`)."""
    outcomes = await store.apply_bundle(
        session, bundle, document=RevisionRecord.document, keep_entry=kept_calendar_entry
    )
    reports = [BundleProcessReport.model_validate(asdict(o)) for o in outcomes]
    return BundleReport(
        processes=reports,
        created=sum(r.result == "created" for r in reports),
        unchanged=sum(r.result == "unchanged" for r in reports),
        updated=sum(r.result == "updated" for r in reports),
    )


async def apply_bundle(db: Database, raw: Any) -> BundleReport:
    """Check a decoded export bundle and apply it in one transaction: each process is
    `created` (new), `unchanged` (already equal) or `updated` (the stored history of every
    event and item is a prefix of the bundle's; the rest is appended). A bad bundle raises
    InvalidFields naming the record and field; a process the bundle cannot bring forward
    raises Conflict naming it. Either way nothing is written."""
    bundle = parse_bundle(raw)
    async with db.write() as session:
        return await apply_checked_bundle(session, bundle)
