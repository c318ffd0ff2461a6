"""What the position controllers share: If-Match on a PUT that may create, and one record as
a JSON response with its ETag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from typing import Any, Protocol

from litestar import Request, Response
from litestar.openapi.datastructures import ResponseSpec
from pydantic import BaseModel

from timeline.api.auth import Actor
from timeline.api.common import base_url, json_response, utcnow, write_fields
from timeline.api.conditional import expected_version, version_etag
from timeline.api.problems import problems
from timeline.schemas.positions import RecordPublic
from timeline.services.positions import record_public
from timeline.store.positions import RecordState

__all__ = [
    "ANY_VERSION",
    "PUT_RESPONSES",
    "put_precondition",
    "put_record",
    "record_etag",
    "record_response",
]

ANY_VERSION = -1
# A PUT answers 201 when it made the record, 200 when it changed it.
PUT_RESPONSES: dict[int, ResponseSpec] = {
    201: ResponseSpec(data_container=RecordPublic, description="Created", generate_examples=False),
    **problems(400, 401, 403, 404, 412, 413, 415, 422, 428, 429),
}


def record_etag(kind: str, key: str, version: int) -> str:
    """The ETag of one version of a position record."""
    return version_etag(kind, key, version)


def put_precondition(request: Request[Any, Any, Any], kind: str, key: str) -> int | None:
    """The version a PUT names in If-Match: None without the header (a create, or a 428 when
    the record exists), ANY_VERSION for `*`, else the version of the tag (412 for a tag of
    another resource)."""
    header = request.headers.get("if-match")
    if header is None or not header.strip():
        return None
    if "*" in [t.strip() for t in header.split(",")]:
        return ANY_VERSION
    return expected_version(request, kind, key)


def record_response(
    request: Request[Any, Any, Any],
    state: RecordState,
    *,
    created: bool = False,
    location: str | None = None,
) -> Response[RecordPublic]:
    """The record as JSON with its ETag; 201 with Location when `created`."""
    body = record_public(state)
    etag = record_etag(state.kind, state.key, state.version)
    if created:
        headers = {"Location": location} if location else None
        return json_response(request, body, etag=etag, status_code=201, headers=headers)
    return json_response(request, body, etag=etag)


class RecordWrite(Protocol):
    """A service call that stores a new revision of one record: (state, created)."""

    def __call__(
        self,
        document: dict[str, Any],
        *,
        expected_version: int | None,
        known_on: dt.date,
        actor: str,
        now: dt.datetime,
    ) -> Awaitable[tuple[RecordState, bool]]: ...


async def put_record(
    request: Request[Any, Any, Any],
    actor: Actor,
    slug: str,
    target: tuple[str, str],
    data: BaseModel,
    write: RecordWrite,
    path: str,
) -> Response[RecordPublic]:
    """A PUT of the record `target` (kind, key) of process `slug`: the caller may edit it, its
    If-Match names the version (`put_precondition`), `write` stores the body's fields; 201 with
    Location (`path` under the base URL) the first time, else 200."""
    actor.require_process(slug)
    version = put_precondition(request, *target)
    document, known_on = write_fields(data)
    state, created = await write(
        document, expected_version=version, known_on=known_on, actor=actor.name, now=utcnow()
    )
    location = f"{base_url(request)}{path}"
    return record_response(request, state, created=created, location=location)
