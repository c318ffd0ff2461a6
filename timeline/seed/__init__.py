"""Demo data sets, loaded with `timeline seed NAME`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from timeline.clock import utcnow
from timeline.domain.errors import NotFound
from timeline.seed import ahc_cybercrime
from timeline.store import events as event_store
from timeline.store.db import Database
from timeline.store.processes import create_process, get_process

__all__ = ["SEEDS", "load_seed", "seed_event_id"]

SEEDS: dict[str, Any] = {"ahc-cybercrime": ahc_cybercrime}
_NAMESPACE = uuid.UUID("6f1b3f3e-3c55-4a39-9a43-6f0f7b1f2b10")


def seed_event_id(slug: str, key: str) -> str:
    """The stable id of a seeded event, the same on every machine."""
    return uuid.uuid5(_NAMESPACE, f"{slug}/{key}").hex[:16]


def _resolve(value: Any, slug: str) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return seed_event_id(slug, value[1:])
    if isinstance(value, list):
        return [_resolve(v, slug) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, slug) for k, v in value.items()}
    return value


async def load_seed(db: Database, name: str) -> tuple[str, int] | None:
    """Load the data set `name`; returns (slug, revisions written), or None if already loaded.

    Every step is applied in the order it became public, so the log reads chronologically.
    """
    module = SEEDS.get(name)
    if module is None:
        raise NotFound(f"no data set {name!r} (known: {', '.join(sorted(SEEDS))})")
    slug = module.PROCESS["slug"]
    steps = sorted(
        (
            (dt.date.fromisoformat(known_on), order, key, index, body)
            for order, (key, history) in enumerate(module.SEED_EVENTS)
            for index, (known_on, body) in enumerate(history)
        ),
        key=lambda step: (step[0], step[1], step[3]),
    )
    async with db.write() as session:
        try:
            await get_process(session, slug)
            return None
        except NotFound:
            pass
        process = await create_process(session, dict(module.PROCESS), now=utcnow())
        for known_on, _, key, index, body in steps:
            event_id = seed_event_id(slug, key)
            resolved = _resolve(body, slug)
            if index == 0:
                await event_store.create_event(
                    session,
                    process,
                    resolved,
                    known_on=known_on,
                    actor="seed",
                    now=utcnow(),
                    event_id=event_id,
                )
            else:
                await event_store.update_event(
                    session,
                    process,
                    event_id,
                    resolved,
                    expected_version=None,
                    known_on=known_on,
                    actor="seed",
                    now=utcnow(),
                )
        extra = getattr(module, "load_extra", None)
        if extra is not None:
            await extra(session, process)
    return slug, len(steps)
