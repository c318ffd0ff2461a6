"""The route decorators the controllers share: each names a route (path, operation id, summary)
and documents the problems its family of routes can answer, so that a handler's decorator says
only what is its own. They run once, when a controller is defined: a request meets the route
handler Litestar would have built from the same arguments, nothing more."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from litestar import MediaType, get, patch, post, put
from litestar.handlers import HTTPRouteHandler

from timeline.api.position_common import PUT_RESPONSES
from timeline.api.problems import problems

__all__ = [
    "ADMIN_WRITE_ERRORS",
    "CHANGE_ERRORS",
    "READ_ERRORS",
    "RouteDecorator",
    "admin_post",
    "change_route",
    "page_route",
    "put_route",
    "read_route",
]

RouteDecorator = Callable[[Callable[..., Any]], HTTPRouteHandler]
"""What turns a handler function into its route."""

READ_ERRORS = (404, 422, 429)
"""What a read of something a process holds can answer: no such process or record, a bad
parameter, too many requests."""

ADMIN_WRITE_ERRORS = (400, 401, 403, 409, 413, 415, 422, 429)
"""What a POST only an admin may send can answer: an unreadable body, no or a refused token, a
conflict with what is stored, a body too large or not JSON, invalid fields, too many requests."""

CHANGE_ERRORS = (400, 401, 403, 404, 412, 413, 415, 422, 428, 429)
"""What a change under If-Match can answer: an unreadable body, no or a refused token, no such
record, a stale or missing If-Match, a body too large or not JSON, invalid fields, too many
requests."""


def read_route(
    path: str,
    operation_id: str,
    summary: str,
    *,
    errors: Sequence[int] = READ_ERRORS,
    **options: Any,
) -> RouteDecorator:
    """The GET route at `path`, documented with the problems `errors` (by default those of
    `READ_ERRORS`); `options` go to Litestar's `get` as they are (a media type, a
    description...)."""
    return get(
        path, operation_id=operation_id, summary=summary, responses=problems(*errors), **options
    )


def page_route(
    path: str, operation_id: str, summary: str, *, errors: Sequence[int] = READ_ERRORS
) -> RouteDecorator:
    """`read_route` for an HTML page."""
    return read_route(path, operation_id, summary, errors=errors, media_type=MediaType.HTML)


def change_route(path: str, operation_id: str, summary: str) -> RouteDecorator:
    """The PATCH route at `path` that changes a record under If-Match (`CHANGE_ERRORS`)."""
    return patch(
        path, operation_id=operation_id, summary=summary, responses=problems(*CHANGE_ERRORS)
    )


def put_route(path: str, operation_id: str, summary: str) -> RouteDecorator:
    """The PUT route at `path` that creates a position record (201) or changes it under
    If-Match (200), documented with `PUT_RESPONSES`."""
    return put(path, operation_id=operation_id, summary=summary, responses=PUT_RESPONSES)


def admin_post(path: str, operation_id: str, summary: str, **options: Any) -> RouteDecorator:
    """The POST route at `path` that only an admin may send (`ADMIN_WRITE_ERRORS`); `options`
    go to Litestar's `post` (the status code, a body limit...)."""
    return post(
        path,
        operation_id=operation_id,
        summary=summary,
        responses=problems(*ADMIN_WRITE_ERRORS),
        **options,
    )
