"""The synchronous client: `Client(base_url, token=...)`. Its twin is `AsyncClient`; both send
the same calls (`timeline_client._calls`) through the same rules (`timeline_client._core`)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import httpx

from timeline_client import _calls as calls
from timeline_client import _position_calls as pcalls
from timeline_client._core import Call, Core, EtagCache, MemoryCache, Reply, RetryPolicy
from timeline_client._position_calls import PositionRecord
from timeline_client.errors import ConnectionFailed
from timeline_client.models import (
    EntryIntoForce,
    Event,
    Feed,
    Item,
    Page,
    Process,
    Revision,
    RiskReport,
)

__all__ = ["Client"]

T = TypeVar("T")
DateLike = dt.date | str | None


class Client:
    """A blocking client of the timeline API.

    `token` is needed for writes only. Reads of feeds are cached by ETag; 429, 503 and
    connection errors are retried per `retry`; every create carries an Idempotency-Key that is
    the same on each of its retries, so a retried create never makes two.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        cache: EtagCache | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.core = Core(base_url, token, retry or RetryPolicy(), cache or MemoryCache())
        self._http = httpx.Client(timeout=timeout, transport=transport)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def send(self, call: Call[T]) -> T:
        """Send one call, retrying as the policy says; the reply read, or an exception."""
        prepared = self.core.prepare(call)
        attempt = 0
        while True:
            try:
                response = self._http.request(
                    prepared.method,
                    prepared.url,
                    headers=prepared.headers,
                    content=prepared.content,
                )
            except httpx.TransportError as error:
                wait = self.core.wait_after_error(attempt, prepared, error)
                if wait is None:
                    raise ConnectionFailed(f"cannot reach {prepared.url}: {error}") from error
                time.sleep(wait)
                attempt += 1
                continue
            reply = Reply(
                response.status_code, response.headers, response.content, str(response.url)
            )
            wait = self.core.wait_after_status(attempt, reply, prepared)
            if wait is None:
                return self.core.finish(call, prepared, reply)
            time.sleep(wait)
            attempt += 1

    def pages(self, first: Call[Page[T]]) -> Iterator[Page[T]]:
        """Every page of a list, following `next`."""
        page = self.send(first)
        yield page
        while page.next:
            page = self.send(calls.next_page(page.next, first))
            yield page

    def _each(self, first: Call[Page[T]]) -> Iterator[T]:
        for page in self.pages(first):
            yield from page.items

    # Processes ---------------------------------------------------------------------------

    def create_process(
        self,
        slug: str,
        title: str,
        *,
        description: str | None = None,
        timezone: str | None = None,
        url: str | None = None,
        idempotency_key: str | None = None,
    ) -> Process:
        """Start tracking a process (admin token)."""
        fields = {
            "slug": slug,
            "title": title,
            "description": description,
            "timezone": timezone,
            "url": url,
        }
        return self.send(calls.create_process(fields, idempotency_key))

    def get_process(self, slug: str) -> Process:
        """One process with its counts and links."""
        return self.send(calls.get_process(slug))

    def update_process(self, slug: str, changes: Mapping[str, Any], *, if_match: Any) -> Process:
        """Change a process; `if_match` is the ETag (or the Process) last read."""
        return self.send(calls.update_process(slug, changes, if_match))

    def processes(self, *, limit: int | None = None) -> Iterator[Process]:
        """Every process, page after page."""
        return self._each(calls.list_processes(limit))

    # Events ------------------------------------------------------------------------------

    def create_event(
        self,
        process: str,
        *,
        kind: str,
        title: str,
        date: str,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> Event:
        """Record an event (status, location, summary, tags, parent, depends_on, sources,
        attributes, known_on are optional keyword fields)."""
        document = {"kind": kind, "title": title, "date": date, **fields}
        return self.send(calls.create_event(process, document, idempotency_key))

    def get_event(self, process: str, event_id: str, *, as_of: DateLike = None) -> Event:
        """One event, now or as known on `as_of`."""
        return self.send(calls.get_event(process, event_id, as_of))

    def update_event(
        self,
        process: str,
        event_id: str,
        changes: Mapping[str, Any],
        *,
        if_match: Any,
        known_on: DateLike = None,
    ) -> Event:
        """Apply a JSON merge patch if the event is still at `if_match` (else 412)."""
        return self.send(calls.update_event(process, event_id, changes, if_match, known_on))

    def delete_event(
        self, process: str, event_id: str, *, if_match: Any, known_on: DateLike = None
    ) -> None:
        """Delete an event (it stays in the history) if it is still at `if_match`."""
        self.send(calls.delete_event(process, event_id, if_match, known_on))

    def history(self, process: str, event_id: str) -> list[Revision]:
        """Every revision of an event, oldest first."""
        return [r for page in self.pages(calls.history(process, event_id)) for r in page.items]

    # Reading -----------------------------------------------------------------------------

    def timeline(
        self,
        process: str,
        *,
        from_: DateLike = None,
        to: DateLike = None,
        kind: Iterable[str] | None = None,
        tag: Iterable[str] | None = None,
        status: Iterable[str] | None = None,
        as_of: DateLike = None,
        limit: int | None = None,
        q: str | None = None,
        location: str | None = None,
    ) -> Iterator[Event]:
        """Events overlapping `from_`..`to`, in timeline order, fetching pages as needed.

        With `q` (words, all of which must occur in an event's text) or `location` (a part of
        its location) only matching events come, best match first.
        """
        return self._each(
            calls.timeline(
                process,
                from_=from_,
                to=to,
                kind=kind,
                tag=tag,
                status=status,
                as_of=as_of,
                limit=limit,
                q=q,
                location=location,
            )
        )

    def upcoming(
        self,
        *,
        days: int | None = None,
        process: Iterable[str] | None = None,
        kind: Iterable[str] | None = None,
        as_of: DateLike = None,
        limit: int | None = None,
    ) -> Iterator[Event]:
        """Events starting within `days` and those under way, soonest first."""
        return self._each(
            calls.upcoming(days=days, process=process, kind=kind, as_of=as_of, limit=limit)
        )

    # Items -------------------------------------------------------------------------------

    def create_item(
        self,
        process: str,
        *,
        key: str,
        title: str,
        status: str,
        chapter: str | None = None,
        known_on: DateLike = None,
        idempotency_key: str | None = None,
    ) -> Item:
        """Record a negotiation item."""
        fields = {
            "key": key,
            "title": title,
            "status": status,
            "chapter": chapter,
            "known_on": known_on,
        }
        return self.send(calls.create_item(process, fields, idempotency_key))

    def get_item(self, process: str, key: str, *, as_of: DateLike = None) -> Item:
        """One item with its status on `as_of` and its history."""
        return self.send(calls.get_item(process, key, as_of))

    def update_item(
        self,
        process: str,
        key: str,
        changes: Mapping[str, Any],
        *,
        if_match: Any,
        known_on: DateLike = None,
    ) -> Item:
        """Change an item (its status) if it is still at `if_match`."""
        return self.send(calls.update_item(process, key, changes, if_match, known_on))

    def items(
        self, process: str, *, as_of: DateLike = None, limit: int | None = None
    ) -> Iterator[Item]:
        """The items of a process with their status on `as_of`."""
        return self._each(calls.list_items(process, as_of, limit))

    # Positions ---------------------------------------------------------------------------

    def parties(self) -> Any:
        """Every party (code, name, kind, regional group) with the registry's sources."""
        return self.send(pcalls.parties())

    def groups(self, *, as_of: DateLike = None) -> Any:
        """Every registry group; with `as_of`, the memberships active that day."""
        return self.send(pcalls.groups(as_of))["groups"]

    def group(self, key: str, *, as_of: DateLike = None) -> Any:
        """One registry group; with `as_of`, its members that day."""
        return self.send(pcalls.group(key, as_of))

    def proposals(self, process: str, *, as_of: DateLike = None) -> Any:
        """The proposals of a process, as known on `as_of`."""
        return self.send(pcalls.proposals(process, as_of))["proposals"]

    def create_proposal(
        self,
        process: str,
        *,
        key: str,
        title: str,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> PositionRecord:
        """Record a proposal (item, rule, summary, sources, known_on are optional)."""
        document = {"key": key, "title": title, **fields}
        return self.send(pcalls.create_proposal(process, document, idempotency_key))

    def proposal(self, process: str, key: str, *, as_of: DateLike = None) -> Any:
        """A proposal with every stance known on `as_of` and the stance holding for each party."""
        return self.send(pcalls.proposal(process, key, as_of))

    def put_position(
        self,
        process: str,
        proposal: str,
        holder: str,
        *,
        stance: str,
        if_match: Any = None,
        **fields: Any,
    ) -> PositionRecord:
        """Record a party's or group's stance (sources, note, known_on optional); `if_match`
        is needed once the stance exists."""
        document = {"stance": stance, **fields}
        return self.send(pcalls.put_position(process, proposal, holder, document, if_match))

    def forecast(
        self, process: str, proposal: str, *, as_of: DateLike = None, rule: str | None = None
    ) -> Any:
        """Would the proposal pass a vote on `as_of` (p_pass, expected counts, swing list)."""
        return self.send(pcalls.forecast(process, proposal, as_of, rule))

    def spectrum(self, process: str, *, as_of: DateLike = None) -> Any:
        """The axes and placements of a process, as known on `as_of`."""
        return self.send(pcalls.spectrum(process, as_of))

    def vote(self, process: str, event_id: str, *, as_of: DateLike = None) -> PositionRecord:
        """The recorded roll of a vote_point event, its counts and outcome."""
        return self.send(pcalls.vote(process, event_id, as_of))

    def put_vote(
        self,
        process: str,
        event_id: str,
        roll: Sequence[Mapping[str, str]],
        *,
        if_match: Any = None,
        **fields: Any,
    ) -> PositionRecord:
        """Record who voted how (sources, known_on optional); `if_match` once it exists."""
        return self.send(pcalls.put_vote(process, event_id, roll, fields, if_match))

    # Analysis ----------------------------------------------------------------------------

    def risks(self, process: str, *, as_of: DateLike = None) -> RiskReport:
        """Every deadline of the process, assessed."""
        return self.send(calls.risks(process, as_of))

    def entry_into_force(self, process: str, *, as_of: DateLike = None) -> EntryIntoForce:
        """Instruments deposited against the entry-into-force rule, and the projection."""
        return self.send(calls.entry_into_force(process, as_of))

    # Feeds -------------------------------------------------------------------------------

    def calendar(
        self,
        process: str | None = None,
        *,
        kind: Iterable[str] | None = None,
        tag: Iterable[str] | None = None,
        status: Iterable[str] | None = None,
        alarm_days: int | None = None,
    ) -> Feed:
        """The ICS calendar of a process (or of all); answered from cache on 304."""
        return self.send(
            calls.calendar(process, kind=kind, tag=tag, status=status, alarm_days=alarm_days)
        )

    def event_calendar(self, process: str, event_id: str) -> Feed:
        """One event as ICS."""
        return self.send(calls.event_calendar(process, event_id))

    def changes_atom(
        self,
        process: str | None = None,
        *,
        kind: Iterable[str] | None = None,
        tag: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> Feed:
        """The Atom feed of changes (of a process, or of all)."""
        return self.send(calls.changes(process, "atom", kind=kind, tag=tag, limit=limit))

    def changes_json(
        self,
        process: str | None = None,
        *,
        kind: Iterable[str] | None = None,
        tag: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> Feed:
        """The JSON Feed 1.1 of changes; `.json()` decodes it."""
        return self.send(calls.changes(process, "json", kind=kind, tag=tag, limit=limit))

    def digest(
        self,
        *,
        days: int | None = None,
        since: DateLike = None,
        process: Iterable[str] | None = None,
        format: str = "md",
        as_of: DateLike = None,
    ) -> Feed:
        """What is coming, what changed since `since`, and the deadline risks (md|html|json)."""
        return self.send(
            calls.digest(days=days, since=since, process=process, form=format, as_of=as_of)
        )

    def timelinejs(self, process: str, *, as_of: DateLike = None) -> Feed:
        """The process in Knight Lab TimelineJS format; `.json()` decodes it."""
        return self.send(calls.timelinejs(process, as_of))

    def apply_bundle(self, bundle: Mapping[str, Any]) -> dict[str, Any]:
        """Apply an export bundle (`timeline export`) in one transaction (admin token): each
        process is created, left unchanged or brought forward; the report says which, per
        process. A bad bundle raises a 422 problem, a conflicting one a 409; either way the
        server changed nothing."""
        return self.send(calls.apply_bundle(bundle))

    def health(self, *, ready: bool = False) -> Any:
        """`/healthz` (the process is up) or, with `ready`, `/readyz` (database reachable)."""
        return self.send(calls.health("/readyz" if ready else "/healthz"))
