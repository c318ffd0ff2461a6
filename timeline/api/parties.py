"""Parties and groups: the packaged registry (`/parties`, `/groups`, with members on a day) and
the groups editors add to one process (`/processes/{slug}/groups`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Response
from litestar.params import FromPath

from timeline.api.auth import WriteController
from timeline.api.common import AnyRequest, base_url, json_bytes_response
from timeline.api.params import AsOf
from timeline.api.position_common import record_etag
from timeline.api.process_routes import as_of_route, create_route, keyed_as_of_route
from timeline.api.routes import read_route
from timeline.domain.parties import Group
from timeline.schemas.positions import (
    GroupPublic,
    GroupsPublic,
    PartiesPublic,
    PartyPublic,
    ProcessGroupCreate,
)
from timeline.services import parties as party_service
from timeline.store.db import Database
from timeline.store.positions import RecordState

__all__ = ["GroupController", "PartyController", "ProcessGroupController"]


def _group(group: Group, as_of: Any, process: str | None = None) -> dict[str, Any]:
    return {**group.to_json(as_of), "process": process}


class PartyController(Controller):
    """`/api/v1/parties`: every state and organization that can take a position."""

    path = "/api/v1/parties"
    tags = ["parties"]

    @read_route("/", "listParties", "Every party", errors=(429,))
    async def list_parties(self, request: AnyRequest) -> Response[PartiesPublic]:
        """The 193 UN members, the observer States and the EU, with the registry's sources."""
        return json_bytes_response(request, party_service.list_parties())

    @read_route("/{code:str}", "getParty", "One party", errors=(404, 429))
    async def read(self, request: AnyRequest, code: FromPath[str]) -> Response[PartyPublic]:
        """The party with this code (ISO 3166-1 alpha-3, or EU)."""
        return json_bytes_response(request, party_service.read_party(code).to_json())


class GroupController(Controller):
    """`/api/v1/groups`: regional and negotiating groups with dated membership."""

    path = "/api/v1/groups"
    tags = ["parties"]

    @read_route("/", "listGroups", "Every group", errors=(422, 429))
    async def list_groups(self, request: AnyRequest, as_of: AsOf = None) -> Response[GroupsPublic]:
        """Every registry group; with `as_of`, only the memberships active that day."""
        groups = [_group(g, as_of) for g in party_service.registry().groups]
        return json_bytes_response(request, {"groups": groups})

    @read_route("/{key:str}", "getGroup", "One group, its members on a day")
    async def read(
        self, request: AnyRequest, key: FromPath[str], as_of: AsOf = None
    ) -> Response[GroupPublic]:
        """The group; with `as_of`, only the members that belonged to it that day."""
        return json_bytes_response(request, _group(party_service.read_registry_group(key), as_of))


async def _process_groups(db: Database, slug: str, as_of: dt.date | None) -> dict[str, Any]:
    groups = await party_service.list_process_groups(db, slug, as_of)
    return {"groups": [_group(g, as_of, slug) for g in groups]}


def _created(
    request: AnyRequest, slug: str, made: tuple[Group, RecordState]
) -> Response[GroupPublic]:
    group, state = made
    location = f"{base_url(request)}/api/v1/processes/{slug}/groups/{group.key}"
    return json_bytes_response(
        request,
        _group(group, None, slug),
        etag=record_etag("group", state.key, state.version),
        status_code=201,
        headers={"Location": location},
    )


async def _process_group(
    db: Database, slug: str, key: str, as_of: dt.date | None
) -> dict[str, Any]:
    group, _ = await party_service.read_process_group(db, slug, key, as_of)
    return _group(group, as_of, slug)


class ProcessGroupController(WriteController):
    """`/api/v1/processes/{slug}/groups`: groups an editor defines for one process."""

    path = "/api/v1/processes/{slug:str}/groups"
    tags = ["parties"]

    # Store the group; 422 naming unknown members, 409 when the key is taken.
    create = create_route(
        "createProcessGroup",
        "Define a group for this process",
        data=ProcessGroupCreate,
        body=GroupPublic,
        create=party_service.create_process_group,
        respond=_created,
    )

    # The process's groups as known on `as_of`, their members on that day.
    list_groups = as_of_route(
        "/",
        "listProcessGroups",
        "The groups of this process",
        answer=_process_groups,
        body=GroupsPublic,
    )

    # The group as known on `as_of`, with its members on that day.
    read = keyed_as_of_route(
        "/{key:str}",
        "getProcessGroup",
        "One group of this process",
        answer=_process_group,
        body=GroupPublic,
    )
