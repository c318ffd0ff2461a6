"""Exceptions: one per problem status the API answers, each carrying the problem+json fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "BadRequest",
    "Conflict",
    "ConnectionFailed",
    "FieldError",
    "Forbidden",
    "NotFound",
    "PayloadTooLarge",
    "PreconditionFailed",
    "PreconditionRequired",
    "ProblemError",
    "RateLimited",
    "ServerError",
    "TimelineError",
    "Unauthorized",
    "ValidationFailed",
]


class TimelineError(Exception):
    """Anything this client raises."""


class ConnectionFailed(TimelineError):
    """The server could not be reached (refused, timed out, DNS), even after retrying."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One rejected field of a request, and why."""

    field: str
    message: str


class ProblemError(TimelineError):
    """The server refused the request with an RFC 9457 problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        *,
        type: str = "about:blank",
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(f"{status} {title}" + (f": {detail}" if detail else ""))
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.errors = list(errors or [])
        self.headers = dict(headers or {})
        self.body = body


class BadRequest(ProblemError):
    """400: the request could not be read."""


class Unauthorized(ProblemError):
    """401: a valid bearer token is needed."""


class Forbidden(ProblemError):
    """403: this token may not do that."""


class NotFound(ProblemError):
    """404: no such process, event or item (or not yet, on the `as_of` day)."""


class Conflict(ProblemError):
    """409: clashes with what is stored (a slug taken, a create still in progress)."""


class PreconditionFailed(ProblemError):
    """412: the resource changed since the ETag given in If-Match; nothing was changed."""


class PayloadTooLarge(ProblemError):
    """413: the body is larger than the server accepts."""


class ValidationFailed(ProblemError):
    """422: invalid fields; `errors` names each."""


class PreconditionRequired(ProblemError):
    """428: this change needs If-Match."""


class RateLimited(ProblemError):
    """429 after every retry: too many requests."""


class ServerError(ProblemError):
    """5xx after every retry."""


_BY_STATUS: dict[int, type[ProblemError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    422: ValidationFailed,
    428: PreconditionRequired,
    429: RateLimited,
}


def problem_error(status: int, headers: dict[str, str], body: Any) -> ProblemError:
    """The exception for a refused response: its class by status, its fields from the body."""
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else ProblemError)
    doc = body if isinstance(body, dict) else {}
    errors = [
        FieldError(str(e.get("field", "")), str(e.get("message", "")))
        for e in doc.get("errors") or []
        if isinstance(e, dict)
    ]
    return cls(
        int(doc.get("status", status)),
        str(doc.get("title") or f"HTTP {status}"),
        str(doc.get("detail") or ""),
        type=str(doc.get("type") or "about:blank"),
        errors=errors,
        headers=headers,
        body=body,
    )
