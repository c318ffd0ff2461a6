"""Every endpoint of the API as a `Call`: path, parameters, body and how to read the reply.

Each function here takes exactly the arguments of the client method of the same name and
carries its documentation; one line of `timeline_client._api` makes it a method of both
clients. Neither client knows a path of its own: a new endpoint is described once, here."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import quote

from timeline_client._core import Call, Reply
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

__all__ = ["Params"]

API = "/api/v1"
Params = tuple[tuple[str, str], ...]
DateLike = dt.date | str | None
T = TypeVar("T")
P = ParamSpec("P")


def _seg(value: str) -> str:
    return quote(str(value), safe="")


def _process(slug: str) -> str:
    return f"{API}/processes/{_seg(slug)}"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def params(**values: Any) -> Params:
    """Query parameters, leaving out None; lists repeat the name ("any of")."""
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None:
            continue
        key = name.rstrip("_")
        if isinstance(value, (list, tuple, set, frozenset)):
            pairs += [(key, _text(v)) for v in value]
        else:
            pairs.append((key, _text(value)))
    return tuple(pairs)


def body(values: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON body without the fields left as None (the server applies its defaults)."""
    return {
        k: (_text(v) if isinstance(v, dt.date) else v) for k, v in values.items() if v is not None
    }


def _etag(reply: Reply) -> str | None:
    return reply.headers.get("etag")


def _process_reply(reply: Reply) -> Process:
    return Process.from_json(reply.json(), _etag(reply))


def _event(reply: Reply) -> Event:
    return Event.from_json(reply.json(), _etag(reply))


def _item(reply: Reply) -> Item:
    return Item.from_json(reply.json(), _etag(reply))


def _none(_: Reply) -> None:
    return None


def _feed(reply: Reply) -> Feed:
    return Feed(
        url=reply.url,
        content=reply.content,
        content_type=reply.headers.get("content-type", ""),
        etag=_etag(reply),
        not_modified=reply.from_cache,
    )


def _json(reply: Reply) -> Any:
    return reply.json()


def member(name: str) -> Callable[[Reply], Any]:
    """A reader of one member of a JSON object answer."""
    return lambda reply: reply.json()[name]


def _document(read: Callable[[Any], T]) -> Callable[[Reply], T]:
    """A reader of the reply's JSON document by `read`."""
    return lambda reply: read(reply.json())


def _paged(item: Callable[[dict[str, Any]], T]) -> Callable[[Reply], Page[T]]:
    return _document(Page.reader(item))


def match_header(tag: str | Any, first: str = "the resource") -> tuple[tuple[str, str], ...]:
    """The If-Match header for an ETag, or for a model that carries one."""
    value = tag if isinstance(tag, str) else getattr(tag, "etag", None)
    if not value:
        raise ValueError(f"if_match needs an ETag (read {first} first)")
    return (("If-Match", value),)


def create(
    path: str, read: Callable[[Reply], T], fields: Mapping[str, Any], key: str | None
) -> Call[T]:
    """A POST that makes one resource, with its Idempotency-Key (`key`, or a fresh one)."""
    return Call("POST", path, read, body=body(fields), create=True, idempotency_key=key)


def _merge_patch(
    path: str, read: Callable[[Reply], T], changes: Mapping[str, Any], tag: Any, known_on: DateLike
) -> Call[T]:
    """A JSON merge patch applied only if the resource is still at `tag`."""
    patch = dict(changes)
    if known_on is not None:
        patch["known_on"] = _text(known_on)
    return Call(
        "PATCH",
        path,
        read,
        body=patch,
        headers=(*match_header(tag), ("Content-Type", "application/merge-patch+json")),
    )


def _get(path: str, read: Callable[[Reply], T], **query: Any) -> Call[T]:
    """A GET with the query parameters that are not None."""
    return Call("GET", path, read, params=params(**query))


def _list(values: Iterable[str] | str | None) -> list[str] | None:
    if values is None:
        return None
    return [values] if isinstance(values, str) else list(values)


def next_page(url: str, like: Call[Page[Any]]) -> Call[Page[Any]]:
    """The call for the page at `url` (a `next` link), read like the first one."""
    return Call("GET", url, like.read)


# Processes ---------------------------------------------------------------------------------


def create_process(
    slug: str,
    title: str,
    *,
    description: str | None = None,
    timezone: str | None = None,
    url: str | None = None,
    idempotency_key: str | None = None,
) -> Call[Process]:
    """Start tracking a process (admin token)."""
    fields = {"slug": slug, "title": title, "description": description}
    fields |= {"timezone": timezone, "url": url}
    return create(f"{API}/processes", _process_reply, fields, idempotency_key)


def get_process(slug: str) -> Call[Process]:
    """One process with its counts and links."""
    return Call("GET", _process(slug), _process_reply)


def update_process(slug: str, changes: Mapping[str, Any], *, if_match: Any) -> Call[Process]:
    """Change a process; `if_match` is the ETag (or the Process) last read."""
    return _merge_patch(_process(slug), _process_reply, changes, if_match, None)


def processes(*, limit: int | None = None) -> Call[Page[Process]]:
    """Every process, page after page."""
    return _get(f"{API}/processes", _paged(Process.from_json), limit=limit)


# Events ------------------------------------------------------------------------------------


def create_event(
    process: str,
    *,
    kind: str,
    title: str,
    date: str,
    idempotency_key: str | None = None,
    **fields: Any,
) -> Call[Event]:
    """Record an event (status, location, summary, tags, parent, depends_on, sources,
    attributes, known_on are optional keyword fields)."""
    document = {"kind": kind, "title": title, "date": date, **fields}
    return create(f"{_process(process)}/events", _event, document, idempotency_key)


def _event_path(process: str, event_id: str) -> str:
    return f"{_process(process)}/events/{_seg(event_id)}"


def get_event(process: str, event_id: str, *, as_of: DateLike = None) -> Call[Event]:
    """One event, now or as known on `as_of`."""
    return _get(_event_path(process, event_id), _event, as_of=as_of)


def update_event(
    process: str,
    event_id: str,
    changes: Mapping[str, Any],
    *,
    if_match: Any,
    known_on: DateLike = None,
) -> Call[Event]:
    """Apply a JSON merge patch if the event is still at `if_match` (else 412)."""
    return _merge_patch(_event_path(process, event_id), _event, changes, if_match, known_on)


def delete_event(
    process: str, event_id: str, *, if_match: Any, known_on: DateLike = None
) -> Call[None]:
    """Delete an event (it stays in the history) if it is still at `if_match`."""
    return Call(
        "DELETE",
        _event_path(process, event_id),
        _none,
        params=params(known_on=known_on),
        headers=match_header(if_match),
    )


def history(process: str, event_id: str) -> Call[Page[Revision]]:
    """Every revision of an event, oldest first."""
    return Call("GET", f"{_event_path(process, event_id)}/history", _paged(Revision.from_json))


# Reading -----------------------------------------------------------------------------------


def timeline(
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
) -> Call[Page[Event]]:
    """Events overlapping `from_`..`to`, in timeline order, fetching pages as needed.

    With `q` (words, all of which must occur in an event's text) or `location` (a part of
    its location) only matching events come, best match first.
    """
    query = params(from_=from_, to=to, kind=_list(kind), tag=_list(tag), status=_list(status))
    query += params(as_of=as_of, limit=limit, q=q, location=location)
    return Call("GET", f"{_process(process)}/timeline", _paged(Event.from_json), params=query)


def upcoming(
    *,
    days: int | None = None,
    process: Iterable[str] | None = None,
    kind: Iterable[str] | None = None,
    as_of: DateLike = None,
    limit: int | None = None,
) -> Call[Page[Event]]:
    """Events starting within `days` and those under way, soonest first."""
    query = params(days=days, process=_list(process), kind=_list(kind), as_of=as_of, limit=limit)
    return Call("GET", f"{API}/upcoming", _paged(Event.from_json), params=query)


# Items -------------------------------------------------------------------------------------


def create_item(
    process: str,
    *,
    key: str,
    title: str,
    status: str,
    chapter: str | None = None,
    known_on: DateLike = None,
    idempotency_key: str | None = None,
) -> Call[Item]:
    """Record a negotiation item."""
    fields: dict[str, Any] = {"key": key, "title": title, "status": status}
    fields |= {"chapter": chapter, "known_on": known_on}
    return create(f"{_process(process)}/items", _item, fields, idempotency_key)


def get_item(process: str, key: str, *, as_of: DateLike = None) -> Call[Item]:
    """One item with its status on `as_of` and its history."""
    return _get(f"{_process(process)}/items/{_seg(key)}", _item, as_of=as_of)


def update_item(
    process: str, key: str, changes: Mapping[str, Any], *, if_match: Any, known_on: DateLike = None
) -> Call[Item]:
    """Change an item (its status) if it is still at `if_match`."""
    path = f"{_process(process)}/items/{_seg(key)}"
    return _merge_patch(path, _item, changes, if_match, known_on)


def items(process: str, *, as_of: DateLike = None, limit: int | None = None) -> Call[Page[Item]]:
    """The items of a process with their status on `as_of`."""
    query = params(as_of=as_of, limit=limit)
    return Call("GET", f"{_process(process)}/items", _paged(Item.from_json), params=query)


# Analysis ----------------------------------------------------------------------------------


def risks(process: str, *, as_of: DateLike = None) -> Call[RiskReport]:
    """Every deadline of the process, assessed."""
    return _get(f"{_process(process)}/risks", _document(RiskReport.from_json), as_of=as_of)


def entry_into_force(process: str, *, as_of: DateLike = None) -> Call[EntryIntoForce]:
    """Instruments deposited against the entry-into-force rule, and the projection."""
    return _get(
        f"{_process(process)}/entry-into-force", _document(EntryIntoForce.from_json), as_of=as_of
    )


# Feeds -------------------------------------------------------------------------------------


def calendar(
    process: str | None = None,
    *,
    kind: Iterable[str] | None = None,
    tag: Iterable[str] | None = None,
    status: Iterable[str] | None = None,
    alarm_days: int | None = None,
) -> Call[Feed]:
    """The ICS calendar of a process (or of all); answered from cache on 304."""
    path = f"{API}/calendar.ics" if process is None else f"{_process(process)}/calendar.ics"
    query = params(kind=_list(kind), tag=_list(tag), status=_list(status), alarm_days=alarm_days)
    return Call(
        "GET", path, _feed, params=query, cached=True, headers=(("Accept", "text/calendar"),)
    )


def event_calendar(process: str, event_id: str) -> Call[Feed]:
    """One event as ICS."""
    path = f"{_event_path(process, event_id)}.ics"
    return Call("GET", path, _feed, cached=True, headers=(("Accept", "text/calendar"),))


def _changes(
    form: str,
    process: str | None = None,
    *,
    kind: Iterable[str] | None = None,
    tag: Iterable[str] | None = None,
    limit: int | None = None,
) -> Call[Feed]:
    """GET [/processes/{slug}]/changes.atom|json (ETag cached)."""
    base = API if process is None else _process(process)
    query = params(kind=_list(kind), tag=_list(tag), limit=limit)
    return Call("GET", f"{base}/changes.{form}", _feed, cached=True, params=query)


def _in_form(
    form: str, doc: str, feed: Callable[Concatenate[str, P], Call[Feed]]
) -> Callable[P, Call[Feed]]:
    """`feed` in one `form`: the same arguments after the first, documented by `doc`."""

    def describe(*args: P.args, **kwargs: P.kwargs) -> Call[Feed]:
        return feed(form, *args, **kwargs)

    signature = inspect.signature(feed)
    describe.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=list(signature.parameters.values())[1:]
    )
    describe.__name__ = describe.__qualname__ = f"{feed.__name__.lstrip('_')}_{form}"
    describe.__doc__ = doc
    return describe


changes_atom = _in_form("atom", "The Atom feed of changes (of a process, or of all).", _changes)
changes_json = _in_form("json", "The JSON Feed 1.1 of changes; `.json()` decodes it.", _changes)


def digest(
    *,
    days: int | None = None,
    since: DateLike = None,
    process: Iterable[str] | None = None,
    format: str = "md",
    as_of: DateLike = None,
) -> Call[Feed]:
    """What is coming, what changed since `since`, and the deadline risks (md|html|json)."""
    query = params(days=days, since=since, process=_list(process), format=format, as_of=as_of)
    return Call("GET", f"{API}/digest", _feed, params=query, cached=True)


def timelinejs(process: str, *, as_of: DateLike = None) -> Call[Feed]:
    """The process in Knight Lab TimelineJS format; `.json()` decodes it."""
    path = f"{_process(process)}/timelinejs.json"
    return Call("GET", path, _feed, cached=True, params=params(as_of=as_of))


# Bundles and health ------------------------------------------------------------------------


def apply_bundle(bundle: Mapping[str, Any]) -> Call[dict[str, Any]]:
    """Apply an export bundle (`timeline export`) in one transaction (admin token): each
    process is created, left unchanged or brought forward; the report says which, per
    process. A bad bundle raises a 422 problem, a conflicting one a 409; either way the
    server changed nothing."""
    return Call("POST", f"{API}/bundles", _json, body=dict(bundle))


def health(*, ready: bool = False) -> Call[Any]:
    """`/healthz` (the process is up) or, with `ready`, `/readyz` (database reachable)."""
    return Call("GET", "/readyz" if ready else "/healthz", _json)
