"""Python client for the timeline API. Depends only on httpx.

    from timeline_client import Client
    with Client("https://timeline.example.org", token="...") as api:
        for event in api.upcoming(days=30):
            print(event.start, event.title)

`AsyncClient` is the same, awaited.
"""

from timeline_client import errors, models
from timeline_client._core import CachedReply, EtagCache, FileCache, MemoryCache, RetryPolicy
from timeline_client._position_calls import PositionRecord
from timeline_client.aio import AsyncClient
from timeline_client.client import Client
from timeline_client.errors import *  # noqa: F403 (each module's __all__ is the one list)
from timeline_client.models import *  # noqa: F403

__version__ = "0.1.0"

__all__ = [
    "AsyncClient",
    "CachedReply",
    "Client",
    "EtagCache",
    "FileCache",
    "MemoryCache",
    "PositionRecord",
    "RetryPolicy",
]
__all__ += errors.__all__
__all__ += models.__all__
