"""What the position controllers share: If-Match on a PUT that may create, and one record as
a JSON response with its ETag."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.openapi.datastructures import ResponseSpec

from timeline.api.common import json_response
from timeline.api.conditional import expected_version, version_etag
from timeline.api.problems import problems
from timeline.schemas.positions import RecordPublic
from timeline.services.positions import record_public
from timeline.store.positions import RecordState

__all__ = [
    "ANY_VERSION",
    "PUT_RESPONSES",
    "put_precondition",
    "record_etag",
    "record_response",
]

ANY_VERSION = -1
# A PUT answers 201 when it made the record, 200 when it changed it.
PUT_RESPONSES: dict[int, ResponseSpec] = {
    201: ResponseSpec(data_container=RecordPublic, description="Created", generate_examples=False),
    **problems(400, 401, 403, 404, 412, 413, 422, 428, 429),
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
