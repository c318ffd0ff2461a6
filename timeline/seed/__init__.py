"""Demo data sets, loaded with `timeline seed NAME` from the data files shipped in this package."""

from __future__ import annotations

import datetime as dt
from typing import Any

from timeline.clock import utcnow
from timeline.domain.errors import NotFound
from timeline.seed.dataset import available, read_dataset, seed_event_id
from timeline.seed.positions import load_positions
from timeline.services import events as event_service
from timeline.store.db import Database
from timeline.store.items import create_item, update_item
from timeline.store.processes import create_process, get_process

__all__ = ["SEEDS", "load_seed", "seed_event_id"]

# The data sets' names when the package was imported: `timeline/seed/<name>.json`, each
# described by `process.schema.json`.
SEEDS: tuple[str, ...] = tuple(available())


def _recorded(known_on: dt.date) -> dict[str, Any]:
    # Every step is written by the actor "seed", recorded now, public from its own day.
    return {"known_on": known_on, "actor": "seed", "now": utcnow()}


async def load_seed(db: Database, name: str) -> tuple[str, int] | None:
    """Load the data set `name`; returns (slug, event revisions written), or None if loaded.

    Every step is applied in the order it became public, so the log reads chronologically;
    the events first, then the negotiation items, all in one transaction; then the position
    records (axes, placements, proposals, stances) through the positions services, each in
    its own transaction as an editor's write would be.
    """
    known = available()  # read now: a data file added since import is loadable too
    if name not in known:
        raise NotFound(f"no data set {name!r} (known: {', '.join(known)})")
    data = read_dataset(name)
    slug = data.process["slug"]
    async with db.write() as session:
        try:
            await get_process(session, slug)
            return None
        except NotFound:
            pass
        process = await create_process(session, dict(data.process), now=utcnow())
        for event in data.events:
            if event.first:
                await event_service.create_event(
                    session,
                    process,
                    event.body,
                    event_id=event.event_id,
                    **_recorded(event.known_on),
                )
            else:
                await event_service.update_event(
                    session,
                    process,
                    event.event_id,
                    event.body,
                    expected_version=None,
                    **_recorded(event.known_on),
                )
        for item in data.items:
            if item.first:
                await create_item(session, process, item.body, **_recorded(item.known_on))
            else:
                await update_item(
                    session,
                    process,
                    item.key,
                    item.body,
                    expected_version=None,
                    **_recorded(item.known_on),
                )
    await load_positions(db, slug, data.positions)
    return slug, len(data.events)
