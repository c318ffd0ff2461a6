"""Full-text search over a process's events, live or as known on a day, ranked and paged.

The words are indexed per revision by the database itself (migration 0005: FTS5 on SQLite, a
weighted tsvector with a GIN index on PostgreSQL), so a replay searches the text each event
had on that day. Scores are made comparable across the two: higher is better.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.model import EventState
from timeline.store.event_replays import replayed_states
from timeline.store.event_rows import EventFilter
from timeline.store.events import event_states
from timeline.store.tables import Process

__all__ = ["SearchKey", "SearchQuery", "search_events"]

SearchKey = tuple[float, dt.date, dt.date, str, str]
"""The sort key of search results: minus the score (best first), then the timeline's order."""

# The revisions a search looks at: each live event's current one, or, on a replay, each event's
# latest one known on the day (when that was not its deletion).
_LIVE = (
    "SELECT r.id FROM event_revisions AS r JOIN events AS e"
    " ON e.id = r.event_id AND e.version = r.version"
    " WHERE e.process_id = :process AND NOT e.deleted"
)
_AS_OF = (
    "SELECT r.id FROM event_revisions AS r JOIN ("
    " SELECT event_id, max(version) AS version FROM event_revisions"
    " WHERE process_id = :process AND known_on <= :as_of GROUP BY event_id) AS latest"
    " ON latest.event_id = r.event_id AND latest.version = r.version"
    " WHERE r.change <> 'deleted'"
)
# Title counts most, then summary, location and tags, then the sources' titles and quotes.
_SQLITE = (
    "SELECT r.event_id, -bm25(event_search, 8.0, 3.0, 3.0, 3.0, 1.0)"
    " FROM event_search JOIN event_revisions AS r ON r.id = event_search.rowid"
    " WHERE event_search MATCH :words AND event_search.rowid IN ({candidates})"
)
_POSTGRES = (
    "SELECT r.event_id, ts_rank(s.words, to_tsquery('simple', :words))"
    " FROM event_search AS s JOIN event_revisions AS r ON r.id = s.revision_id"
    " WHERE s.words @@ to_tsquery('simple', :words) AND s.revision_id IN ({candidates})"
)


class SearchQuery:
    """What a search asks: `words` that must all occur (each also as a prefix, any case), and
    a `location` the event's location must contain (any case); either may be empty."""

    __slots__ = ("location", "words")

    def __init__(self, words: Sequence[str], location: str | None) -> None:
        self.words = tuple(words)
        self.location = location.casefold() if location else None


def _expression(words: Sequence[str], dialect: str) -> str:
    # Words are letters and digits only (the service splits them so): quoting them is safe.
    if dialect == "postgresql":
        return " & ".join(f"{w}:*" for w in words)
    return " ".join(f'"{w}"*' for w in words)


async def _scores(
    session: AsyncSession, process: Process, query: SearchQuery, as_of: dt.date | None
) -> dict[str, float]:
    connection = await session.connection()
    dialect = connection.dialect.name
    candidates = _LIVE if as_of is None else _AS_OF
    statement = (_POSTGRES if dialect == "postgresql" else _SQLITE).format(candidates=candidates)
    params: dict[str, Any] = {"process": process.id, "words": _expression(query.words, dialect)}
    if as_of is not None:
        params["as_of"] = as_of
    rows = (await connection.execute(text(statement), params)).all()
    # Rounded so that a score survives a trip through a page cursor unchanged.
    return {event_id: round(float(score), 9) for event_id, score in rows}


def _key(score: float, state: EventState) -> SearchKey:
    return (-score, state.start, state.end, state.kind, state.id)


async def search_events(
    session: AsyncSession,
    process: Process,
    query: SearchQuery,
    flt: EventFilter,
    *,
    as_of: dt.date | None = None,
    after: SearchKey | None = None,
    limit: int | None = None,
) -> list[tuple[float, EventState]]:
    """Events of `process` passing `flt` whose words hold every word of `query` and whose
    location contains its location, live or as known on `as_of` (their text then), each with
    its score (higher is better; 0 without words), best first and then in timeline order,
    after `after`, at most `limit`."""
    scores: dict[str, float] | None = None
    if query.words:
        scores = await _scores(session, process, query, as_of)
        if not scores:
            return []
    slugs = {process.id: process.slug}
    if as_of is None:
        states = await event_states(session, [process], flt)
    else:
        states = await replayed_states(session, slugs, flt, as_of, None, None)
    found = [
        (0.0 if scores is None else scores[s.id], s)
        for s in states
        if (scores is None or s.id in scores)
        and (query.location is None or query.location in (s.location or "").casefold())
    ]
    found.sort(key=lambda pair: _key(*pair))
    if after is not None:
        found = [pair for pair in found if _key(*pair) > after]
    return found if limit is None else found[:limit]
