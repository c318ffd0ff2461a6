"""Every endpoint of the API as a `Call`: path, parameters, body and how to read the reply.
Both clients send these; neither knows a path of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
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


def _seg(value: str) -> str:
    return quote(str(value), safe="")


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


def _process(reply: Reply) -> Process:
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


def _paged(reader: Any) -> Any:
    def read(reply: Reply) -> Any:
        return reader(reply.json())

    return read


def if_match(tag: str | Any) -> tuple[tuple[str, str], ...]:
    """The If-Match header for an ETag, or for a model that carries one."""
    value = tag if isinstance(tag, str) else getattr(tag, "etag", None)
    if not value:
        raise ValueError("if_match needs an ETag (read the resource first)")
    return (("If-Match", value),)


# Processes ---------------------------------------------------------------------------------


def create_process(fields: Mapping[str, Any], key: str | None) -> Call[Process]:
    """POST /processes."""
    return Call(
        "POST", f"{API}/processes", _process, body=body(fields), create=True, idempotency_key=key
    )


def get_process(slug: str) -> Call[Process]:
    """GET /processes/{slug}."""
    return Call("GET", f"{API}/processes/{_seg(slug)}", _process)


def update_process(slug: str, changes: Mapping[str, Any], tag: Any) -> Call[Process]:
    """PATCH /processes/{slug} (a JSON merge patch, If-Match)."""
    return Call(
        "PATCH",
        f"{API}/processes/{_seg(slug)}",
        _process,
        body=dict(changes),
        headers=(*if_match(tag), ("Content-Type", "application/merge-patch+json")),
    )


def list_processes(limit: int | None) -> Call[Page[Process]]:
    """GET /processes (first page)."""
    return Call(
        "GET",
        f"{API}/processes",
        _paged(Page.reader(Process.from_json)),
        params=params(limit=limit),
    )


# Events ------------------------------------------------------------------------------------


def create_event(slug: str, fields: Mapping[str, Any], key: str | None) -> Call[Event]:
    """POST /processes/{slug}/events."""
    return Call(
        "POST",
        f"{API}/processes/{_seg(slug)}/events",
        _event,
        body=body(fields),
        create=True,
        idempotency_key=key,
    )


def get_event(slug: str, event_id: str, as_of: DateLike) -> Call[Event]:
    """GET /processes/{slug}/events/{id}."""
    return Call(
        "GET",
        f"{API}/processes/{_seg(slug)}/events/{_seg(event_id)}",
        _event,
        params=params(as_of=as_of),
    )


def update_event(
    slug: str, event_id: str, changes: Mapping[str, Any], tag: Any, known_on: DateLike
) -> Call[Event]:
    """PATCH /processes/{slug}/events/{id} (a JSON merge patch, If-Match)."""
    patch = dict(changes)
    if known_on is not None:
        patch["known_on"] = _text(known_on)
    return Call(
        "PATCH",
        f"{API}/processes/{_seg(slug)}/events/{_seg(event_id)}",
        _event,
        body=patch,
        headers=(*if_match(tag), ("Content-Type", "application/merge-patch+json")),
    )


def delete_event(slug: str, event_id: str, tag: Any, known_on: DateLike) -> Call[None]:
    """DELETE /processes/{slug}/events/{id} (a tombstone, If-Match)."""
    return Call(
        "DELETE",
        f"{API}/processes/{_seg(slug)}/events/{_seg(event_id)}",
        _none,
        params=params(known_on=known_on),
        headers=if_match(tag),
    )


def history(slug: str, event_id: str) -> Call[Page[Revision]]:
    """GET /processes/{slug}/events/{id}/history."""
    return Call(
        "GET",
        f"{API}/processes/{_seg(slug)}/events/{_seg(event_id)}/history",
        _paged(Page.reader(Revision.from_json)),
    )


# Reading -----------------------------------------------------------------------------------


def timeline(
    slug: str,
    *,
    from_: DateLike,
    to: DateLike,
    kind: Iterable[str] | None,
    tag: Iterable[str] | None,
    status: Iterable[str] | None,
    as_of: DateLike,
    limit: int | None,
    q: str | None = None,
    location: str | None = None,
) -> Call[Page[Event]]:
    """GET /processes/{slug}/timeline (first page); with `q` or `location`, a search."""
    query = params(
        from_=from_,
        to=to,
        kind=_list(kind),
        tag=_list(tag),
        status=_list(status),
        as_of=as_of,
        limit=limit,
        q=q,
        location=location,
    )
    return Call(
        "GET",
        f"{API}/processes/{_seg(slug)}/timeline",
        _paged(Page.reader(Event.from_json)),
        params=query,
    )


def upcoming(
    *,
    days: int | None,
    process: Iterable[str] | None,
    kind: Iterable[str] | None,
    as_of: DateLike,
    limit: int | None,
) -> Call[Page[Event]]:
    """GET /upcoming (first page)."""
    query = params(days=days, process=_list(process), kind=_list(kind), as_of=as_of, limit=limit)
    return Call("GET", f"{API}/upcoming", _paged(Page.reader(Event.from_json)), params=query)


def _list(values: Iterable[str] | str | None) -> list[str] | None:
    if values is None:
        return None
    return [values] if isinstance(values, str) else list(values)


def next_page(url: str, like: Call[Page[Any]]) -> Call[Page[Any]]:
    """The call for the page at `url` (a `next` link), read like the first one."""
    return Call("GET", url, like.read)


# Items -------------------------------------------------------------------------------------


def create_item(slug: str, fields: Mapping[str, Any], key: str | None) -> Call[Item]:
    """POST /processes/{slug}/items."""
    return Call(
        "POST",
        f"{API}/processes/{_seg(slug)}/items",
        _item,
        body=body(fields),
        create=True,
        idempotency_key=key,
    )


def get_item(slug: str, key: str, as_of: DateLike) -> Call[Item]:
    """GET /processes/{slug}/items/{key}."""
    return Call(
        "GET", f"{API}/processes/{_seg(slug)}/items/{_seg(key)}", _item, params=params(as_of=as_of)
    )


def update_item(
    slug: str, key: str, changes: Mapping[str, Any], tag: Any, known_on: DateLike
) -> Call[Item]:
    """PATCH /processes/{slug}/items/{key} (If-Match)."""
    patch = dict(changes)
    if known_on is not None:
        patch["known_on"] = _text(known_on)
    return Call(
        "PATCH",
        f"{API}/processes/{_seg(slug)}/items/{_seg(key)}",
        _item,
        body=patch,
        headers=(*if_match(tag), ("Content-Type", "application/merge-patch+json")),
    )


def list_items(slug: str, as_of: DateLike, limit: int | None) -> Call[Page[Item]]:
    """GET /processes/{slug}/items (first page)."""
    return Call(
        "GET",
        f"{API}/processes/{_seg(slug)}/items",
        _paged(Page.reader(Item.from_json)),
        params=params(as_of=as_of, limit=limit),
    )


# Analysis ----------------------------------------------------------------------------------


def risks(slug: str, as_of: DateLike) -> Call[RiskReport]:
    """GET /processes/{slug}/risks."""
    return Call(
        "GET",
        f"{API}/processes/{_seg(slug)}/risks",
        lambda r: RiskReport.from_json(r.json()),
        params=params(as_of=as_of),
    )


def entry_into_force(slug: str, as_of: DateLike) -> Call[EntryIntoForce]:
    """GET /processes/{slug}/entry-into-force."""
    return Call(
        "GET",
        f"{API}/processes/{_seg(slug)}/entry-into-force",
        lambda r: EntryIntoForce.from_json(r.json()),
        params=params(as_of=as_of),
    )


# Feeds -------------------------------------------------------------------------------------


def calendar(
    slug: str | None,
    *,
    kind: Iterable[str] | None,
    tag: Iterable[str] | None,
    status: Iterable[str] | None,
    alarm_days: int | None,
) -> Call[Feed]:
    """GET /calendar.ics or /processes/{slug}/calendar.ics (ETag cached)."""
    path = f"{API}/calendar.ics" if slug is None else f"{API}/processes/{_seg(slug)}/calendar.ics"
    query = params(kind=_list(kind), tag=_list(tag), status=_list(status), alarm_days=alarm_days)
    return Call(
        "GET", path, _feed, params=query, cached=True, headers=(("Accept", "text/calendar"),)
    )


def event_calendar(slug: str, event_id: str) -> Call[Feed]:
    """GET /processes/{slug}/events/{id}.ics (ETag cached)."""
    return Call(
        "GET",
        f"{API}/processes/{_seg(slug)}/events/{_seg(event_id)}.ics",
        _feed,
        cached=True,
        headers=(("Accept", "text/calendar"),),
    )


def changes(
    slug: str | None,
    form: str,
    *,
    kind: Iterable[str] | None,
    tag: Iterable[str] | None,
    limit: int | None,
) -> Call[Feed]:
    """GET [/processes/{slug}]/changes.atom|json (ETag cached)."""
    base = API if slug is None else f"{API}/processes/{_seg(slug)}"
    return Call(
        "GET",
        f"{base}/changes.{form}",
        _feed,
        cached=True,
        params=params(kind=_list(kind), tag=_list(tag), limit=limit),
    )


def digest(
    *,
    days: int | None,
    since: DateLike,
    process: Iterable[str] | None,
    form: str,
    as_of: DateLike,
) -> Call[Feed]:
    """GET /digest?format=md|html|json (ETag cached)."""
    query = params(days=days, since=since, process=_list(process), format=form, as_of=as_of)
    return Call("GET", f"{API}/digest", _feed, params=query, cached=True)


def timelinejs(slug: str, as_of: DateLike) -> Call[Feed]:
    """GET /processes/{slug}/timelinejs.json (ETag cached)."""
    return Call(
        "GET",
        f"{API}/processes/{_seg(slug)}/timelinejs.json",
        _feed,
        cached=True,
        params=params(as_of=as_of),
    )


# Bundles -----------------------------------------------------------------------------------


def apply_bundle(bundle: Mapping[str, Any]) -> Call[dict[str, Any]]:
    """POST /bundles (an export bundle, applied in one transaction; admin)."""
    return Call("POST", f"{API}/bundles", _json, body=dict(bundle))


def health(path: str) -> Call[Any]:
    """GET /healthz or /readyz."""
    return Call("GET", path, _json)
