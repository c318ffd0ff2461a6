"""The change feeds, the digest and TimelineJS: which changes a feed lists, the digest assembled.

Controllers parse the query and call one function here; each returns the bytes to serve with
their media type (and Last-Modified for the change feeds), so the conditional-request handling
(ETag, 304) stays in the HTTP layer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import InvalidFields
from timeline.domain.model import ChangeRecord
from timeline.domain.position_changes import PositionChange
from timeline.formats.atom import ATOM_MEDIA_TYPE, atom_feed
from timeline.formats.digest import (
    DigestInput,
    build_digest,
    changed_since,
    digest_json,
)
from timeline.formats.digest_html import digest_html
from timeline.formats.digest_markdown import digest_markdown
from timeline.formats.feedinfo import FeedInfo, feed_id, feed_updated
from timeline.formats.jsonfeed import JSON_FEED_MEDIA_TYPE, json_feed
from timeline.formats.position_digest import position_changed_since
from timeline.formats.timelinejs import timelinejs
from timeline.services import analysis
from timeline.services.position_feeds import merge_news, position_news
from timeline.services.processes import process_info
from timeline.store.changes import list_changes
from timeline.store.db import Database
from timeline.store.events import EventFilter, event_states
from timeline.store.processes import get_process, get_processes, list_processes
from timeline.store.tables import Process

__all__ = [
    "DIGEST_CHANGES",
    "DIGEST_MEDIA_TYPES",
    "DigestFormat",
    "FeedFormat",
    "Served",
    "change_feed",
    "digest",
    "filtered_changes",
    "timelinejs_feed",
]

FeedFormat = Literal["atom", "json"]
DigestFormat = Literal["md", "html", "json"]

# Litestar adds "; charset=utf-8" to text/* media types itself.
DIGEST_MEDIA_TYPES: dict[str, str] = {
    "md": "text/markdown",
    "html": "text/html",
    "json": "application/json",
}
# The most changes one digest lists; a longer window is summarised by a note.
DIGEST_CHANGES = 1000

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_BATCH = 500


@dataclass(frozen=True, slots=True)
class Served:
    """Bytes to serve, their media type, and when they last changed (None: not dated)."""

    body: bytes
    media_type: str
    last_modified: dt.datetime | None = None


async def filtered_changes(
    session: AsyncSession,
    processes: Sequence[Process],
    *,
    limit: int,
    kinds: Sequence[str] = (),
    tags: Sequence[str] = (),
    as_of: dt.date | None = None,
    keep: Callable[[ChangeRecord], bool] | None = None,
) -> list[ChangeRecord]:
    """Up to `limit` changes, newest first, to events of `kinds` and `tags` (any of each, before
    or after the change), known on `as_of`, and accepted by `keep`; pages through the log until
    enough are found. The store filters kinds and tags in its query; only `keep` runs here."""
    found: list[ChangeRecord] = []
    before: int | None = None
    while len(found) < limit:
        batch = await list_changes(
            session, processes, limit=_BATCH, before_id=before, as_of=as_of, kinds=kinds, tags=tags
        )
        found.extend(r for r in batch if keep is None or keep(r))
        if len(batch) < _BATCH:
            break
        before = batch[-1].id
    return found[:limit]


def _feed_info(
    processes: Sequence[Process],
    slug: str | None,
    kinds: Sequence[str],
    tags: Sequence[str],
    root: str,
    self_url: str,
) -> FeedInfo:
    # An empty feed is dated by the data (the first process's creation), never by the clock.
    fallback = min((p.created_at for p in processes), default=_EPOCH)
    if slug is None:
        title, subtitle = "timeline: what changed", "Every recorded change, across processes."
        alternate = f"{root}/"
    else:
        process = processes[0]
        title = f"{process.title}: what changed"
        subtitle = f"Every recorded change to the timeline of {process.title}."
        alternate = f"{root}/processes/{process.slug}"
    if kinds or tags:
        subtitle += " Filtered by " + ", ".join([*kinds, *(f"#{t}" for t in tags)]) + "."
    return FeedInfo(
        id=feed_id(slug, kinds, tags),
        title=title,
        subtitle=subtitle,
        root=root,
        self_url=self_url,
        alternate_url=alternate,
        author="timeline",
        fallback_updated=fallback,
    )


async def change_feed(
    db: Database,
    *,
    slug: str | None,
    fmt: FeedFormat,
    kinds: Sequence[str],
    tags: Sequence[str],
    limit: int,
    as_of: dt.date | None,
    root: str,
    self_url: str,
) -> Served:
    """The change feed of every process (`slug` None) or of one (NotFound when unknown), as
    Atom or JSON Feed, dated by its newest entry."""
    async with db.read() as session:
        if slug is None:
            processes = await list_processes(session)
        else:
            processes = [await get_process(session, slug)]
        records = await filtered_changes(
            session, processes, limit=limit, kinds=kinds, tags=tags, as_of=as_of
        )
        news = await _position_news(session, processes, limit, kinds, tags, as_of)
    entries = merge_news(records, news, limit) if news else records
    info = _feed_info(processes, slug, kinds, tags, root, self_url)
    if fmt == "atom":
        body, media = atom_feed(info, entries), ATOM_MEDIA_TYPE
    else:
        body, media = json_feed(info, entries), JSON_FEED_MEDIA_TYPE
    return Served(body, media, feed_updated(info, entries))


async def digest(
    db: Database,
    *,
    slugs: Sequence[str],
    days: int,
    since: dt.date | None,
    fmt: DigestFormat,
    as_of: dt.date | None,
    today: dt.date,
    root: str,
) -> Served:
    """The digest of `slugs` (every process when empty) as of `as_of` (else `today`): events in
    the `days` ahead, changes since `since` (else `days` back), deadline risks and entry into
    force. InvalidFields when `since` is after that day, NotFound for an unknown process."""
    day = as_of or today
    start = since if since is not None else day - dt.timedelta(days=days)
    if start > day:
        raise InvalidFields.one("since", f"is after as_of ({day.isoformat()})")
    async with db.read() as session:
        processes = await get_processes(session, slugs)
        coming = await event_states(
            session,
            processes,
            EventFilter(
                start=day, end=day + dt.timedelta(days=days), exclude_statuses=("cancelled",)
            ),
            as_of=as_of,
        )
        changes = await filtered_changes(
            session,
            processes,
            limit=DIGEST_CHANGES + 1,
            as_of=day,
            keep=lambda r: changed_since(r, start, day),
        )
        positions = await position_news(
            session,
            processes,
            limit=DIGEST_CHANGES,
            as_of=day,
            keep=lambda c: position_changed_since(c, start, day),
        )
    notes = []
    if len(changes) > DIGEST_CHANGES:
        changes = changes[:DIGEST_CHANGES]
        notes.append(f"Only the latest {DIGEST_CHANGES} changes are listed.")
    risks = {p.slug: (await analysis.assess_risks(db, p.slug, day)).to_json() for p in processes}
    eif = {
        p.slug: (await analysis.assess_entry_into_force(db, p.slug, day)).to_json()
        for p in processes
    }
    document = build_digest(
        DigestInput(
            as_of=day,
            since=start,
            days=days,
            root=root,
            processes=[process_info(p) for p in processes],
            coming_up=coming,
            changes=changes,
            deadlines=risks,
            entry_into_force=eif,
            notes=notes,
            position_changes=positions,
        )
    )
    if fmt == "md":
        body = digest_markdown(document).encode()
    elif fmt == "html":
        body = digest_html(document).encode()
    else:
        body = digest_json(document)
    return Served(body, DIGEST_MEDIA_TYPES[fmt])


async def _position_news(
    session: AsyncSession,
    processes: Sequence[Process],
    limit: int,
    kinds: Sequence[str],
    tags: Sequence[str],
    as_of: dt.date | None,
) -> list[PositionChange]:
    # Positions are not events: a feed filtered by event kinds or tags leaves them out.
    if kinds or tags:
        return []
    return await position_news(session, processes, limit=limit, as_of=as_of)


async def timelinejs_feed(
    db: Database,
    slug: str,
    *,
    kinds: Sequence[str],
    tags: Sequence[str],
    as_of: dt.date | None,
) -> Served:
    """The process's events of `kinds` and `tags` as known on `as_of`, in TimelineJS's format."""
    async with db.read() as session:
        process = await get_process(session, slug)
        states = await event_states(
            session, [process], EventFilter(kinds=kinds, tags=tags), as_of=as_of
        )
    return Served(timelinejs(process_info(process), states), "application/json")
