"""Security headers on every response, and the stricter set browsers need on HTML.

Only headers a handler has not set are added, so a page that sends its own
Content-Security-Policy (or anything else here) keeps it.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HTML_CSP", "SCHEMA_UI_CSP", "SecurityHeadersMiddleware"]

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
                present = {bytes(k).lower() for k, _ in headers}
                content_type = b""
                for key, value in headers:
                    if bytes(key).lower() == b"content-type":
                        content_type = bytes(value).lower()
                wanted = list(_ALWAYS)
                if content_type.startswith(b"text/html"):
                    csp = SCHEMA_UI_CSP if is_schema else HTML_CSP
                    wanted += [*_HTML, (b"content-security-policy", csp.encode())]
                headers += [(k, v) for k, v in wanted if k not in present]
                message["headers"] = headers
            await send(message)

        await next_app(scope, receive, wrapped)
