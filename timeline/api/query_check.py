"""Query parameters a route does not take: a 422 naming each, rather than silently ignored."""

from __future__ import annotations

import weakref
from typing import Any

from litestar.params import QueryParameter

from timeline.api.common import AnyRequest
from timeline.domain.errors import FieldError, InvalidFields

__all__ = ["reject_unknown_query"]

# Keyed by the handler itself, weakly: an `id()` key is reused once a test's app is collected,
# and a new route would then be checked against a dead one's parameters.
_KNOWN: weakref.WeakKeyDictionary[Any, frozenset[str]] = weakref.WeakKeyDictionary()


def _query_names(handler: Any) -> frozenset[str]:
    # The names the handler's signature declares as query parameters (their `name=` alias, or
    # else the argument's own name), read once per handler.
    known = _KNOWN.get(handler)
    if known is None:
        names = set()
        for name, parameter in handler.parsed_fn_signature.parameters.items():
            definition = parameter.kwarg_definition
            if isinstance(definition, QueryParameter):
                names.add(definition.query or definition.name or name)
        known = _KNOWN[handler] = frozenset(names)
    return known


def reject_unknown_query(request: AnyRequest) -> None:
    """InvalidFields naming every query parameter of `request` that its route does not
    declare: a misspelt filter (`?tags=`, `?search=`) would otherwise return everything."""
    known = _query_names(request.route_handler)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise InvalidFields(
            [FieldError(name, "is not a parameter of this route") for name in unknown]
        )
