"""A route factory for the family of GETs that answer one process's resource as known on a
day (`?as_of=`): the positions, spectrum, votes and process-group lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from litestar import Controller, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from timeline.api.common import AnyRequest, Db, json_bytes_response
from timeline.api.params import AsOf
from timeline.api.problems import problems
from timeline.services.positions import record_public
from timeline.store.db import Database
from timeline.store.positions import RecordState

__all__ = ["AsOfAnswer", "as_of_route", "records_answer"]

AsOfAnswer = Callable[[Database, str, dt.date | None], Awaitable[dict[str, Any]]]
"""What a route of the family serves: the JSON-ready body for (db, process slug, as_of)."""

# What the route answers, named in the handler's return type: Litestar resolves it from the
# route's `signature_namespace` (the body model given to `as_of_route`).
_Body = dict[str, Any]


def as_of_route(
    path: str,
    *,
    operation_id: str,
    summary: str,
    description: str,
    answer: AsOfAnswer,
    body: Any = dict[str, Any],
) -> HTTPRouteHandler:
    """The GET route at `path` under a `{slug}` controller that serves `answer(db, slug,
    as_of)` as JSON with an ETag of its bytes (304 on a matching If-None-Match), documented
    with `description` and the model `body`."""

    @get(
        path,
        operation_id=operation_id,
        summary=summary,
        description=description,
        responses=problems(404, 422, 429),
        signature_namespace={"_Body": body},
    )
    async def read(
        self: Controller, request: AnyRequest, slug: FromPath[str], db: Db, as_of: AsOf = None
    ) -> Response[_Body]:
        return json_bytes_response(request, await answer(db, slug, as_of))

    return read


def records_answer(
    name: str, states: Callable[[Database, str, dt.date | None], Awaitable[Sequence[RecordState]]]
) -> AsOfAnswer:
    """An answer listing the records `states` finds, as `{name: [record, ...]}`."""

    async def answer(db: Database, slug: str, as_of: dt.date | None) -> dict[str, Any]:
        found = await states(db, slug, as_of)
        return {name: [record_public(s).model_dump(mode="json") for s in found]}

    return answer
