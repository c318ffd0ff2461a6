"""Helpers every controller shares: dependencies, links, cursors, and the responses with ETags
(JSON, bytes, calendars) that answer 304 when the client already holds them."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any, Protocol
from urllib.parse import urlencode

import msgspec
from litestar import Request, Response
from litestar.datastructures import State
from litestar.di import NamedDependency
from pydantic import BaseModel

from timeline.api.auth import Actor
from timeline.api.conditional import content_etag, http_date, is_not_modified, not_modified
from timeline.clock import today, utcnow
from timeline.domain.errors import InvalidFields
from timeline.domain.model import EventState
from timeline.schemas import EventPublic
from timeline.services.calendar import Fresh, IcsDocument
from timeline.settings import Settings
from timeline.store.db import Database

__all__ = [
    "CALENDAR_CACHE_CONTROL",
    "CALENDAR_MEDIA_TYPE",
    "PUBLIC_READ_HEADERS",
    "ActorDep",
    "AnyRequest",
    "Db",
    "base_url",
    "bytes_response",
    "calendar_disposition",
    "decode_cursor",
    "encode_cursor",
    "event_json",
    "event_public",
    "fresh",
    "ics_response",
    "json_bytes_response",
    "json_response",
    "next_url",
    "provide_db",
    "provide_settings",
    "resolve_known_on",
    "resource_response",
    "today",
    "utcnow",
    "write_fields",
]

# Public, read-only, sent without credentials: any site's script may read the feeds (a
# newsroom's TimelineJS embed, a feed reader in the browser). Set here rather than through the
# CORS middleware, which stays limited to TIMELINE_CORS_ORIGINS for the rest of the API.
PUBLIC_READ_HEADERS: dict[str, str] = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}


AnyRequest = Request[Any, Any, Any]
"""A request as handlers take it."""
Db = NamedDependency[Database]
"""The application's database, as a handler parameter (`provide_db`)."""
ActorDep = NamedDependency[Actor]
"""Who is calling, as a handler parameter of a controller that provides `authenticate`."""

# Litestar adds "; charset=utf-8" to text/* media types itself.
CALENDAR_MEDIA_TYPE = "text/calendar"
CALENDAR_CACHE_CONTROL = "public, max-age=300"


def provide_db(state: State) -> Database:
    """The application's database."""
    db: Database = state.db
    return db


def provide_settings(state: State) -> Settings:
    """The application's settings."""
    settings: Settings = state.settings
    return settings


def base_url(request: AnyRequest) -> str:
    """Where the service is reached: TIMELINE_BASE_URL, else the request's own origin."""
    settings: Settings = request.app.state.settings
    if settings.base_url:
        return settings.base_url
    return str(request.base_url).rstrip("/")


def resolve_known_on(known_on: dt.date | None) -> dt.date:
    """The day a change became public: as given (never in the future), else today."""
    now = today()
    if known_on is None:
        return now
    if known_on > now:
        raise InvalidFields.one("known_on", "cannot be later than today")
    return known_on


def write_fields(data: BaseModel, *, patch: bool = False) -> tuple[dict[str, Any], dt.date]:
    """A create (or merge-patch) body as JSON-ready fields, a patch's only those sent, without
    `known_on`; and the day the change became public (`resolve_known_on`)."""
    known_on = resolve_known_on(getattr(data, "known_on", None))
    return data.model_dump(mode="json", exclude_unset=patch, exclude={"known_on"}), known_on


def encode_cursor(values: list[Any]) -> str:
    """An opaque cursor for keyset pagination."""
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    """The values inside a cursor; a 422 naming `cursor` when it was not made by us."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise InvalidFields.one("cursor", "is not a cursor this service issued") from None
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidFields.one("cursor", "is not a cursor this service issued")
    return values


def next_url(request: AnyRequest, last: list[Any] | None) -> str | None:
    """The URL of the page after the one whose last row has the key `last`: this request's URL
    with the cursor of `last` (`encode_cursor`) in place of its own; None after the last page."""
    if last is None:
        return None
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    pairs.append(("cursor", encode_cursor(last)))
    return f"{base_url(request)}{request.url.path}?{urlencode(pairs)}"


def event_public(state: EventState, root: str) -> EventPublic:
    """The API representation of an event state."""
    return EventPublic.model_validate(event_json(state, root))


def event_json(state: EventState, root: str) -> dict[str, Any]:
    """An event as served, as JSON-ready values in `EventPublic`'s field order. Lists encode
    these directly: validating a pydantic model per row cost more than reading the rows."""
    span = state.span
    api = f"{root}/api/v1/processes/{state.process}"
    return {
        "id": state.id,
        "process": state.process,
        "kind": state.kind,
        "title": state.title,
        "date": state.date,
        "start": span.start,
        "end": span.end,
        "precision": span.precision,
        "approximate": span.approximate,
        "uncertain": span.uncertain,
        "status": state.status,
        "location": state.location,
        "summary": state.summary,
        "tags": state.tags,
        "parent": state.parent,
        "depends_on": [
            {"event": d["event"], "lag_days": d.get("lag_days", 0)} for d in state.depends_on
        ],
        "sources": [
            {"url": s["url"], "title": s.get("title"), "quote": s.get("quote")}
            for s in state.sources
        ],
        "attributes": state.served_attributes,
        "version": state.version,
        "created_at": state.created_at,
        "updated_at": state.updated_at,
        "known_on": state.known_on,
        "links": {
            "self": f"{api}/events/{state.id}",
            "history": f"{api}/events/{state.id}/history",
            "ics": f"{api}/events/{state.id}.ics",
            "process": api,
            "page": f"{root}/processes/{state.process}/events/{state.id}",
        },
    }


def bytes_response(
    request: AnyRequest,
    body: bytes,
    media_type: str,
    *,
    etag: str | None = None,
    last_modified: dt.datetime | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """`body` with a strong ETag (given, or from the bytes) and Last-Modified when known; a
    304 repeating `headers` when a GET's If-None-Match (or If-Modified-Since) says the client
    holds it."""
    tag = etag or content_etag(body)
    extra = dict(headers or {})
    if last_modified is not None:
        extra["Last-Modified"] = http_date(last_modified)
    if (
        status_code == 200
        and request.method in ("GET", "HEAD")
        and is_not_modified(request, tag, last_modified)
    ):
        return not_modified(tag, extra)
    return Response(
        content=body, status_code=status_code, media_type=media_type, headers={"ETag": tag, **extra}
    )


def json_response(
    request: AnyRequest,
    model: BaseModel,
    *,
    etag: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """A JSON response with a strong ETag (given, or from the bytes) honouring If-None-Match."""
    body = model.model_dump_json().encode()
    return json_bytes_response(request, body, etag=etag, status_code=status_code, headers=headers)


def json_bytes_response(
    request: AnyRequest,
    content: dict[str, Any] | bytes,
    *,
    etag: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """`json_response` for a body already made of JSON-ready values (encoded here) or bytes."""
    body = content if isinstance(content, bytes) else msgspec.json.encode(content)
    return bytes_response(
        request, body, "application/json", etag=etag, status_code=status_code, headers=headers
    )


class _SelfLink(Protocol):
    @property
    def self(self) -> str: ...


class _Resource(Protocol):
    @property
    def links(self) -> _SelfLink: ...

    def model_dump_json(self) -> str: ...


def resource_response(
    request: AnyRequest, body: _Resource, etag: str, *, created: bool = False
) -> Response[Any]:
    """One resource as JSON with the ETag of its version (304 when the client holds it); when
    `created`, 201 with its Location (`links.self`)."""
    encoded = body.model_dump_json().encode()
    if not created:
        return json_bytes_response(request, encoded, etag=etag)
    headers = {"Location": body.links.self}
    return json_bytes_response(request, encoded, etag=etag, status_code=201, headers=headers)


def fresh(request: AnyRequest) -> Fresh:
    """Whether the client's copy (by its conditional headers) is current, asked of a service
    that knows the validators before it builds the body."""

    def current(etag: str, last_modified: dt.datetime) -> bool:
        return is_not_modified(request, etag, last_modified)

    return current


def calendar_disposition(filename: str) -> str:
    """The Content-Disposition of a calendar answer named `filename`."""
    return f'inline; filename="{filename}"'


def ics_response(document: IcsDocument) -> Response[Any]:
    """A calendar as a service answered it: 200 with the bytes, or 304 (no body) with the same
    validators and caching headers."""
    headers = {
        "Last-Modified": http_date(document.last_modified),
        "Cache-Control": CALENDAR_CACHE_CONTROL,
    }
    if document.body is None:
        return not_modified(document.etag, headers)
    return Response(
        content=document.body,
        media_type=CALENDAR_MEDIA_TYPE,
        headers={
            "ETag": document.etag,
            **headers,
            "Content-Disposition": calendar_disposition(document.filename),
        },
    )
