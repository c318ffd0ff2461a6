"""Position changes as change-feed entries (Atom and JSON Feed), beside the event changes.

Same conventions as the event entries: a permanent tag id, `published`/`updated` when the
change was recorded, `known_on` in the JSON Feed's `_timeline` extension, categories naming
what kind of record changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from timeline.domain.model import ChangeRecord
from timeline.domain.position_changes import PositionChange
from timeline.formats.change_words import public_moment, rfc3339
from timeline.formats.position_words import (
    position_entry_id,
    position_html,
    position_text,
    position_title,
    position_url,
)

__all__ = ["add_atom_entry", "fill_atom_entry", "json_item"]


def fill_atom_entry(
    entry: Any,
    record: ChangeRecord | PositionChange,
    words: tuple[str, str, str],
    page: str,
    clean: Callable[[str], str],
) -> None:
    """Fill what every change's feedgen entry carries: `words` (its permanent id, its title and
    its HTML), when it became public (published and updated alike), who recorded it, and its
    `page`; `clean` drops what XML cannot carry."""
    ident, title, html = words
    entry.id(clean(ident))
    entry.title(clean(title))
    entry.published(public_moment(record))
    entry.updated(public_moment(record))
    entry.author({"name": clean(record.actor)})
    entry.link(href=clean(page), rel="alternate", type="text/html")
    entry.content(clean(html), type="html")


def add_atom_entry(
    entry: Any, root: str, change: PositionChange, clean: Callable[[str], str]
) -> None:
    """Fill a feedgen entry for `change`; `clean` drops what XML cannot carry."""
    page = position_url(root, change)
    words = (position_entry_id(change), position_title(change), position_html(change, page))
    fill_atom_entry(entry, change, words, page, clean)
    entry.category(term="position", label="position")
    entry.category(term=change.kind, label=change.kind)


def json_item(root: str, change: PositionChange) -> dict[str, Any]:
    """The JSON Feed item for `change`, with the machine-readable change in `_timeline`."""
    page = position_url(root, change)
    title = position_title(change)
    return {
        "id": position_entry_id(change),
        "url": page,
        "title": title,
        "content_html": position_html(change, page),
        "content_text": position_text(change),
        "summary": title,
        "date_published": rfc3339(public_moment(change)),
        "date_modified": rfc3339(public_moment(change)),
        "authors": [{"name": change.actor}],
        "tags": ["position", change.kind],
        "_timeline": {
            "about": f"{root}/schema",
            "process": change.process,
            "record": change.kind,
            "key": change.key,
            "version": change.version,
            "change": change.change,
            "known_on": change.known_on.isoformat(),
            "recorded_at": rfc3339(change.recorded_at),
            "fields": change.fields,
        },
    }
