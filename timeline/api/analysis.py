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

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from timeline.api.common import json_bytes_response, today
from timeline.api.conditional import is_not_modified, not_modified, version_etag
from timeline.api.params import AsOf
from timeline.api.problems import problems
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

    def to_json(self) -> dict[str, Any]: ...


def _etag(kind: str, slug: str, version: str, as_of: dt.date) -> str:
    return version_etag(kind, slug, f"{version}.{as_of.isoformat()}")


async def _respond(
    request: Request[Any, Any, Any],
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
        request, analysis.to_json(), etag=_etag(kind, slug, analysis.log_version, day)
    )


class AnalysisController(Controller):
    """`/api/v1/processes/{slug}/risks` and `/entry-into-force`."""

    path = "/api/v1/processes/{slug:str}"
    tags = ["analysis"]

    @get(
        "/risks",
        operation_id="getRisks",
        summary="Will each deadline be met, and if not, why not",
        responses=problems(404, 422, 429),
    )
    async def risks(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[Database],
        as_of: AsOf = None,
    ) -> Response[RiskBody]:
        """Every deadline assessed on `as_of` (default today); 304 on a matching If-None-Match."""
        return await _respond(request, db, "risks", slug, as_of, assess_risks)

    @get(
        "/entry-into-force",
        operation_id="getEntryIntoForce",
        summary="Instruments deposited, entry into force, and the proposed thresholds",
        responses=problems(404, 422, 429),
    )
    async def entry_into_force(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[Database],
        as_of: AsOf = None,
    ) -> Response[EifBody]:
        """The view on `as_of` (default today); 304 on a matching If-None-Match."""
        return await _respond(request, db, "eif", slug, as_of, assess_entry_into_force)
