"""Corrections to the OpenAPI document Litestar generates.

Litestar describes an optional query parameter (`list[str] | None = None`) as
`oneOf: [array, null]`. A query parameter is never null (it is absent or has a value), and that
`oneOf` makes `tag=x` (a one-item list on the wire) look like a schema violation to clients and
checkers. Each such parameter is described by its non-null schema instead; it stays optional.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi.spec import Operation, Parameter, Schema
from litestar.openapi.spec.enums import OpenAPIType

__all__ = ["tidy_openapi"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _without_null(schema: Schema) -> Schema | None:
    branches = schema.one_of or []
    kept = [b for b in branches if not (isinstance(b, Schema) and b.type == OpenAPIType.NULL)]
    if len(kept) != 1 or len(kept) == len(branches) or not isinstance(kept[0], Schema):
        return None
    only = kept[0]
    only.description = only.description or schema.description
    if only.default is None:
        only.default = schema.default
    return only


def tidy_openapi(app: Litestar) -> Litestar:
    """`app` with its OpenAPI document corrected as the module docstring says."""
    document = app.openapi_schema
    for item in (document.paths or {}).values():
        for method in _METHODS:
            operation = getattr(item, method, None)
            if not isinstance(operation, Operation):
                continue
            for parameter in operation.parameters or []:
                if not isinstance(parameter, Parameter) or parameter.param_in != "query":
                    continue
                if isinstance(parameter.schema, Schema):
                    parameter.schema = _without_null(parameter.schema) or parameter.schema
    return app
