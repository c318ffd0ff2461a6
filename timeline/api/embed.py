"""Embedding: `/embed/processes/{slug}`, the drawing alone for other sites to frame.

The embed page sends its own Content-Security-Policy, whose `frame-ancestors` comes from the
`TIMELINE_EMBED_ANCESTORS` setting (any site by default); the security middleware keeps a
page's own headers. Links in the drawing open the full page at the top level.
"""

from __future__ import annotations

from typing import Any

from litestar import Response

from timeline.api.common import AnyRequest, Db, bytes_response
from timeline.api.pages import PageController, drawing_arguments, render
from timeline.api.params import AsOf, From, Kinds, Slug, Tags, To, Zoom
from timeline.api.routes import page_route
from timeline.services import pages
from timeline.settings import Settings

__all__ = ["EmbedController", "embed_headers"]


def embed_headers(ancestors: str) -> dict[str, str]:
    """The embed page's own headers: our strict policy, but framable by `ancestors`."""
    return {
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"form-action 'self'; frame-ancestors {ancestors}; base-uri 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cache-Control": "no-cache",
    }


class EmbedController(PageController):
    """`/embed/processes/{slug}`: the visual timeline alone, for an iframe on another site."""

    @page_route(
        "/embed/processes/{slug:str}",
        "pageEmbedProcess",
        "HTML: the drawing of a process alone, to frame on another site",
    )
    async def embed(
        self,
        request: AnyRequest,
        slug: Slug,
        db: Db,
        as_of: AsOf = None,
        from_: From = None,
        to: To = None,
        zoom: Zoom = None,
        kind: Kinds = None,
        tag: Tags = None,
    ) -> Response[Any]:
        """The drawing with the same range, filters and `as_of` as the process page."""
        asked = drawing_arguments(request, as_of, from_, to, zoom, kind, tag)
        context = await pages.embed_page(db, slug, **asked)
        settings: Settings = request.app.state.settings
        body = render(request, "embed.html", context).encode()
        return bytes_response(
            request, body, "text/html", headers=embed_headers(settings.embed_ancestors)
        )
