"""What the HTML pages show, computed from event states: pure, no I/O, no clock.

The page services (`timeline/services/pages.py`) read the database and pass the states in;
the templates only format what these functions return.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from timeline.domain.dates import DateError, describe_fuzzy, parse_date
from timeline.domain.model import EventState
from timeline.domain.text import legal_text
from timeline.domain.vocabulary import KIND_LABELS, MONTH_NAMES, RISK_LABELS, status_label
from timeline.domain.votes import ADOPTION_WORDS
from timeline.web.axis import Window, overview_window

__all__ = [
    "Change",
    "EventRow",
    "Link",
    "QueryState",
    "attribute_rows",
    "change_rows",
    "event_rows",
    "group_by_year",
    "legal_output",
    "next_milestones",
    "say_day",
    "zoom_links",
]

_MAX_VALUE_CHARS = 240


@dataclass(frozen=True, slots=True)
class Link:
    """A labelled link; `current` marks the one the page is showing."""

    label: str
    href: str
    current: bool = False


@dataclass(frozen=True, slots=True)
class QueryState:
    """The query string of a page, so links can change one parameter and keep the others."""

    path: str
    pairs: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The first value of `name`, if any."""
        return next((v for k, v in self.pairs if k == name), None)

    def values(self, name: str) -> list[str]:
        """Every value of `name`, in order."""
        return [v for k, v in self.pairs if k == name]

    def with_(self, **changes: str | Sequence[str] | None) -> str:
        """This page's URL with the named parameters replaced (None or [] removes them).

        `from_` names the `from` parameter (a Python keyword).
        """
        names = {name.rstrip("_"): value for name, value in changes.items()}
        pairs = [(k, v) for k, v in self.pairs if k not in names]
        for name, value in names.items():
            if value is None:
                continue
            if isinstance(value, str):
                pairs.append((name, value))
            else:
                pairs.extend((name, v) for v in value)
        return self.path + ("?" + urlencode(pairs) if pairs else "")

    def hidden(self, *exclude: str) -> list[tuple[str, str]]:
        """The pairs a GET form must carry as hidden inputs to keep the rest of the state."""
        return [(k, v) for k, v in self.pairs if k not in exclude]


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event as the list below the drawing shows it."""

    state: EventState
    when: str
    kind_label: str
    href: str
    risk: str | None

    @property
    def risk_label(self) -> str | None:
        """The deadline's status in words."""
        return RISK_LABELS[self.risk] if self.risk else None


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one revision: what it was, what it became."""

    field: str
    before: str
    after: str


def legal_output(value: Any) -> Any:
    """What a page writes for `value` (the templates' `finalize`): text without the control
    characters HTML forbids (stored before the text rule), anything else unchanged."""
    if isinstance(value, Markup):
        return Markup(legal_text(value))
    if isinstance(value, str):
        return legal_text(value)
    return value


def say_day(day: dt.date) -> str:
    """A day as people write it: '30 June 2023'."""
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


def event_rows(
    states: Iterable[EventState], href: Mapping[str, str], risks: Mapping[str, str]
) -> list[EventRow]:
    """The rows of the event list, in timeline order, with dates written as people write them."""
    return [
        EventRow(
            state=s,
            when=describe_fuzzy(s.span),
            kind_label=KIND_LABELS[s.kind][:-1],
            href=href[s.id],
            risk=(risks.get(s.id) or "unknown") if s.kind == "deadline" else None,
        )
        for s in states
    ]


def group_by_year(rows: Sequence[EventRow]) -> list[tuple[int, list[EventRow]]]:
    """Rows grouped under the year they start in, years in order."""
    groups: dict[int, list[EventRow]] = {}
    for row in rows:
        groups.setdefault(row.state.start.year, []).append(row)
    return sorted(groups.items())


def next_milestones(
    states: Iterable[EventState], today: dt.date, limit: int = 3
) -> list[EventState]:
    """What comes next on `today`: events under way or starting later, cancelled ones left out,
    soonest first."""
    coming = [s for s in states if s.end >= today and s.status != "cancelled"]
    return sorted(coming, key=lambda s: (s.start, s.end, s.kind, s.id))[:limit]


def zoom_links(
    states: Sequence[EventState], today: dt.date, window: Window, query: QueryState
) -> tuple[list[Link], list[Link], Link | None, Link | None]:
    """The range control: whole process and each year; the months of the shown year; and the
    previous / next window of the same size (a year or a month), when zoomed in."""
    overview = overview_window(states, today)
    clear = {"zoom": None, "from_": None, "to": None}
    years = [
        Link("All", query.with_(**clear), window == overview),
    ]
    for year in range(overview.start.year, overview.end.year + 1):
        whole = Window(dt.date(year, 1, 1), dt.date(year, 12, 31))
        years.append(Link(str(year), query.with_(**{**clear, "zoom": str(year)}), window == whole))
    months: list[Link] = []
    previous = following = None
    one_year = window.start.year == window.end.year
    if one_year and window.start.month == 1 and window.start.day == 1 and window.end.month == 12:
        year = window.start.year
        for month in range(1, 13):
            zoom = f"{year}-{month:02d}"
            months.append(
                Link(f"{dt.date(year, month, 1):%b}", query.with_(**{**clear, "zoom": zoom}))
            )
        previous = Link(f"← {year - 1}", query.with_(**{**clear, "zoom": str(year - 1)}))
        following = Link(f"{year + 1} →", query.with_(**{**clear, "zoom": str(year + 1)}))
    elif one_year and window.start.day == 1 and window.start.month == window.end.month:
        year, month = window.start.year, window.start.month
        for other in range(1, 13):
            zoom = f"{year}-{other:02d}"
            label = f"{dt.date(year, other, 1):%b}"
            months.append(Link(label, query.with_(**{**clear, "zoom": zoom}), other == month))
        # The calendar's first and last months have no neighbour to link to.
        before = window.start - dt.timedelta(days=1) if window.start > dt.date.min else window.start
        after = window.end + dt.timedelta(days=1) if window.end < dt.date.max else window.end
        previous = Link(
            f"← {before:%b} {before.year}",
            query.with_(**{**clear, "zoom": f"{before.year}-{before.month:02d}"}),
        )
        following = Link(
            f"{after:%b} {after.year} →",
            query.with_(**{**clear, "zoom": f"{after.year}-{after.month:02d}"}),
        )
    return years, months, previous, following


def _value_text(field: str, value: Any, titles: Mapping[str, str]) -> str:
    if value is None or value == [] or value == {}:
        return "—"
    if field == "parent" and isinstance(value, str):
        return titles.get(value, value)
    if field == "depends_on" and isinstance(value, list):
        return "; ".join(
            titles.get(str(d.get("event")), str(d.get("event")))
            + (f" (+{d['lag_days']} days)" if d.get("lag_days") else "")
            for d in value
            if isinstance(d, dict)
        )
    if field == "date" and isinstance(value, str):
        try:
            return f"{describe_fuzzy(parse_date(value))} ({value})"
        except DateError:
            return value
    if field == "sources" and isinstance(value, list):
        text = "; ".join(
            str(s.get("title") or s.get("url")) if isinstance(s, dict) else str(s) for s in value
        )
    elif field == "tags" and isinstance(value, list):
        text = ", ".join(str(t) for t in value)
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


# Attributes whose values read better as words than as true / false.
_ATTRIBUTE_WORDS: dict[str, tuple[str, str, str]] = {
    # name: (label, when true, when false)
    "formal": ("Format", "formal: can take decisions", "informal: cannot take decisions"),
    "hard": ("Kind of deadline", "hard: fixed by a rule", "soft: a target that can slip"),
    "adopted": ("Outcome", "adopted", "proposed, not adopted"),
}
_ATTRIBUTE_LABELS: dict[str, str] = {
    "number": "Session",
    "symbol": "Document symbol",
    "delay_days": "Enters into force",
    "instruments": "Instruments needed",
    "proposed_by": "Proposed by",
    "adoption": "Adopted",
}


def _attribute_value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        words = _ATTRIBUTE_WORDS.get(name)
        return (words[1] if value else words[2]) if words else ("yes" if value else "no")
    if name == "delay_days" and isinstance(value, int):
        return f"{value} day{'' if value == 1 else 's'} after the threshold is reached"
    if isinstance(value, list):
        return ", ".join(_attribute_value(name, v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value is None:
        return "—"
    if name == "adoption" and value in ADOPTION_WORDS:
        return ADOPTION_WORDS[value]
    text = str(value)
    return text.replace("_", " ") if name == "rule" else text


def attribute_rows(attributes: Mapping[str, Any]) -> list[tuple[str, str]]:
    """An event's attributes as (label, value) in words: no "True" or "False", no ids with
    underscores as labels."""
    rows = []
    for name, value in attributes.items():
        label = _ATTRIBUTE_WORDS[name][0] if name in _ATTRIBUTE_WORDS else None
        label = label or _ATTRIBUTE_LABELS.get(name) or name.replace("_", " ").capitalize()
        rows.append((label, _attribute_value(name, value)))
    return rows


def _said(field: str, value: Any, kind: str | None) -> Any:
    # A status reads in its kind's words ("planned → released"), as on the badges.
    if field == "status" and kind and isinstance(value, str):
        return status_label(kind, value)
    return value


def change_rows(
    fields: Mapping[str, Sequence[Any]],
    titles: Mapping[str, str] | None = None,
    kind: str | None = None,
) -> list[Change]:
    """A revision's changed fields as before/after text: dates said the way people say them,
    events named by their titles (from `titles`, by id) rather than their ids, statuses in the
    words of the event's `kind` when given."""
    titles = titles or {}
    rows = []
    for field in fields:
        pair = [*fields[field], None, None]
        rows.append(
            Change(
                field,
                _value_text(field, _said(field, pair[0], kind), titles),
                _value_text(field, _said(field, pair[1], kind), titles),
            )
        )
    return rows
