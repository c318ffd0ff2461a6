"""Analyses of a process: deadline risks and the entry-into-force projection, as known on a day.

Both bodies are pure functions of (the log, `as_of`): the same log and day give the same bytes,
and the ETag names the log version and the day, so If-None-Match answers 304 without computing.
The models below document the bodies (OpenAPI); the bodies are encoded from the analyses' own
`to_json()` without a pass through them, and tests check that they conform.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from pydantic import BaseModel

from timeline.analysis import analysis_version, assess_entry_into_force, assess_risks
from timeline.api.common import json_bytes_response, today
from timeline.api.conditional import is_not_modified, not_modified, version_etag
from timeline.api.events import AsOf
from timeline.api.problems import problems
from timeline.store.db import Database

__all__ = ["AnalysisController", "EifBody", "RiskBody"]


class AnalysedEvent(BaseModel):
    """The event an analysis is about."""

    id: str
    title: str
    date: str
    start: dt.date
    end: dt.date


class DeadlineAssessment(BaseModel):
    """One deadline assessed on `as_of`; `reasons` are sentences with their numbers."""

    event: AnalysedEvent
    status: str
    p_meet: float | None
    slack_days: int | None
    projected_date: dt.date | None
    capacity_days: float
    open_items: int
    open_items_effective: float
    observed_pace: float
    required_pace: float | None
    reasons: list[str]


class RiskBody(BaseModel):
    """`GET .../risks`: every deadline of the process, assessed on `as_of`."""

    as_of: dt.date
    model: str
    deadlines: list[DeadlineAssessment]


class EifRule(BaseModel):
    """The adopted entry-into-force rule."""

    event: AnalysedEvent
    instruments: int
    delay_days: int


class EifProjectionBody(BaseModel):
    """When the threshold is projected to be reached, as entry-into-force dates."""

    p50: dt.date | None
    p80: dt.date | None
    observed_per_month: float
    needed_per_month: float
    low_evidence: bool


class EifScenarioBody(BaseModel):
    """What another proposed threshold would give."""

    instruments: int
    proposed_by: list[str]
    reached_on: dt.date | None
    entry_into_force: dt.date | None
    p50: dt.date | None
    p80: dt.date | None


class EifBody(BaseModel):
    """`GET .../entry-into-force`."""

    as_of: dt.date
    rule: EifRule | None
    count: int
    reached_on: dt.date | None
    entry_into_force: dt.date | None
    projection: EifProjectionBody | None
    scenarios: list[EifScenarioBody]


def _etag(kind: str, slug: str, version: str, as_of: dt.date) -> str:
    return version_etag(kind, slug, f"{version}.{as_of.isoformat()}")


async def _not_modified(
    request: Request[Any, Any, Any], db: Database, kind: str, slug: str, day: dt.date
) -> Response[Any] | None:
    """304 when the client already holds this analysis of the current log; None otherwise.

    Only conditional requests pay for the look at the log version; the others go straight to
    the analysis, which reads it anyway.
    """
    if "if-none-match" not in request.headers:
        return None
    etag = _etag(kind, slug, await analysis_version(db, slug), day)
    return not_modified(etag) if is_not_modified(request, etag) else None


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
        day = as_of or today()
        unchanged = await _not_modified(request, db, "risks", slug, day)
        if unchanged is not None:
            return unchanged
        report = await assess_risks(db, slug, day)
        return json_bytes_response(
            request, report.to_json(), etag=_etag("risks", slug, report.log_version, day)
        )

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
        day = as_of or today()
        unchanged = await _not_modified(request, db, "eif", slug, day)
        if unchanged is not None:
            return unchanged
        analysis = await assess_entry_into_force(db, slug, day)
        return json_bytes_response(
            request, analysis.to_json(), etag=_etag("eif", slug, analysis.log_version, day)
        )
