"""Change feeds as Atom (RFC 4287), written with feedgen.

One entry per recorded change, newest first, with a permanent id; `published` and `updated`
are when the change became public (`public_moment`: when it was recorded, or for history
recorded later the day it became known; never the event's own date, never now). Same records, same
bytes: nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Sequence

from feedgen.feed import FeedGenerator

from timeline.domain.model import ChangeRecord
from timeline.domain.position_changes import PositionChange
from timeline.domain.text import legal_text
from timeline.formats.change_words import change_html, change_title, entry_id
from timeline.formats.feedinfo import FeedInfo, event_page_url, feed_updated
from timeline.formats.position_feed import add_atom_entry, fill_atom_entry

__all__ = ["ATOM_MEDIA_TYPE", "atom_feed"]

ATOM_MEDIA_TYPE = "application/atom+xml"


def _xml(text: str) -> str:
    # XML 1.0 cannot carry control characters, surrogates or U+FFFE/U+FFFF, and lxml refuses
    # such strings: text stored before the text rule loses them rather than failing the feed.
    return legal_text(text)


def atom_feed(info: FeedInfo, records: Sequence[ChangeRecord | PositionChange]) -> bytes:
    """The Atom document for `records` (event and position changes, newest first), as UTF-8
    bytes."""
    fg = FeedGenerator()
    fg.id(_xml(info.id))
    fg.title(_xml(info.title))
    fg.subtitle(_xml(info.subtitle))
    fg.author({"name": _xml(info.author), "uri": info.root})
    fg.link(href=_xml(info.self_url), rel="self", type=ATOM_MEDIA_TYPE)
    fg.link(href=_xml(info.alternate_url), rel="alternate", type="text/html")
    fg.language("en")
    # feedgen would stamp its version; a fixed generator keeps bytes stable across upgrades.
    fg.generator("timeline", uri=info.root)
    fg.updated(feed_updated(info, records))
    for record in records:
        if isinstance(record, PositionChange):
            add_atom_entry(fg.add_entry(order="append"), info.root, record, _xml)
            continue
        page = event_page_url(info.root, record)
        entry = fg.add_entry(order="append")
        words = (entry_id(record), change_title(record), change_html(record, page))
        fill_atom_entry(entry, record, words, page, _xml)
        entry.category(term=record.event.kind, label=record.event.kind.replace("_", " "))
        for tag in record.event.tags:
            entry.category(term=_xml(tag))
    xml: bytes = fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return xml
