"""Who stands where, as the API takes and serves it: parties, groups, proposals, stances,
spectrum axes and placements, recorded vote rolls, and the forecast."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field

from timeline.schemas.common import Day, Strict
from timeline.schemas.events import Source

__all__ = [
    "AxisPut",
    "GroupMemberIn",
    "GroupPublic",
    "GroupsPublic",
    "PartiesPublic",
    "PartyPublic",
    "PlacementPut",
    "ProcessGroupCreate",
    "ProposalCreate",
    "RecordPublic",
    "RecordRevisionPublic",
    "RollEntry",
    "RollPut",
    "StancePut",
]

Key = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
Rule = Literal["consensus", "two_thirds_present_voting", "simple_majority_present_voting"]
StanceName = Literal["support", "oppose", "abstain", "undecided"]
Cast = Literal["yes", "no", "abstain", "absent"]


def _number(value: Any) -> Any:
    # A JSON true or false is not a position on an axis (pydantic would read it as 1 or 0).
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number from -1 to 1")
    return value


class PartyPublic(BaseModel):
    """A state or organization that can take a position."""

    code: str
    name: str
    kind: str
    regional_group: str | None
    also_participates_in: list[str]
    note: str | None


class PartiesPublic(BaseModel):
    """Every party, with the sources of the registry and its counts per regional group."""

    parties: list[PartyPublic]
    sources: list[dict[str, str]]
    counts_for_electoral_purposes: dict[str, int]


class MembershipPublic(BaseModel):
    """One party's membership of a group, from `joined` to `left` (both included)."""

    party: str
    joined: dt.date | None
    left: dt.date | None
    role: str
    note: str | None


class GroupPublic(BaseModel):
    """A group with its memberships: every one, or those active on `as_of`."""

    key: str
    name: str
    kind: str
    process: str | None = None
    as_of: dt.date | None
    members: list[MembershipPublic]
    sources: list[dict[str, Any]]
    notes: list[str]


class GroupsPublic(BaseModel):
    """Groups, ordered as the registry (or by key for a process's own)."""

    groups: list[GroupPublic]


class GroupMemberIn(Strict):
    """A member of a process group: a party code and the days it joined and left."""

    party: str = Field(min_length=1, max_length=8)
    joined: Day | None = None
    left: Day | None = None


class ProcessGroupCreate(Strict):
    """A group an editor defines for one process (e.g. one pole of the talks)."""

    key: str = Key
    name: str = Field(min_length=1, max_length=300)
    members: list[GroupMemberIn] = Field(max_length=300)
    sources: list[Source] = Field(default_factory=list, max_length=50)
    notes: list[str] = Field(default_factory=list, max_length=20)
    known_on: Day | None = None


class ProposalCreate(Strict):
    """A proposal that parties take positions on; `item` is the negotiation item it concerns."""

    key: str = Key
    title: str = Field(min_length=1, max_length=300)
    item: str | None = Field(default=None, max_length=100)
    rule: Rule = "two_thirds_present_voting"
    summary: str | None = Field(default=None, max_length=4000)
    sources: list[Source] = Field(default_factory=list, max_length=50)
    known_on: Day | None = None


class StancePut(Strict):
    """A party's or group's stance on a proposal, with where it was said and when it was known."""

    stance: StanceName
    sources: list[Source] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=2000)
    known_on: Day | None = None


class AxisPut(Strict):
    """A named spectrum axis of a process, from its low end (-1) to its high end (1)."""

    name: str = Field(min_length=1, max_length=200)
    low: str = Field(min_length=1, max_length=200, examples=["narrow"])
    high: str = Field(min_length=1, max_length=200, examples=["wide"])
    known_on: Day | None = None


class PlacementPut(Strict):
    """Where a party or group stands on an axis: -1 (low end) to 1 (high end), sourced."""

    value: Annotated[float, BeforeValidator(_number)] = Field(ge=-1, le=1)
    sources: list[Source] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=2000)
    known_on: Day | None = None


class RollEntry(Strict):
    """One party's recorded vote."""

    party: str = Field(min_length=1, max_length=8)
    vote: Cast


class RollPut(Strict):
    """The recorded vote of a vote_point event: who voted how; checked against its counts."""

    roll: list[RollEntry] = Field(max_length=400)
    sources: list[Source] = Field(default_factory=list, max_length=50)
    known_on: Day | None = None


class RecordRevisionPublic(BaseModel):
    """One revision of a position record, as it became known."""

    version: int
    change: str
    known_on: dt.date
    recorded_at: dt.datetime
    actor: str
    fields: dict[str, list[Any]]


class RecordPublic(BaseModel):
    """A proposal, stance, axis, placement or roll as known on the day asked about."""

    kind: str
    key: str
    process: str
    version: int
    known_on: dt.date
    since: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    document: dict[str, Any]
    history: list[RecordRevisionPublic]
