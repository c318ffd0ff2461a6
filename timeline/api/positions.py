"""Proposals and the positions taken on them: create a proposal, record a party's or group's
stance (PUT with If-Match), read a proposal with every stance known on a day, and forecast
whether it would pass a vote on that day."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any

from litestar import Response
from litestar.params import FromPath, JSONBody, QueryParameter

from timeline.api.auth import WriteController
from timeline.api.common import ActorDep, AnyRequest, Db, base_url, json_bytes_response
from timeline.api.params import AsOf, Slug
from timeline.api.position_common import put_record, record_response
from timeline.api.process_routes import (
    as_of_route,
    create_route,
    keyed_as_of_route,
    records_answer,
)
from timeline.api.routes import put_route, read_route
from timeline.clock import today
from timeline.schemas.positions import ProposalCreate, RecordPublic, Rule, StancePut
from timeline.services import positions as service
from timeline.services.positions import record_public, stance_key
from timeline.store.db import Database
from timeline.store.positions import RecordState

__all__ = ["ProposalController"]

RuleParam = Annotated[
    Rule | None,
    QueryParameter(name="rule", description="Forecast under this rule (default: the proposal's)."),
]


def _created(request: AnyRequest, slug: str, state: RecordState) -> Response[RecordPublic]:
    location = f"{base_url(request)}/api/v1/processes/{slug}/proposals/{state.key}"
    return record_response(request, state, created=True, location=location)


async def _proposal_view(
    db: Database, slug: str, key: str, as_of: dt.date | None
) -> dict[str, Any]:
    state, view = await service.proposal_view(db, slug, key, as_of or today())
    return {"proposal": record_public(state).model_dump(mode="json"), **view}


async def _proposal_history(
    db: Database, slug: str, key: str, as_of: dt.date | None
) -> dict[str, Any]:
    return {"proposal": key, "history": await service.proposal_history(db, slug, key, as_of)}


class ProposalController(WriteController):
    """`/api/v1/processes/{slug}/proposals`."""

    path = "/api/v1/processes/{slug:str}/proposals"
    tags = ["positions"]

    # Store the proposal with its first revision; 201 with Location and ETag.
    create = create_route(
        "createProposal",
        "Record a proposal",
        data=ProposalCreate,
        body=RecordPublic,
        create=service.create_proposal,
        respond=_created,
    )

    # Proposals ordered by key; with `as_of`, as known that day.
    list_proposals = as_of_route(
        "/",
        "listProposals",
        "The proposals of the process",
        answer=records_answer("proposals", service.list_proposals),
    )

    # The proposal, each stance (who holds it, since when, on what source) and the stance that
    # holds for each party (its own over its groups'), as known on `as_of`.
    read = keyed_as_of_route(
        "/{key:str}",
        "getProposal",
        "A proposal with every stance known on a day",
        answer=_proposal_view,
    )

    # The revisions of the proposal and of every stance on it, in the order they became known;
    # with `as_of`, those known that day.
    history = keyed_as_of_route(
        "/{key:str}/history",
        "proposalHistory",
        "Every change to a proposal and its stances",
        answer=_proposal_history,
    )

    @read_route("/{key:str}/forecast", "forecastProposal", "Would it pass a vote on a day?")
    async def forecast(
        self,
        request: AnyRequest,
        slug: Slug,
        key: FromPath[str],
        db: Db,
        as_of: AsOf = None,
        rule: RuleParam = None,
    ) -> Response[dict[str, Any]]:
        """p_pass, expected counts, required_yes, declared and undeclared parties and the swing
        list, from what was known on `as_of` only (exact: the same log and day, the same bytes).
        """
        body = await service.proposal_forecast(db, slug, key, as_of or today(), rule)
        return json_bytes_response(request, body)

    @read_route(
        "/{key:str}/positions/{holder:str}",
        "getPosition",
        "One party's or group's stance, with its history",
    )
    async def read_position(
        self,
        request: AnyRequest,
        slug: Slug,
        key: FromPath[str],
        holder: FromPath[str],
        db: Db,
        as_of: AsOf = None,
    ) -> Response[RecordPublic]:
        """The stance as known on `as_of`, with its ETag (for If-Match) and history."""
        return record_response(request, await service.read_stance(db, slug, key, holder, as_of))

    @put_route(
        "/{key:str}/positions/{holder:str}",
        "putPosition",
        "Record a party's or group's stance (If-Match when it exists)",
    )
    async def put_position(
        self,
        request: AnyRequest,
        slug: Slug,
        key: FromPath[str],
        holder: FromPath[str],
        data: JSONBody[StancePut],
        db: Db,
        actor: ActorDep,
    ) -> Response[RecordPublic]:
        """A new revision of the stance: 201 the first time, then If-Match is required (428
        without, 412 when stale); 422 naming `proposal`, `holder` or `stance`."""
        write = partial(service.put_stance, db, slug, key, holder)
        target = ("stance", stance_key(key, holder))
        path = f"/api/v1/processes/{slug}/proposals/{key}/positions/{holder}"
        return await put_record(request, actor, slug, target, data, write, path)
