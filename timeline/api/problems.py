"""RFC 9457 problem details: every error the API returns, in one place.

Litestar's own problem-details plugin swaps `title` and `detail`, so errors are rendered here.
No response ever carries a traceback, SQL or a file path: unexpected errors are logged and
answered with a bare 500. Every problem names the request it answers (`request_id`, the same
value as the `X-Request-ID` response header), so a report can be matched to the server's logs.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from pydantic import BaseModel

from timeline.domain.errors import (
    Conflict,
    DomainError,
    InvalidFields,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "REQUEST_ID",
    "Problem",
    "ProblemField",
    "exception_handlers",
    "problem",
    "problem_bytes",
    "problem_type",
    "problems",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
_log = logging.getLogger("timeline.api")
# Set by the request pipeline (timeline/api/middleware.py) for the request being answered; a
# context variable, so that it follows the request into its handler without a parameter.
REQUEST_ID: ContextVar[str | None] = ContextVar("timeline_request_id", default=None)


class ProblemField(BaseModel):
    """One rejected field and why."""

    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField] | None = None
    request_id: str | None = None


_TYPES: dict[int, tuple[str, str]] = {
    400: ("/problems/bad-request", "The request could not be read"),
    401: ("/problems/unauthorized", "A valid bearer token is required"),
    403: ("/problems/forbidden", "This token may not do that"),
    404: ("/problems/not-found", "Not found"),
    405: ("/problems/method-not-allowed", "Method not allowed"),
    409: ("/problems/conflict", "Conflict with what is stored"),
    412: ("/problems/precondition-failed", "The resource has changed since you read it"),
    413: ("/problems/too-large", "The request body is too large"),
    415: ("/problems/unsupported-media-type", "Unsupported media type"),
    422: ("/problems/validation", "The request has invalid fields"),
    428: ("/problems/precondition-required", "If-Match is required for this change"),
    429: ("/problems/rate-limited", "Too many requests"),
    500: ("/problems/internal", "Internal server error"),
    503: ("/problems/unavailable", "Service unavailable"),
}


def problem_type(status: int) -> tuple[str, str]:
    """The `type` URI and `title` every problem with `status` carries."""
    return _TYPES.get(status, ("about:blank", HTTPStatus(status).phrase))


def _problem(status: int, detail: str, errors: list[ProblemField] | None) -> Problem:
    """The problem with `status`: its standard type and title, naming the request it answers."""
    type_, title = problem_type(status)
    return Problem(
        type=type_,
        title=title,
        status=status,
        detail=detail,
        errors=errors,
        request_id=REQUEST_ID.get(),
    )


def problem(
    status: int,
    detail: str,
    *,
    errors: list[ProblemField] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """A problem+json response with the standard type and title for `status`."""
    body = _problem(status, detail, errors)
    return Response(
        content=body.model_dump(mode="json", exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def problem_bytes(status: int, detail: str, *, errors: list[ProblemField] | None = None) -> bytes:
    """The JSON body of a problem with `status`, for answers sent below the framework."""
    return _problem(status, detail, errors).model_dump_json(exclude_none=True).encode()


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI response entries for the error statuses a route can answer."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_TYPES.get(status, ("", HTTPStatus(status).phrase))[1],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
        for status in statuses
    }


def _domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, InvalidFields):
        fields = [ProblemField(field=e.field, message=e.message) for e in exc.errors]
        return problem(422, str(exc), errors=fields)
    status = {
        NotFound: 404,
        Conflict: 409,
        PreconditionFailed: 412,
        PreconditionRequired: 428,
    }.get(type(exc), 400)
    return problem(status, str(exc))


def _field_name(item: dict[str, Any]) -> str:
    key = str(item.get("key") or item.get("source") or "body")
    return key


def _validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    fields = [
        ProblemField(field=_field_name(item), message=str(item.get("message", "is invalid")))
        for item in extra
        if isinstance(item, dict)
    ]
    if not fields:
        # Litestar reports an undecodable body as a validation error without fields.
        return problem(400, "the request body is not valid JSON", errors=None)
    detail = "; ".join(f"{f.field}: {f.message}" for f in fields)
    return problem(422, detail, errors=fields)


def _http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    headers = dict(exc.headers or {})
    if exc.status_code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="timeline"')
    detail = exc.detail if exc.detail and exc.detail != HTTPStatus(exc.status_code).phrase else ""
    if not detail:
        detail = _TYPES.get(exc.status_code, ("", HTTPStatus(exc.status_code).phrase))[1]
    if exc.status_code >= 500:
        detail = HTTPStatus(exc.status_code).phrase
    return problem(exc.status_code, detail, headers=headers or None)


def _out_of_range(_: Request[Any, Any, Any], exc: OverflowError) -> Response[Any]:
    # Python's dates end at years 1 and 9999: a window or day near either edge (as_of=9999-12-31
    # with days=30) overflows date arithmetic. That is the request's doing, not a server fault.
    message = "a date in this request is too close to year 1 or 9999 to compute with"
    return problem(422, message, errors=[ProblemField(field="query", message=message)])


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    _log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR, "the server failed; the error was logged")


exception_handlers: dict[Any, Any] = {
    DomainError: _domain_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    OverflowError: _out_of_range,
    Exception: _unexpected,
}
