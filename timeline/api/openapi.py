"""Corrections to the OpenAPI document Litestar generates.

Litestar describes an optional list query parameter (`list[str] | None = None`) as
`oneOf: [array, null]`. A repeated query parameter is never null (it is absent or has values),
and that `oneOf` makes `tag=x` (a one-item list on the wire) look like a schema violation to
clients and checkers. Each such parameter is described by its array schema instead; it stays
optional.

A handler that answers in several media types (by a `format` parameter) names the others in
`opt={"alternative_media_types": [...]}`; they are added to its 200 response, which Litestar
would describe with the handler's one `media_type` only. One event's calendar entry
(`GET .../events/{event_id}.ics`) is answered by `getEvent` itself (a path parameter takes the
whole segment), so its `text/calendar` is added here too.

`applyBundle` reads its body itself (a bundle is bigger than the app's body limit), so Litestar
sees no body parameter: its JSON object body is described here.

Every write (POST, PUT, PATCH, DELETE) needs a bearer token: the document declares the `bearer`
scheme and names it on those operations, so clients and checkers know to send one.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi.spec import (
    Components,
    OpenAPIResponse,
    Operation,
    Parameter,
    RequestBody,
    Schema,
    SecurityScheme,
)
from litestar.openapi.spec import OpenAPIMediaType as MediaTypeObject
from litestar.openapi.spec.enums import OpenAPIType
from litestar.routes import HTTPRoute

__all__ = ["tidy_openapi"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_WRITES = ("put", "post", "delete", "patch")
_BEARER = "bearer"
# Media types an operation answers that no handler option can name (see the docstring).
_MORE_MEDIA_TYPES = {"getEvent": ["text/calendar"]}
# Bodies of operations that read their own (see the docstring).
_REQUEST_BODIES = {
    "applyBundle": RequestBody(
        content={
            "application/json": MediaTypeObject(
                schema=Schema(
                    type=OpenAPIType.OBJECT,
                    description="An export bundle, as `timeline export` writes it.",
                )
            )
        },
        required=True,
    )
}


def _without_null(schema: Schema) -> Schema | None:
    branches = schema.one_of or []
    kept = [b for b in branches if not (isinstance(b, Schema) and b.type == OpenAPIType.NULL)]
    if len(kept) != 1 or len(kept) == len(branches) or not isinstance(kept[0], Schema):
        return None
    if kept[0].type != OpenAPIType.ARRAY:
        # A scalar may really be sent as `null` (Litestar reads `?as_of=null` as absent).
        return None
    only = kept[0]
    only.description = only.description or schema.description
    if only.default is None:
        only.default = schema.default
    return only


def tidy_openapi(app: Litestar) -> Litestar:
    """`app` with its OpenAPI document corrected as the module docstring says."""
    document = app.openapi_schema
    alternatives = {
        handler.operation_id: handler.opt["alternative_media_types"]
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if isinstance(handler.operation_id, str) and "alternative_media_types" in handler.opt
    }
    for name, media_types in _MORE_MEDIA_TYPES.items():
        alternatives[name] = [*alternatives.get(name, []), *media_types]
    components = document.components or Components()
    schemes = dict(components.security_schemes or {})
    schemes[_BEARER] = SecurityScheme(
        type="http",
        scheme="bearer",
        description="An API token (`timeline tokens create`); the admin token may do anything.",
    )
    components.security_schemes = schemes
    document.components = components
    for item in (document.paths or {}).values():
        for method in _METHODS:
            operation = getattr(item, method, None)
            if not isinstance(operation, Operation):
                continue
            if method in _WRITES:
                operation.security = [{_BEARER: []}]
            body = _REQUEST_BODIES.get(operation.operation_id or "")
            if body is not None and operation.request_body is None:
                operation.request_body = body
            _add_alternatives(operation, alternatives.get(operation.operation_id or "", []))
            for parameter in operation.parameters or []:
                if not isinstance(parameter, Parameter) or parameter.param_in != "query":
                    continue
                if isinstance(parameter.schema, Schema):
                    parameter.schema = _without_null(parameter.schema) or parameter.schema
    return app


def _add_alternatives(operation: Operation, media_types: list[str]) -> None:
    ok = (operation.responses or {}).get("200")
    if not isinstance(ok, OpenAPIResponse) or not media_types:
        return
    content = dict(ok.content or {})
    for media_type in media_types:
        text = media_type.startswith("text/")
        content.setdefault(
            media_type,
            MediaTypeObject(schema=Schema(type=OpenAPIType.STRING) if text else Schema()),
        )
    ok.content = content
