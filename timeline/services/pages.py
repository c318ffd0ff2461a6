"""The HTML pages' view models: what the index, a process's and an event's page show.

Each function reads what its page needs as known on `as_of` and returns the templates'
context as a plain dict; controllers add nothing but the rendering and the headers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Unpack
from urllib.parse import urlencode

from timeline.domain.errors import NotFound
from timeline.domain.model import EventState
from timeline.domain.vocabulary import KIND_LABELS
from timeline.services import events as event_store
from timeline.services.analysis import assess_entry_into_force, assess_risks
from timeline.services.position_pages import positions_view
from timeline.services.processes import process_links
from timeline.services.timeline import search_matches
from timeline.store.db import Database
from timeline.store.events import EventFilter
from timeline.store.items import item_states
from timeline.store.processes import get_process, list_processes
from timeline.store.tables import Process
from timeline.web import analysis, drawing, views
from timeline.web.axis import Window

__all__ = ["ChartQuery", "deadline_risks", "embed_page", "event_page", "index_page", "process_page"]


class ChartQuery(TypedDict):
    """What a process page and its embed are asked for, the same for both: the day the events
    are known on (`as_of`, None for now) and `today`, the window (`start`, `end`, `zoom`), the
    filters (`kinds`, `tags`), the page's query (`query`) and where the site is reached
    (`root`)."""

    as_of: dt.date | None
    today: dt.date
    start: dt.date | None
    end: dt.date | None
    zoom: str | None
    kinds: Sequence[str]
    tags: Sequence[str]
    query: views.QueryState
    root: str


async def deadline_risks(db: Database, slug: str, day: dt.date) -> dict[str, str]:
    """Each deadline's assessed status (met, missed, on_track, at_risk, off_track) by event id,
    exactly as `GET .../risks?as_of=` reports it for `day`."""
    report = await assess_risks(db, slug, day)
    return {risk.event.id: risk.status for risk in report.deadlines}


def _as_of_query(as_of: dt.date | None) -> str:
    return f"?as_of={as_of.isoformat()}" if as_of else ""


def _event_href(slug: str, event_id: str, as_of: dt.date | None) -> str:
    return f"/processes/{slug}/events/{event_id}" + _as_of_query(as_of)


def _hrefs(slug: str, states: Sequence[EventState], as_of: dt.date | None) -> dict[str, str]:
    return {s.id: _event_href(slug, s.id, as_of) for s in states}


async def _states(
    db: Database, slug: str, as_of: dt.date | None
) -> tuple[Process, list[EventState]]:
    async with db.read() as session:
        process = await get_process(session, slug)
        states = await event_store.event_states(session, [process], EventFilter(), as_of=as_of)
    return process, states


async def _analyses(
    db: Database, process: Process, day: dt.date, as_of: dt.date | None, href: dict[str, str]
) -> dict[str, Any]:
    """The deadlines' assessments, the entry-into-force panel and the items board, as known on
    `day`: read through the same services (and public shapes) as the API's answers."""
    risks = await assess_risks(db, process.slug, day)
    eif = await assess_entry_into_force(db, process.slug, day)
    async with db.read() as session:
        items = await item_states(session, process, as_of)
    board = analysis.items_board(items)
    return {
        "deadline_views": analysis.deadline_views(risks.to_json(), href),
        "eif": analysis.eif_view(eif.to_json(), href),
        "board": board,
        "open_items": sum(chapter.open for chapter in board),
        "item_count": len(items),
    }


def _subscribe_query(kinds: list[str], tags: list[str]) -> str:
    # The calendar takes the same filters, so a subscription follows what the page shows.
    pairs = [("kind", k) for k in kinds] + [("tag", t) for t in tags]
    return ("?" + urlencode(pairs)) if pairs else ""


async def index_page(
    db: Database, *, as_of: dt.date | None, today: dt.date, query: views.QueryState
) -> dict[str, Any]:
    """Every process with its next milestones, its deadlines' status and an overview drawing,
    as known on `as_of` (else `today`)."""
    day = as_of or today
    async with db.read() as session:
        processes = await list_processes(session)
        # One query for every process's events, grouped here.
        everything = await event_store.event_states(session, processes, EventFilter(), as_of=as_of)
    items = []
    for process in processes:
        states = [s for s in everything if s.process == process.slug]
        risks = await deadline_risks(db, process.slug, day)
        href = _hrefs(process.slug, states, as_of)
        deadlines = [s for s in states if s.kind == "deadline"]
        items.append(
            {
                "process": process,
                "known": len(states),
                "page": f"/processes/{process.slug}" + _as_of_query(as_of),
                "next": views.event_rows(views.next_milestones(states, day), href, risks),
                "deadlines": views.event_rows(deadlines, href, risks),
                "overview": drawing.draw(
                    states,
                    today=day,
                    window=drawing.overview_window(states, day),
                    risks=risks,
                    title=process.title,
                ),
            }
        )
    return {
        "title": "Negotiation timelines",
        "items": items,
        "as_of": as_of,
        "today": day,
        "query": query,
    }


def _drawings(
    states: Sequence[EventState],
    day: dt.date,
    window: drawing.Window,
    risks: Mapping[str, str],
    title: str,
) -> tuple[drawing.Drawing, drawing.Drawing]:
    """The wide drawing and the one laid out for phones (a page shows one of the two)."""
    wide = drawing.draw(states, today=day, window=window, risks=risks, title=title)
    narrow = drawing.draw(
        states,
        today=day,
        window=window,
        risks=risks,
        title=title,
        min_width=drawing.COMPACT_WIDTH_PX,
    )
    return wide, narrow


async def _known(
    db: Database, slug: str, asked: ChartQuery
) -> tuple[dt.date, Process, list[EventState]]:
    # What a process page and its embed both start from: the day, the process and its events
    # as known then.
    process, states = await _states(db, slug, asked["as_of"])
    return asked["as_of"] or asked["today"], process, states


def _window(
    states: Sequence[EventState], day: dt.date, asked: ChartQuery
) -> tuple[Window, EventFilter]:
    # The window to draw and the filter asked for (the form sends an empty `tag` for "any tag").
    window = drawing.choose_window(
        states, day, start=asked["start"], end=asked["end"], zoom=asked["zoom"]
    )
    chosen = EventFilter(kinds=list(asked["kinds"]), tags=[t for t in asked["tags"] if t])
    return window, chosen


async def process_page(
    db: Database, slug: str, *, q: str | None = None, **asked: Unpack[ChartQuery]
) -> dict[str, Any]:
    """The drawing of the events of `kinds` and `tags` (and matching the words `q`) in the
    window chosen by `start`, `end` and `zoom`, the range, filter and search controls,
    subscribe links and the list of events shown."""
    as_of, query = asked["as_of"], asked["query"]
    day, process, states = await _known(db, slug, asked)
    matches = await search_matches(db, slug, q, None, as_of)
    window, chosen = _window(states, day, asked)
    kinds, tags = list(chosen.kinds), list(chosen.tags)
    filtered = [s for s in states if chosen.accepts(s) and (matches is None or s.id in matches)]
    shown = [s for s in filtered if window.overlaps(s.start, s.end)]
    risks = await deadline_risks(db, slug, day)
    picture, compact = _drawings(filtered, day, window, risks, process.title)
    href = _hrefs(slug, states, as_of)
    rows = views.event_rows(shown, href, risks)
    years, months, previous, following = views.zoom_links(states, day, window, query)
    links = process_links(asked["root"], slug)
    subscribe = _subscribe_query(kinds, tags)
    return {
        **await _analyses(db, process, day, as_of, href),
        "title": process.title,
        "process": process,
        "as_of": as_of,
        "today": day,
        "drawing": picture,
        "compact": compact,
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
        "all_kinds": [k for k in KIND_LABELS if any(s.kind == k for s in states)],
        "all_tags": sorted({t for s in states for t in s.tags}),
        "kinds": kinds,
        "tags": tags,
        "links": links,
        "webcal": links.webcal + subscribe,
        "calendar": links.calendar + subscribe,
        "filtered": bool(kinds or tags or q),
        "filter_note": ", ".join(
            [KIND_LABELS[k] for k in kinds] + [f"#{t}" for t in tags] + ([f"“{q}”"] if q else [])
        ),
        "search": q or "",
        "positions": await positions_view(db, slug, as_of=as_of, today=day),
    }


async def embed_page(db: Database, slug: str, **asked: Unpack[ChartQuery]) -> dict[str, Any]:
    """The drawing alone, as on the process page for the same window, filters and `as_of`,
    with links that are absolute (they open this site from the framing page)."""
    as_of, root = asked["as_of"], asked["root"]
    day, process, states = await _known(db, slug, asked)
    window, chosen = _window(states, day, asked)
    filtered = [s for s in states if chosen.accepts(s)]
    risks = await deadline_risks(db, slug, day)
    picture, compact = _drawings(filtered, day, window, risks, process.title)
    page = f"{root}/processes/{slug}"
    return {
        "title": process.title,
        "process": process,
        "as_of": as_of,
        "today": day,
        "query": asked["query"],
        "window": window,
        "drawing": picture,
        "compact": compact,
        "href": {s.id: root + _event_href(slug, s.id, as_of) for s in states},
        "page": page + _as_of_query(as_of),
        "link_target": "_top",
    }


async def event_page(
    db: Database,
    slug: str,
    event_id: str,
    *,
    as_of: dt.date | None,
    today: dt.date,
    query: views.QueryState,
    root: str,
) -> dict[str, Any]:
    """The event as known on `as_of` (or now), its relations and every revision known by then;
    NotFound when the process or the event is unknown, or the event was not known then."""
    async with db.read() as session:
        process = await get_process(session, slug)
        state = await event_store.get_event(session, process, event_id, as_of)
        revisions = await event_store.history(session, process, event_id)
        states = await event_store.event_states(session, [process], EventFilter(), as_of=as_of)
    known = [r for r in revisions if as_of is None or r.known_on <= as_of]
    if not known:
        raise NotFound(f"event {event_id!r} was not known then")
    by_id = {s.id: s for s in states}
    day = as_of or today
    risks = await deadline_risks(db, slug, day) if state.kind == "deadline" else {}
    titles = {s.id: s.title for s in states}
    history = [
        {"revision": r, "changes": views.change_rows(r.fields, titles, state.kind)}
        for r in reversed(known)
    ]
    links = process_links(root, slug)
    api_event = f"{links.self}/events/{event_id}"
    return {
        "title": state.title,
        "process": process,
        "row": views.event_rows([state], {state.id: ""}, risks)[0],
        "state": state,
        "as_of": as_of,
        "today": day,
        "parent": by_id.get(state.parent) if state.parent else None,
        "children": [s for s in states if s.parent == state.id],
        "depends_on": [(by_id.get(d["event"]), d.get("lag_days", 0)) for d in state.depends_on],
        "href": _hrefs(slug, states, as_of),
        "history": history,
        "later": len(revisions) - len(known),
        "attributes": views.attribute_rows(state.served_attributes),
        "query": query,
        "back": f"/processes/{slug}" + _as_of_query(as_of),
        "links": links,
        "api_event": api_event,
        "ics": f"{api_event}.ics",
    }
