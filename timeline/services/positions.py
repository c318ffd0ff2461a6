"""The positions service: proposals, the stances parties and groups take on them (replayed as
known on a day, a party's own stance over its groups'), and the vote forecast."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Unpack

from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import InvalidFields, NotFound
from timeline.domain.forecast import FORECAST_RULES, forecast
from timeline.domain.parties import STANCES, resolve_stances
from timeline.domain.writes import GuardedWrite, WriteStamp
from timeline.schemas.positions import RecordPublic
from timeline.services import parties as party_service
from timeline.services.votes import votes_of
from timeline.store import positions as store
from timeline.store.db import Database
from timeline.store.items import item_states
from timeline.store.processes import get_process
from timeline.store.tables import Process

__all__ = [
    "create_proposal",
    "eligible_parties",
    "held_view",
    "list_proposals",
    "proposal_forecast",
    "proposal_history",
    "proposal_view",
    "put_held_record",
    "put_stance",
    "read_stance",
    "record_public",
    "stance_key",
]


def stance_key(proposal: str, holder: str) -> str:
    """The record key of `holder`'s stance on `proposal`."""
    return f"{proposal}/{holder}"


@cache
def eligible_parties() -> tuple[str, ...]:
    """The parties that vote: the UN member states (observers and the EU do not)."""
    return tuple(
        sorted(p.code for p in party_service.registry().parties if p.kind == "member_state")
    )


async def create_proposal(
    db: Database,
    slug: str,
    document: dict[str, Any],
    **stamp: Unpack[WriteStamp],
) -> store.RecordState:
    """Store a new proposal of process `slug`; Conflict when the key is taken, InvalidFields
    naming `item` when it names an item the process does not have."""
    async with db.write() as session:
        process = await get_process(session, slug)
        if document.get("item") is not None:
            from_items = await _item_keys(session, process)
            if document["item"] not in from_items:
                raise InvalidFields.one("item", f"no item {document['item']!r} in {slug!r}")
        state, _ = await store.put_record(
            session, process, "proposal", document["key"], document, create=True, **stamp
        )
    return state


async def _item_keys(session: AsyncSession, process: Process) -> set[str]:
    return {s.key for s in await item_states(session, process)}


async def put_stance(
    db: Database,
    slug: str,
    proposal: str,
    holder: str,
    document: dict[str, Any],
    **write: Unpack[GuardedWrite],
) -> tuple[store.RecordState, bool]:
    """Record `holder`'s stance on `proposal` as a new revision; (state, created).

    InvalidFields naming `proposal` when there is no such proposal, `holder` for an unknown
    party or group, `stance` for an unknown stance; If-Match rules as for events.
    """
    if document.get("stance") not in STANCES:
        raise InvalidFields.one("stance", f"must be one of {', '.join(STANCES)}")
    parent = ("proposal", proposal)
    return await put_held_record(db, slug, "stance", parent, holder, document, "stance", **write)


async def put_held_record(
    db: Database,
    slug: str,
    kind: str,
    parent: tuple[str, str],
    holder: str,
    document: dict[str, Any],
    steady: str,
    **write: Unpack[GuardedWrite],
) -> tuple[store.RecordState, bool]:
    """A new revision of `holder`'s record of `kind` under the `parent` (kind, key) record,
    keyed `parent/holder`; (state, created). InvalidFields naming the parent's kind when there
    is no such parent, `holder` for an unknown party or group; If-Match rules as for events."""
    parent_kind, parent_key = parent
    async with db.write() as session:
        process = await get_process(session, slug)
        try:
            await store.get_record(session, process, parent_kind, parent_key)
        except NotFound:
            message = f"no {parent_kind} {parent_key!r} in {slug!r}"
            raise InvalidFields.one(parent_kind, message) from None
        groups = await party_service.process_groups(session, process, None)
        kind_of_holder = party_service.holder_kind(holder, groups)
        full = {parent_kind: parent_key, "holder": holder, "holder_kind": kind_of_holder}
        return await store.put_record(
            session,
            process,
            kind,
            f"{parent_key}/{holder}",
            {**full, **document},
            parent=parent_key,
            steady=steady,
            **write,
        )


async def read_stance(
    db: Database, slug: str, proposal: str, holder: str, as_of: dt.date | None
) -> store.RecordState:
    """One stance with its history, now or as known on `as_of`; NotFound when unknown then."""
    async with db.read() as session:
        process = await get_process(session, slug)
        return await store.get_record(
            session, process, "stance", stance_key(proposal, holder), as_of=as_of, steady="stance"
        )


async def list_proposals(db: Database, slug: str, as_of: dt.date | None) -> list[store.RecordState]:
    """The proposals of `slug` ordered by key, as known on `as_of`."""
    async with db.read() as session:
        process = await get_process(session, slug)
        return await store.list_records(session, process, "proposal", as_of=as_of)


async def _inputs(
    session: AsyncSession, process: Process, proposal: str, day: dt.date
) -> tuple[store.RecordState, list[store.RecordState], dict[str, frozenset[str]]]:
    """The proposal, its stances and every group's members, all as known on `day`."""
    found = await store.get_record(session, process, "proposal", proposal, as_of=day)
    stances = await store.list_records(
        session, process, "stance", parent=proposal, as_of=day, steady="stance"
    )
    groups = await party_service.process_groups(session, process, day)
    return found, stances, party_service.members_on(groups, day)


def held_view(state: store.RecordState, steady: str) -> dict[str, Any]:
    """A held record (a stance, a placement) as a view lists it: who holds it, the `steady`
    field's value (the stance, the value), since when, on what source."""
    return {
        "holder": state.document["holder"],
        "holder_kind": state.document["holder_kind"],
        steady: state.document[steady],
        "since": state.since.isoformat(),
        "known_on": state.known_on.isoformat(),
        "version": state.version,
        "sources": state.document.get("sources", []),
        "note": state.document.get("note"),
    }


def _split(stances: list[store.RecordState]) -> tuple[dict[str, Any], dict[str, Any]]:
    own = {s.document["holder"]: s.document["stance"] for s in stances if _is(s, "party")}
    held = {s.document["holder"]: s.document["stance"] for s in stances if _is(s, "group")}
    return own, held


def _is(state: store.RecordState, kind: str) -> bool:
    return bool(state.document.get("holder_kind") == kind)


async def proposal_view(
    db: Database, slug: str, proposal: str, day: dt.date
) -> tuple[store.RecordState, dict[str, Any]]:
    """The proposal as known on `day` with every stance known then (who holds it, since when,
    on what source) and the stance that holds for each party; NotFound when unknown then."""
    async with db.read() as session:
        process = await get_process(session, slug)
        found, stances, members = await _inputs(session, process, proposal, day)
    own, held = _split(stances)
    codes = [p.code for p in party_service.registry().parties]
    resolved = resolve_stances(codes, own, held, members)
    counts = {s: 0 for s in (*STANCES, "mixed", "none")}
    for r in resolved.values():
        counts[r.stance or ("mixed" if r.source == "mixed" else "none")] += 1
    view = {
        "as_of": day.isoformat(),
        "stances": [held_view(s, "stance") for s in stances],
        "counts": counts,
        "parties": [r.to_json() for r in resolved.values() if r.source is not None],
    }
    return found, view


async def proposal_forecast(
    db: Database, slug: str, proposal: str, day: dt.date, rule: str | None = None
) -> dict[str, Any]:
    """Would the proposal pass if put to a vote on `day`, from what was known that day only.

    Under `rule` (default: the proposal's; a consensus proposal is forecast under the
    two-thirds vote it falls back to). NotFound when the proposal was not known on `day`.
    """
    async with db.read() as session:
        inputs = await store.proposal_inputs(session, slug, proposal, day)
        if not inputs["proposal"]:
            await get_process(session, slug)  # NotFound naming the process when it is that
            raise NotFound(f"no proposal {proposal!r} known in {slug!r} on {day}")
    found, stances = inputs["proposal"], inputs["stance"]
    groups = [party_service.group_from_record(d) for d in inputs["group"].values()]
    votes = votes_of(inputs["roll"].values())
    own: dict[str, str] = {}
    held: dict[str, str] = {}
    for document in stances.values():
        target = own if document.get("holder_kind") == "party" else held
        target[document["holder"]] = document["stance"]
    members = party_service.members_on(groups, day)
    chosen = rule or str(found[proposal].get("rule") or FORECAST_RULES[0])
    fallback = None
    if chosen == "consensus" and rule is None:
        chosen, fallback = FORECAST_RULES[0], "consensus"
    result = forecast(chosen, eligible_parties(), own, held, members, votes).to_json()
    return {"proposal": proposal, "as_of": day.isoformat(), "fallback_from": fallback, **result}


async def proposal_history(
    db: Database, slug: str, proposal: str, as_of: dt.date | None
) -> list[dict[str, Any]]:
    """Every revision of the proposal and of each stance on it known on `as_of`, in the order
    they became known (known_on, then the order they were recorded); NotFound when the
    proposal was not known then."""
    async with db.read() as session:
        process = await get_process(session, slug)
        found = await store.get_record(session, process, "proposal", proposal, as_of=as_of)
        stances = await store.list_records(session, process, "stance", parent=proposal, as_of=as_of)
    entries = [
        {
            "kind": state.kind,
            "key": state.key,
            "holder": state.document.get("holder"),
            "version": change.version,
            "change": change.change,
            "known_on": change.known_on.isoformat(),
            "recorded_at": change.recorded_at.isoformat(),
            "actor": change.actor,
            "fields": change.fields,
        }
        for state in (found, *stances)
        for change in state.history
    ]
    return sorted(entries, key=lambda e: (e["known_on"], e["recorded_at"], e["key"]))


def record_public(state: store.RecordState) -> RecordPublic:
    """The API representation of a position record as known on the day asked about."""
    # RecordState has every field RecordPublic serves, and its history's entries every field
    # of a RecordRevisionPublic (RecordChange), under the same names.
    return RecordPublic.model_validate(state, from_attributes=True)
