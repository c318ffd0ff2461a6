"""The spectrum of a process (up to two axes and the placements on them) and the recorded
rolls of its vote_point events."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Response
from litestar.params import FromPath, JSONBody

from timeline.api.auth import WriteController
from timeline.api.common import ActorDep, AnyRequest, Db
from timeline.api.params import AsOf, Slug
from timeline.api.position_common import put_record, record_response
from timeline.api.process_routes import as_of_route, records_answer
from timeline.api.routes import put_route, read_route
from timeline.schemas.positions import AxisPut, PlacementPut, RecordPublic, RollPut
from timeline.services import spectrum as spectrum_service
from timeline.services import votes as vote_service
from timeline.services.spectrum import placement_key
from timeline.store.positions import RecordState

__all__ = ["SpectrumController", "VoteController"]


class SpectrumController(WriteController):
    """`/api/v1/processes/{slug}/spectrum` and its axes."""

    path = "/api/v1/processes/{slug:str}"
    tags = ["positions"]

    # Every axis and placement known on `as_of` (each with since when and its sources).
    read = as_of_route(
        "/spectrum",
        "getSpectrum",
        "The axes and placements, as known on a day",
        answer=spectrum_service.spectrum,
    )

    @put_route("/axes/{axis:str}", "putAxis", "Name an axis (at most two per process)")
    async def put_axis(
        self,
        request: AnyRequest,
        slug: Slug,
        axis: FromPath[str],
        data: JSONBody[AxisPut],
        db: Db,
        actor: ActorDep,
    ) -> Response[RecordPublic]:
        """Create the axis (201) or rename it (If-Match); 422 naming `axis` for a third."""
        write = partial(spectrum_service.put_axis, db, slug, axis)
        path = f"/api/v1/processes/{slug}/spectrum"
        return await put_record(request, actor, slug, ("axis", axis), data, write, path)

    @put_route(
        "/axes/{axis:str}/placements/{holder:str}",
        "putPlacement",
        "Place a party or group on an axis (-1 to 1)",
    )
    async def put_placement(
        self,
        request: AnyRequest,
        slug: Slug,
        axis: FromPath[str],
        holder: FromPath[str],
        data: JSONBody[PlacementPut],
        db: Db,
        actor: ActorDep,
    ) -> Response[RecordPublic]:
        """A new revision of the placement: 201 the first time, then If-Match; 422 naming
        `value` outside -1..1, `axis` or `holder` when unknown."""
        write = partial(spectrum_service.put_placement, db, slug, axis, holder)
        target = ("placement", placement_key(axis, holder))
        path = f"/api/v1/processes/{slug}/spectrum"
        return await put_record(request, actor, slug, target, data, write, path)


class VoteController(WriteController):
    """`/api/v1/processes/{slug}/votes/{event_id}`: the recorded roll of a vote_point event."""

    path = "/api/v1/processes/{slug:str}/votes"
    tags = ["positions"]

    # Every roll known on `as_of`, ordered by event id.
    list_votes = as_of_route(
        "/",
        "listVotes",
        "The recorded rolls of the process",
        answer=records_answer("votes", vote_service.list_rolls),
    )

    @read_route("/{event_id:str}", "getVote", "The recorded roll of a vote_point event")
    async def read(
        self,
        request: AnyRequest,
        slug: Slug,
        event_id: FromPath[str],
        db: Db,
        as_of: AsOf = None,
    ) -> Response[RecordPublic]:
        """The roll, its counts and outcome by the event's rule, as known on `as_of`."""
        return record_response(request, await vote_service.read_roll(db, slug, event_id, as_of))

    @put_route("/{event_id:str}", "putVote", "Record who voted how on a vote_point event")
    async def put_vote(
        self,
        request: AnyRequest,
        slug: Slug,
        event_id: FromPath[str],
        data: JSONBody[RollPut],
        db: Db,
        actor: ActorDep,
    ) -> Response[RecordPublic]:
        """Check the roll against the registry and the event's counts, compute the outcome by
        the event's rule, and store it (201 first, then If-Match); 422 naming each bad entry."""

        async def write(document: dict[str, Any], **revision: Any) -> tuple[RecordState, bool]:
            roll, sources = document["roll"], document["sources"]
            return await vote_service.put_roll(db, slug, event_id, roll, sources, **revision)

        path = f"/api/v1/processes/{slug}/votes/{event_id}"
        return await put_record(request, actor, slug, ("roll", event_id), data, write, path)
