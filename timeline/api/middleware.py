"""Response headers every route needs: security headers and a correct `Allow` on OPTIONS.

HTML answers get the stricter set browsers need. Only headers a handler has not set are added,
so a page that sends its own Content-Security-Policy (or anything else here) keeps it.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HTML_CSP", "SCHEMA_UI_CSP", "AllowHeaderMiddleware", "SecurityHeadersMiddleware"]

# Our own pages load nothing from elsewhere and run no inline script.
HTML_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The OpenAPI UIs under /schema are Litestar's: inline bootstrap scripts and a CDN bundle.
SCHEMA_UI_CSP = "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"

_ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)
_HTML: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class SecurityHeadersMiddleware(ASGIMiddleware):
    """Adds `nosniff` and a referrer policy everywhere; on HTML also a Content-Security-Policy,
    framing refusal, an opener policy and a permissions policy."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Pass the request on, adding missing headers to the response start."""
        is_schema = scope["path"].startswith("/schema")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                # one pass for both the names present and the (last) Content-Type
                present = {bytes(k).lower(): bytes(v) for k, v in headers}
                content_type = present.get(b"content-type", b"").lower()
                wanted = list(_ALWAYS)
                if content_type.startswith(b"text/html"):
                    csp = SCHEMA_UI_CSP if is_schema else HTML_CSP
                    wanted += [*_HTML, (b"content-security-policy", csp.encode())]
                headers += [(k, v) for k, v in wanted if k not in present]
                message["headers"] = headers
            await send(message)

        await next_app(scope, receive, wrapped)


class AllowHeaderMiddleware(ASGIMiddleware):
    """Makes `Allow` on OPTIONS answers list every method of the path.

    Litestar builds the OPTIONS handler of a path when the first controller registers it and
    keeps that first method set when a later handler joins the same path, so `OPTIONS
    /api/v1/processes` would say `OPTIONS, POST` without GET. The methods are read from the
    application's final routes instead.
    """

    scopes = (ScopeType.HTTP,)

    def __init__(self) -> None:
        self._methods: dict[str, bytes] | None = None

    def _allowed(self, scope: Scope, template: str) -> bytes | None:
        if self._methods is None:
            self._methods = {
                route.path_format: ", ".join(sorted(route.methods)).encode()
                for route in scope["app"].routes
                if isinstance(route, HTTPRoute)
            }
        return self._methods.get(template)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Pass the request on; on OPTIONS, replace the response's Allow with the full list."""
        if scope.get("method") != "OPTIONS":
            await next_app(scope, receive, send)
            return
        allowed = self._allowed(scope, scope.get("path_template", ""))

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start" and allowed is not None:
                headers = [
                    (k, v) for k, v in message.get("headers", ()) if bytes(k).lower() != b"allow"
                ]
                message["headers"] = [*headers, (b"allow", allowed)]
            await send(message)

        await next_app(scope, receive, wrapped)
