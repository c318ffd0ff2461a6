"""The votes service: the recorded roll of a vote_point event (who voted how), checked against
the party registry and the event's counts, its outcome by the event's rule, and the rolls a
forecast learns from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import InvalidFields, NotFound
from timeline.domain.votes import ADOPTION_WORDS, validate_roll
from timeline.services.parties import registry
from timeline.store import positions as store
from timeline.store.db import Database
from timeline.store.events import get_event
from timeline.store.processes import get_process
from timeline.store.tables import Process

__all__ = ["list_rolls", "put_roll", "read_roll", "recorded_votes", "votes_of"]

_COUNTS = ("yes", "no", "abstain")


async def put_roll(
    db: Database,
    slug: str,
    event_id: str,
    roll: list[dict[str, Any]],
    sources: list[dict[str, Any]],
    *,
    expected_version: int | None,
    known_on: dt.date,
    actor: str,
    now: dt.datetime,
) -> tuple[store.RecordState, bool]:
    """Record (or replace) the roll of vote_point event `event_id`; (state, created).

    InvalidFields naming `event` when it is not a vote_point of the process or was adopted
    without a vote (it records `adoption`, so it has no roll), `rule` when the
    event has none, `roll.N.party` for an unknown or repeated code, `counts.X` when the event's
    counts disagree with the roll. Nothing is stored then.
    """
    async with db.write() as session:
        process = await get_process(session, slug)
        try:
            event = await get_event(session, process, event_id)
        except NotFound:
            raise InvalidFields.one("event", f"no event {event_id!r} in {slug!r}") from None
        if event.kind != "vote_point":
            raise InvalidFields.one("event", f"{event_id!r} is a {event.kind}, not a vote_point")
        attributes = event.attributes
        if (adoption := attributes.get("adoption")) is not None:
            # Adopted without a vote: there is no roll to record, and one would contradict it.
            how = ADOPTION_WORDS.get(str(adoption), str(adoption))
            raise InvalidFields.one("event", f"{event_id!r} was adopted {how}, so it has no roll")
        rule = attributes.get("rule")
        if not rule:
            raise InvalidFields.one("rule", f"event {event_id!r} has no rule to count by")
        counts = {k: attributes[k] for k in _COUNTS if attributes.get(k) is not None}
        recorded = validate_roll(str(rule), roll, registry().codes, counts)
        document = {"event": event_id, **recorded.to_json(), "sources": sources}
        return await store.put_record(
            session,
            process,
            "roll",
            event_id,
            document,
            expected_version=expected_version,
            known_on=known_on,
            actor=actor,
            now=now,
        )


async def read_roll(
    db: Database, slug: str, event_id: str, as_of: dt.date | None
) -> store.RecordState:
    """The roll of `event_id` with its history, as known on `as_of`; NotFound when unknown."""
    async with db.read() as session:
        process = await get_process(session, slug)
        return await store.get_record(session, process, "roll", event_id, as_of=as_of)


async def list_rolls(db: Database, slug: str, as_of: dt.date | None) -> list[store.RecordState]:
    """Every recorded roll of process `slug` as known on `as_of`, ordered by event id."""
    async with db.read() as session:
        process = await get_process(session, slug)
        return await store.list_records(session, process, "roll", as_of=as_of)


async def recorded_votes(
    session: AsyncSession, process: Process, day: dt.date
) -> dict[str, list[str]]:
    """Each party's recorded votes in the process known on `day`, rolls in event-id order."""
    return votes_of((await store.replay_documents(session, process, "roll", as_of=day)).values())


def votes_of(rolls: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Each party's votes in the stored roll documents `rolls`, in the order given."""
    votes: dict[str, list[str]] = {}
    for document in rolls:
        for entry in document.get("roll", ()):
            votes.setdefault(entry["party"], []).append(entry["vote"])
    return votes
