"""Analyses of a process: deadline risks and the entry-into-force projection, as known on a day.

Both bodies are pure functions of (the log, `as_of`): the same log and day give the same bytes,
and the ETag names the log version and the day, so If-None-Match answers 304 without computing.
The bodies are encoded from the analyses' own `to_json()`; `timeline.schemas.analysis`
documents them (OpenAPI) and tests check that they conform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from litestar import Controller, Response
from litestar.handlers import HTTPRouteHandler

from timeline.api.common import AnyRequest, Db, json_bytes_response, today
from timeline.api.conditional import is_not_modified, not_modified, version_etag
from timeline.api.params import AsOf, Slug
from timeline.api.process_routes import as_of_get
from timeline.schemas.analysis import EifBody, RiskBody
from timeline.services.analysis import (
    analysis_version,
    assess_entry_into_force,
    assess_risks,
)
from timeline.store.db import Database

__all__ = ["AnalysisController"]


class _Analysis(Protocol):
    @property
    def log_version(self) -> str: ...

    def to_json_bytes(self) -> bytes: ...


def _etag(kind: str, slug: str, version: str, as_of: dt.date) -> str:
    return version_etag(kind, slug, f"{version}.{as_of.isoformat()}")


async def _respond(
    request: AnyRequest,
    db: Database,
    kind: str,
    slug: str,
    as_of: dt.date | None,
    assess: Callable[[Database, str, dt.date], Awaitable[_Analysis]],
) -> Response[Any]:
    """The analysis on `as_of` (default today), or 304 when the client already holds it.

    Only conditional requests pay for a look at the log version first; the others go straight
    to the analysis, which reads it anyway.
    """
    day = as_of or today()
    if "if-none-match" in request.headers:
        etag = _etag(kind, slug, await analysis_version(db, slug), day)
        if is_not_modified(request, etag):
            return not_modified(etag)
    analysis = await assess(db, slug, day)
    return json_bytes_response(
        request, analysis.to_json_bytes(), etag=_etag(kind, slug, analysis.log_version, day)
    )


# What the route answers, named in each handler's return type: Litestar resolves it from the
# route's `signature_namespace` (the one body model); type checkers see either model.
_Body = RiskBody | EifBody


def _analysis_route(
    path: str,
    operation_id: str,
    summary: str,
    kind: str,
    assess: Callable[[Database, str, dt.date], Awaitable[_Analysis]],
    body: type[RiskBody | EifBody],
) -> HTTPRouteHandler:
    """The GET route of one analysis, answered by `assess`, documented with model `body`."""

    @as_of_get(path, operation_id, summary, body)
    async def analysis(
        self: Controller, request: AnyRequest, slug: Slug, db: Db, as_of: AsOf = None
    ) -> Response[_Body]:
        """The analysis on `as_of` (default today); 304 on a matching If-None-Match."""
        return await _respond(request, db, kind, slug, as_of, assess)

    return analysis


class AnalysisController(Controller):
    """`/api/v1/processes/{slug}/risks` and `/entry-into-force`."""

    path = "/api/v1/processes/{slug:str}"
    tags = ["analysis"]

    risks = _analysis_route(
        "/risks",
        "getRisks",
        "Will each deadline be met, and if not, why not",
        "risks",
        assess_risks,
        RiskBody,
    )
    entry_into_force = _analysis_route(
        "/entry-into-force",
        "getEntryIntoForce",
        "Instruments deposited, entry into force, and the proposed thresholds",
        "eif",
        assess_entry_into_force,
        EifBody,
    )
