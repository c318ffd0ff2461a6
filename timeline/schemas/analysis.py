"""The analyses' bodies (deadline risks, entry into force), as OpenAPI documents them.

The bodies are encoded from the analyses' own `to_json()` (`timeline.domain.risk`,
`timeline.domain.eif`) without a pass through these models; the tests check that they conform.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

__all__ = [
    "AnalysedEvent",
    "DeadlineAssessment",
    "EifBody",
    "EifProjectionBody",
    "EifRule",
    "EifScenarioBody",
    "RiskBody",
]


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
