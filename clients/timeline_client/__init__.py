"""Python client for the timeline API. Depends only on httpx.

    from timeline_client import Client
    with Client("https://timeline.example.org", token="...") as api:
        for event in api.upcoming(days=30):
            print(event.start, event.title)

`AsyncClient` is the same, awaited.
"""

from timeline_client._core import CachedReply, EtagCache, FileCache, MemoryCache, RetryPolicy
from timeline_client._position_calls import PositionRecord
from timeline_client.aio import AsyncClient
from timeline_client.client import Client
from timeline_client.errors import (
    BadRequest,
    Conflict,
    ConnectionFailed,
    FieldError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    ProblemError,
    RateLimited,
    ServerError,
    TimelineError,
    Unauthorized,
    ValidationFailed,
)
from timeline_client.models import (
    DeadlineRisk,
    EntryIntoForce,
    Event,
    Feed,
    Item,
    Page,
    Process,
    Revision,
    RiskReport,
)

__version__ = "0.1.0"

__all__ = [
    "AsyncClient",
    "BadRequest",
    "CachedReply",
    "Client",
    "Conflict",
    "ConnectionFailed",
    "DeadlineRisk",
    "EntryIntoForce",
    "EtagCache",
    "Event",
    "Feed",
    "FieldError",
    "FileCache",
    "Forbidden",
    "Item",
    "MemoryCache",
    "NotFound",
    "Page",
    "PayloadTooLarge",
    "PositionRecord",
    "PreconditionFailed",
    "PreconditionRequired",
    "ProblemError",
    "Process",
    "RateLimited",
    "RetryPolicy",
    "Revision",
    "RiskReport",
    "ServerError",
    "TimelineError",
    "Unauthorized",
    "ValidationFailed",
]
