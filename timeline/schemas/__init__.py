"""The public API contract: request and response shapes (pydantic; never table models).

Request models forbid unknown fields, so `id`, `version` or a misspelt field is a 422 naming it.
Response models describe exactly what is served; the OpenAPI document is generated from them.
One module per area; everything public is re-exported here.
"""

from __future__ import annotations

from timeline.schemas.analysis import (
    AnalysedEvent,
    DeadlineAssessment,
    EifBody,
    EifProjectionBody,
    EifRule,
    EifScenarioBody,
    RiskBody,
)
from timeline.schemas.common import Day, Kind, Precision, Status, Strict
from timeline.schemas.events import (
    Dependency,
    EventCreate,
    EventFields,
    EventLinks,
    EventPage,
    EventPatch,
    EventPublic,
    HistoryPage,
    Revision,
    Source,
    UpcomingEvent,
    UpcomingPage,
)
from timeline.schemas.items import (
    ItemCreate,
    ItemLinks,
    ItemPage,
    ItemPatch,
    ItemPublic,
    ItemRevisionPublic,
    ItemStatus,
)
from timeline.schemas.positions import (
    AxisPut,
    GroupMemberIn,
    GroupPublic,
    GroupsPublic,
    PartiesPublic,
    PartyPublic,
    PlacementPut,
    ProcessGroupCreate,
    ProposalCreate,
    RecordPublic,
    RecordRevisionPublic,
    RollEntry,
    RollPut,
    StancePut,
)
from timeline.schemas.processes import (
    ProcessCreate,
    ProcessLinks,
    ProcessPage,
    ProcessPatch,
    ProcessPublic,
)

__all__ = [
    "AnalysedEvent",
    "AxisPut",
    "Day",
    "DeadlineAssessment",
    "Dependency",
    "EifBody",
    "EifProjectionBody",
    "EifRule",
    "EifScenarioBody",
    "EventCreate",
    "EventFields",
    "EventLinks",
    "EventPage",
    "EventPatch",
    "EventPublic",
    "GroupMemberIn",
    "GroupPublic",
    "GroupsPublic",
    "HistoryPage",
    "ItemCreate",
    "ItemLinks",
    "ItemPage",
    "ItemPatch",
    "ItemPublic",
    "ItemRevisionPublic",
    "ItemStatus",
    "Kind",
    "PartiesPublic",
    "PartyPublic",
    "PlacementPut",
    "Precision",
    "ProcessCreate",
    "ProcessGroupCreate",
    "ProcessLinks",
    "ProcessPage",
    "ProcessPatch",
    "ProcessPublic",
    "ProposalCreate",
    "RecordPublic",
    "RecordRevisionPublic",
    "Revision",
    "RiskBody",
    "RollEntry",
    "RollPut",
    "Source",
    "StancePut",
    "Status",
    "Strict",
    "UpcomingEvent",
    "UpcomingPage",
]
