"""The HTML pages: the process list, a process's visual timeline, and an event with its history.

Server-rendered with Jinja2 (no front-end build); one small static script adds conveniences.
Every page answers `as_of` (replay what was known that day), carries a strong ETag computed from
its bytes (If-None-Match gives 304) and strict security headers: the Content-Security-Policy
allows no inline script or style, so everything the pages run or style comes from /static.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from litestar import Controller, Response, Router
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import FromPath
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from timeline import __version__
from timeline.api.common import AnyRequest, Db, base_url, bytes_response, today
from timeline.api.params import AsOf, From, Kinds, Slug, Tags, To, Zoom
from timeline.api.problems import exception_handlers
from timeline.api.routes import page_route
from timeline.api.timeline import SearchWords
from timeline.domain.errors import DomainError
from timeline.domain.vocabulary import KIND_LABELS, RISK_LABELS, UNDER_WAY_KINDS, status_label
from timeline.services import pages
from timeline.web import views
from timeline.web.drawing import KIND_COLOURS, RISK_COLOURS

__all__ = [
    "SECURITY_HEADERS",
    "PageController",
    "PagesController",
    "drawing_arguments",
    "page_error",
    "page_query",
    "render",
    "static_files_router",
    "template_config",
]

WEB = Path(__file__).resolve().parent.parent / "web"

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.finalize = views.legal_output
    env.globals["KIND_LABELS"] = KIND_LABELS
    env.globals["KIND_COLOURS"] = KIND_COLOURS
    env.globals["RISK_COLOURS"] = RISK_COLOURS
    env.globals["RISK_LABELS"] = RISK_LABELS
    env.globals["UNDER_WAY_KINDS"] = UNDER_WAY_KINDS
    env.globals["status_label"] = status_label
    env.globals["version"] = __version__
    env.filters["day"] = views.say_day
    env.filters["pct"] = lambda value: f"{value:.3f}%"


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """The Jinja2 templates of the pages (autoescaped), with the drawing's palettes as globals."""
    return TemplateConfig(
        directory=WEB / "templates", engine=JinjaTemplateEngine, engine_callback=_configure
    )


def static_files_router() -> Router:
    """`/static`: the pages' stylesheet and script."""
    return create_static_files_router(
        path="/static",
        directories=[WEB / "static"],
        cache_control=CacheControlHeader(max_age=3600, public=True),
        include_in_schema=False,
    )


def _wants_html(request: AnyRequest) -> bool:
    return "text/html" in request.headers.get("accept", "")


def render(request: AnyRequest, name: str, context: dict[str, Any]) -> str:
    """Template `name` rendered with `context`."""
    engine = request.app.template_engine
    assert isinstance(engine, JinjaTemplateEngine)
    return engine.get_template(name).render(**context)


def _html(
    request: AnyRequest, name: str, context: dict[str, Any], status_code: int = 200
) -> Response[Any]:
    """A rendered page with a strong ETag of its bytes and the security headers."""
    body = render(request, name, context).encode()
    return bytes_response(
        request, body, "text/html", status_code=status_code, headers=SECURITY_HEADERS
    )


def page_error(request: AnyRequest, exc: Exception) -> Response[Any]:
    """problem+json as everywhere, or the same problem as a page when a browser asks."""
    handler = next(
        exception_handlers[cls] for cls in type(exc).__mro__ if cls in exception_handlers
    )
    response: Response[Any] = handler(request, exc)
    if not _wants_html(request) or not isinstance(response.content, dict):
        return response
    context = {"problem": response.content, "title": response.content.get("title", "Error")}
    page = _html(request, "error.html", context, status_code=response.status_code or 500)
    return page


def page_query(request: AnyRequest) -> views.QueryState:
    """The request's query string, for links that change one parameter and keep the rest."""
    pairs = tuple((k, v) for k, v in request.query_params.multi_items() if v != "")
    return views.QueryState(path=request.url.path, pairs=pairs)


def drawing_arguments(
    request: AnyRequest,
    as_of: dt.date | None,
    start: dt.date | None,
    end: dt.date | None,
    zoom: str | None,
    kinds: Sequence[str] | None,
    tags: Sequence[str] | None,
) -> pages.ChartQuery:
    """The drawing `request` asks for, as known on `as_of` (no filter where none is given)."""
    return {
        "as_of": as_of,
        "today": today(),
        "start": start,
        "end": end,
        "zoom": zoom,
        "kinds": kinds or [],
        "tags": tags or [],
        "query": page_query(request),
        "root": base_url(request),
    }


class PageController(Controller):
    """A controller of HTML pages: its errors are pages too when a browser asks (`page_error`)."""

    tags = ["pages"]
    exception_handlers = {
        DomainError: page_error,
        ValidationException: page_error,
        HTTPException: page_error,
    }


class PagesController(PageController):
    """`/`, `/processes/{slug}`, `/processes/{slug}/events/{id}`: HTML for people."""

    @page_route(
        "/",
        "pageIndex",
        "HTML: every process with its next milestones and deadlines' status",
        errors=(422, 429),
    )
    async def index(self, request: AnyRequest, db: Db, as_of: AsOf = None) -> Response[Any]:
        """The process list; `as_of` replays what was known that day."""
        context = await pages.index_page(db, as_of=as_of, today=today(), query=page_query(request))
        return _html(request, "index.html", context)

    @page_route(
        "/processes/{slug:str}",
        "pageProcess",
        "HTML: the visual timeline of a process, with its events below",
    )
    async def process(
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
        q: SearchWords = None,
    ) -> Response[Any]:
        """The drawing (lanes by kind, bars, markers, today), the range control, filters, the
        search box, subscribe links and the list of events, as known on `as_of`."""
        asked = drawing_arguments(request, as_of, from_, to, zoom, kind, tag)
        context = await pages.process_page(db, slug, **asked, q=q or None)
        return _html(request, "process.html", context)

    @page_route(
        "/processes/{slug:str}/events/{event_id:str}",
        "pageEvent",
        "HTML: one event with its sources and history (what changed, when it was known)",
    )
    async def event(
        self, request: AnyRequest, slug: Slug, event_id: FromPath[str], db: Db, as_of: AsOf = None
    ) -> Response[Any]:
        """The event as known on `as_of` (or now) and every revision known by then."""
        context = await pages.event_page(
            db,
            slug,
            event_id,
            as_of=as_of,
            today=today(),
            query=page_query(request),
            root=base_url(request),
        )
        return _html(request, "event.html", context)
