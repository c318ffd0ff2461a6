"""The methods both clients share: every endpoint, declared once from its call description.

`Client` and `AsyncClient` inherit these; what each description means is in
`timeline_client._calls` and `timeline_client._position_calls`, how a client runs it in
`timeline_client._endpoint`."""

from __future__ import annotations

from abc import abstractmethod
from typing import Generic, TypeVar

from timeline_client import _calls as calls
from timeline_client import _position_calls as pcalls
from timeline_client._core import Core, EtagCache, MemoryCache, RetryPolicy
from timeline_client._endpoint import each, every, one

__all__ = ["Api"]

Transport = TypeVar("Transport")


class Api(Generic[Transport]):
    """The endpoints of the timeline API as methods (see each method for what it does), and
    how a client is set up; `Transport` is the httpx transport type the client can be given."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        cache: EtagCache | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.core = Core(base_url, token, retry or RetryPolicy(), cache or MemoryCache())
        self._connect(timeout, transport)

    @abstractmethod
    def _connect(self, timeout: float, transport: Transport | None) -> None:
        """Open the client's connection pool."""

    # Processes
    create_process = one(calls.create_process)
    get_process = one(calls.get_process)
    update_process = one(calls.update_process)
    processes = each(calls.processes)

    # Events
    create_event = one(calls.create_event)
    get_event = one(calls.get_event)
    update_event = one(calls.update_event)
    delete_event = one(calls.delete_event)
    history = every(calls.history)

    # Reading
    timeline = each(calls.timeline)
    upcoming = each(calls.upcoming)

    # Items
    create_item = one(calls.create_item)
    get_item = one(calls.get_item)
    update_item = one(calls.update_item)
    items = each(calls.items)

    # Positions
    parties = one(pcalls.parties)
    groups = one(pcalls.groups)
    group = one(pcalls.group)
    proposals = one(pcalls.proposals)
    create_proposal = one(pcalls.create_proposal)
    proposal = one(pcalls.proposal)
    put_position = one(pcalls.put_position)
    forecast = one(pcalls.forecast)
    spectrum = one(pcalls.spectrum)
    vote = one(pcalls.vote)
    put_vote = one(pcalls.put_vote)

    # Analysis
    risks = one(calls.risks)
    entry_into_force = one(calls.entry_into_force)

    # Feeds
    calendar = one(calls.calendar)
    event_calendar = one(calls.event_calendar)
    changes_atom = one(calls.changes_atom)
    changes_json = one(calls.changes_json)
    digest = one(calls.digest)
    timelinejs = one(calls.timelinejs)

    # Bundles and health
    apply_bundle = one(calls.apply_bundle)
    health = one(calls.health)
