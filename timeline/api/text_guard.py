"""The text rule at the door: control characters in a path or query, and over-deep JSON bodies.

A NUL in a path segment or a query value reaches PostgreSQL (which refuses it: a 500) or a file
system call (`/static/x%00`: a 500 on both databases). No resource is named with a control
character, so such a path is a 404 and such a query value a 422, before any handler runs.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

from litestar import Request, Response

from timeline.api.problems import ProblemField, problem
from timeline.domain.text import MAX_JSON_DEPTH, illegal_character

__all__ = ["text_problem", "too_deep"]

_log = logging.getLogger("timeline.api")


def _query_problem(query: bytes) -> ProblemField | None:
    try:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="utf-8")
    except ValueError:
        return None  # the handler's own parsing answers for what cannot be read at all
    for name, value in pairs:
        if (char := illegal_character(name) or illegal_character(value)) is not None:
            message = f"must not contain the control character {char}"
            return ProblemField(
                field=name if illegal_character(name) is None else "query", message=message
            )
    return None


def text_problem(path: str, query: bytes) -> tuple[int, str, list[ProblemField] | None] | None:
    """(status, detail, errors) for a path with a control character (404) or a query
    parameter with one (422, naming it); None for anything else. The request pipeline
    (`timeline/api/middleware.py`) answers with it before any other work."""
    if (char := illegal_character(path)) is not None:
        return 404, f"no resource has the control character {char} in its path", None
    # only a query that can hold a control character is parsed here (most have no escapes)
    if b"%" in query or any(c < 0x20 or c == 0x7F for c in query):
        error = _query_problem(query)
        if error is not None:
            return 422, f"{error.field}: {error.message}", [error]
    return None


def too_deep(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    """A 400 for a request body nested beyond what the JSON decoder follows; any other
    RecursionError is the server's fault, logged and answered 500."""
    if request.method in ("POST", "PUT", "PATCH"):
        return problem(400, f"the request body nests deeper than {MAX_JSON_DEPTH} levels")
    _log.error("recursion too deep on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "the server failed; the error was logged")
