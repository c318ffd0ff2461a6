"""The HTML pages: the process list, a process's visual timeline, and an event with its history.

Server-rendered with Jinja2 (no front-end build); one small static script adds conveniences.
Every page answers `as_of` (replay what was known that day), carries a strong ETag computed from
its bytes (If-None-Match gives 304) and strict security headers: the Content-Security-Policy
allows no inline script or style, so everything the pages run or style comes from /static.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, MediaType, Request, Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import FromPath, QueryParameter
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from timeline import __version__
from timeline.analysis import assess_risks
from timeline.api.common import base_url, today
from timeline.api.conditional import content_etag, is_not_modified, not_modified
from timeline.api.events import AsOf
from timeline.api.problems import exception_handlers, problems
from timeline.api.processes import process_links
from timeline.domain.errors import DomainError, NotFound
from timeline.domain.model import EventState
from timeline.schemas import Kind
from timeline.store import events as event_store
from timeline.store.db import Database
from timeline.store.events import EventFilter
from timeline.store.processes import get_process, list_processes
from timeline.store.tables import Process
from timeline.web import drawing as drawing_module
from timeline.web import views

__all__ = [
    "SECURITY_HEADERS",
    "PagesController",
    "deadline_risks",
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

Kinds = Annotated[list[Kind] | None, QueryParameter(name="kind", description="Any of these kinds.")]
Tags = Annotated[list[str] | None, QueryParameter(name="tag", description="Any of these tags.")]
From = Annotated[
    dt.date | None, QueryParameter(name="from", description="First day drawn (YYYY-MM-DD).")
]
To = Annotated[
    dt.date | None, QueryParameter(name="to", description="Last day drawn (YYYY-MM-DD).")
]
Zoom = Annotated[
    str | None,
    QueryParameter(
        name="zoom",
        max_length=7,
        description="'all', a year (2023) or a month (2023-06); from/to override its edges.",
    ),
]


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.globals["KIND_LABELS"] = drawing_module.KIND_LABELS
    env.globals["KIND_COLOURS"] = drawing_module.KIND_COLOURS
    env.globals["RISK_COLOURS"] = drawing_module.RISK_COLOURS
    env.globals["RISK_LABELS"] = drawing_module.RISK_LABELS
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


async def deadline_risks(db: Database, slug: str, as_of: dt.date | None) -> dict[str, str]:
    """Each deadline's assessed status (met, missed, on_track, at_risk, off_track) by event id,
    exactly as `GET .../risks?as_of=` reports it (today when `as_of` is None)."""
    report = await assess_risks(db, slug, as_of or today())
    return {risk.event.id: risk.status for risk in report.deadlines}


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _render(request: Request[Any, Any, Any], name: str, context: dict[str, Any]) -> str:
    engine = request.app.template_engine
    assert isinstance(engine, JinjaTemplateEngine)
    return engine.get_template(name).render(**context)


def _html(
    request: Request[Any, Any, Any], name: str, context: dict[str, Any], status_code: int = 200
) -> Response[Any]:
    """A rendered page with a strong ETag of its bytes and the security headers."""
    body = _render(request, name, context).encode()
    tag = content_etag(body)
    if status_code == 200 and is_not_modified(request, tag):
        return not_modified(tag, SECURITY_HEADERS)
    return Response(
        content=body,
        status_code=status_code,
        media_type="text/html",
        headers={"ETag": tag, **SECURITY_HEADERS},
    )


def _page_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
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


def _query(request: Request[Any, Any, Any]) -> views.QueryState:
    pairs = tuple((k, v) for k, v in request.query_params.multi_items() if v != "")
    return views.QueryState(path=request.url.path, pairs=pairs)


def _event_href(slug: str, event_id: str, as_of: dt.date | None) -> str:
    path = f"/processes/{slug}/events/{event_id}"
    return path + (f"?as_of={as_of.isoformat()}" if as_of else "")


async def _states(
    db: Database, slug: str, as_of: dt.date | None
) -> tuple[Process, list[EventState]]:
    async with db.read() as session:
        process = await get_process(session, slug)
        states = await event_store.event_states(session, [process], EventFilter(), as_of=as_of)
    return process, states


def _subscribe_query(kinds: list[str], tags: list[str]) -> str:
    # The calendar takes the same filters, so a subscription follows what the page shows.
    pairs = [("kind", k) for k in kinds] + [("tag", t) for t in tags]
    return ("?" + urlencode(pairs)) if pairs else ""


class PagesController(Controller):
    """`/`, `/processes/{slug}`, `/processes/{slug}/events/{id}`: HTML for people."""

    tags = ["pages"]
    exception_handlers = {
        DomainError: _page_error,
        ValidationException: _page_error,
        HTTPException: _page_error,
    }

    @get(
        "/",
        operation_id="pageIndex",
        media_type=MediaType.HTML,
        summary="HTML: every process with its next milestones and deadlines' status",
        responses=problems(422, 429),
    )
    async def index(
        self, request: Request[Any, Any, Any], db: NamedDependency[Database], as_of: AsOf = None
    ) -> Response[Any]:
        """The process list; `as_of` replays what was known that day."""
        day = as_of or today()
        async with db.read() as session:
            processes = await list_processes(session)
            # One query for every process's events, grouped here.
            everything = await event_store.event_states(
                session, processes, EventFilter(), as_of=as_of
            )
        items = []
        for process in processes:
            states = [s for s in everything if s.process == process.slug]
            risks = await deadline_risks(db, process.slug, as_of)
            href = {s.id: _event_href(process.slug, s.id, as_of) for s in states}
            deadlines = [s for s in states if s.kind == "deadline"]
            items.append(
                {
                    "process": process,
                    "known": len(states),
                    "page": f"/processes/{process.slug}"
                    + (f"?as_of={as_of.isoformat()}" if as_of else ""),
                    "next": views.event_rows(views.next_milestones(states, day), href, risks),
                    "deadlines": views.event_rows(deadlines, href, risks),
                    "overview": drawing_module.draw(
                        states,
                        today=day,
                        window=drawing_module.overview_window(states, day),
                        risks=risks,
                        title=process.title,
                    ),
                }
            )
        context = {
            "title": "Negotiation timelines",
            "items": items,
            "as_of": as_of,
            "today": day,
            "query": _query(request),
        }
        return _html(request, "index.html", context)

    @get(
        "/processes/{slug:str}",
        operation_id="pageProcess",
        media_type=MediaType.HTML,
        summary="HTML: the visual timeline of a process, with its events below",
        responses=problems(404, 422, 429),
    )
    async def process(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[Database],
        as_of: AsOf = None,
        from_: From = None,
        to: To = None,
        zoom: Zoom = None,
        kind: Kinds = None,
        tag: Tags = None,
    ) -> Response[Any]:
        """The drawing (lanes by kind, bars, markers, today), the range control, filters,
        subscribe links and the list of events, as known on `as_of`."""
        day = as_of or today()
        process, states = await _states(db, slug, as_of)
        window = drawing_module.choose_window(states, day, start=from_, end=to, zoom=zoom)
        kinds: list[str] = list(kind or [])
        # The filter form sends an empty `tag` for "any tag".
        tags: list[str] = [t for t in tag or [] if t]
        chosen = EventFilter(kinds=kinds, tags=tags)
        filtered = [s for s in states if chosen.accepts(s)]
        shown = [s for s in filtered if window.overlaps(s.start, s.end)]
        risks = await deadline_risks(db, slug, as_of)
        picture = drawing_module.draw(
            filtered, today=day, window=window, risks=risks, title=process.title
        )
        href = {s.id: _event_href(slug, s.id, as_of) for s in states}
        rows = views.event_rows(shown, href, risks)
        query = _query(request)
        years, months, previous, following = views.zoom_links(states, day, window, query)
        root = base_url(request)
        links = process_links(root, slug)
        subscribe = _subscribe_query(kinds, tags)
        context = {
            "title": process.title,
            "process": process,
            "as_of": as_of,
            "today": day,
            "drawing": picture,
            "href": href,
            "groups": views.group_by_year(rows),
            "shown": len(rows),
            "total": len(states),
            "query": query,
            "years": years,
            "months": months,
            "previous": previous,
            "following": following,
            "window": window,
            "all_kinds": [
                k for k in drawing_module.KIND_LABELS if any(s.kind == k for s in states)
            ],
            "all_tags": sorted({t for s in states for t in s.tags}),
            "kinds": kinds,
            "tags": tags,
            "links": links,
            "webcal": links.webcal + subscribe,
            "calendar": links.calendar + subscribe,
            "filtered": bool(kinds or tags),
            "filter_note": ", ".join(
                [drawing_module.KIND_LABELS[k] for k in kinds] + [f"#{t}" for t in tags]
            ),
        }
        return _html(request, "process.html", context)

    @get(
        "/processes/{slug:str}/events/{event_id:str}",
        operation_id="pageEvent",
        media_type=MediaType.HTML,
        summary="HTML: one event with its sources and history (what changed, when it was known)",
        responses=problems(404, 422, 429),
    )
    async def event(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        event_id: FromPath[str],
        db: NamedDependency[Database],
        as_of: AsOf = None,
    ) -> Response[Any]:
        """The event as known on `as_of` (or now) and every revision known by then."""
        async with db.read() as session:
            process = await get_process(session, slug)
            state = await event_store.get_event(session, process, event_id, as_of)
            revisions = await event_store.history(session, process, event_id)
            states = await event_store.event_states(session, [process], EventFilter(), as_of=as_of)
        known = [r for r in revisions if as_of is None or r.known_on <= as_of]
        if not known:
            raise NotFound(f"event {event_id!r} was not known then")
        by_id = {s.id: s for s in states}
        href = {s.id: _event_href(slug, s.id, as_of) for s in states}
        risks = await deadline_risks(db, slug, as_of) if state.kind == "deadline" else {}
        titles = {s.id: s.title for s in states}
        history = [
            {"revision": r, "changes": views.change_rows(r.fields, titles)} for r in reversed(known)
        ]
        links = process_links(base_url(request), slug)
        api_event = f"{links.self}/events/{event_id}"
        context = {
            "title": state.title,
            "process": process,
            "row": views.event_rows([state], {state.id: ""}, risks)[0],
            "state": state,
            "as_of": as_of,
            "today": as_of or today(),
            "parent": by_id.get(state.parent) if state.parent else None,
            "children": [s for s in states if s.parent == state.id],
            "depends_on": [(by_id.get(d["event"]), d.get("lag_days", 0)) for d in state.depends_on],
            "href": href,
            "history": history,
            "later": len(revisions) - len(known),
            "attributes": state.served_attributes,
            "query": _query(request),
            "back": f"/processes/{slug}" + (f"?as_of={as_of.isoformat()}" if as_of else ""),
            "links": links,
            "api_event": api_event,
            "ics": f"{api_event}.ics",
        }
        return _html(request, "event.html", context)
