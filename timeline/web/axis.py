"""The drawing's time axis: the window of days it covers and the ticks along it.

Pure: a window is chosen from the events, today and the page's query; the ticks follow from
the window's length (days, months or years).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from timeline.domain.dates import FIRST_YEAR, LAST_YEAR
from timeline.domain.errors import FieldError, InvalidFields
from timeline.domain.model import EventState
from timeline.domain.vocabulary import MONTH_ABBREVIATIONS, MONTH_NAMES

__all__ = ["Tick", "Window", "choose_window", "overview_window", "ticks"]

_ZOOM = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2}))?$")


@dataclass(frozen=True, slots=True)
class Window:
    """The days a drawing covers, both ends included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """How many days the window covers."""
        return (self.end - self.start).days + 1

    def x(self, day: dt.date) -> float:
        """Where the start of `day` falls, as a percentage of the width (may leave 0..100)."""
        return (day - self.start).days * 100.0 / self.days

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        """Whether the inclusive span [start, end] shares a day with the window."""
        return start <= self.end and end >= self.start

    def describe(self) -> str:
        """The window as people say it: '2023', 'June 2023', 'January 2021 – December 2026'."""
        first, last = self.start, self.end
        whole_months = first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]
        if whole_months and (first.month, last.month) == (1, 12):
            return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
        if whole_months:
            if (first.year, first.month) == (last.year, last.month):
                return f"{MONTH_NAMES[first.month]} {first.year}"
            return (
                f"{MONTH_NAMES[first.month]} {first.year} – {MONTH_NAMES[last.month]} {last.year}"
            )
        return (
            f"{first.day} {MONTH_NAMES[first.month]} {first.year} – "
            f"{last.day} {MONTH_NAMES[last.month]} {last.year}"
        )


@dataclass(frozen=True, slots=True)
class Tick:
    """A line on the axis: `major` ones carry the coarser label (a year, a month)."""

    x: float
    label: str
    major: bool


def overview_window(states: Iterable[EventState], today: dt.date) -> Window:
    """Whole calendar years from the first event's year to the last one's (or today's year),
    within the supported years: an event stored before that rule (year 9999) is left out of
    the picture rather than stretching the axis past the calendar's end."""
    spans = [s.span for s in states]
    if not spans:
        return Window(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    first = min(max(min(s.start for s in spans).year, FIRST_YEAR), LAST_YEAR)
    last = max(min(max(s.end for s in spans).year, LAST_YEAR), first)
    return Window(dt.date(first, 1, 1), dt.date(last, 12, 31))


def choose_window(
    states: Sequence[EventState],
    today: dt.date,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    zoom: str | None = None,
) -> Window:
    """The window a page asks for: `zoom` ('all', a year 'YYYY' or a month 'YYYY-MM'), then
    `start`/`end` override either edge; default the whole process (`overview_window`).

    Raises InvalidFields naming `zoom` or `to` for a zoom it cannot read or an inverted window.
    """
    base = overview_window(states, today)
    if zoom and zoom != "all":
        base = _zoom_window(zoom)
        _within_calendar("zoom", base.start, base.end)
    _within_calendar("from", start, start)
    _within_calendar("to", end, end)
    first = start or base.start
    last = end or base.end
    if start is not None and end is None and last < first:
        last = dt.date(first.year, 12, 31)
    if end is not None and start is None and last < first:
        first = dt.date(last.year, 1, 1)
    if last < first:
        raise InvalidFields([FieldError("to", "is before from")])
    return Window(first, last)


_DRAWABLE = (dt.date(2, 1, 1), dt.date(9998, 12, 31))


def _within_calendar(field: str, first: dt.date | None, last: dt.date | None) -> None:
    # Ticks, zoom links and margins step a year past the window; keep that inside the calendar.
    if (first is not None and first < _DRAWABLE[0]) or (last is not None and last > _DRAWABLE[1]):
        raise InvalidFields([FieldError(field, "must lie between the years 2 and 9998")])


def _zoom_window(zoom: str) -> Window:
    match = _ZOOM.match(zoom)
    if not match or int(match["year"]) < 1:
        raise InvalidFields([FieldError("zoom", "is 'all', a year (2023) or a month (2023-06)")])
    year = int(match["year"])
    if match["month"] is None:
        return Window(dt.date(year, 1, 1), dt.date(year, 12, 31))
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise InvalidFields([FieldError("zoom", f"month {month} does not exist")])
    return Window(
        dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    )


def ticks(window: Window) -> Iterable[Tick]:
    """Axis lines: days within a month, months within a year or two, years beyond that."""
    days = window.days
    if days <= 62:
        yield from _day_ticks(window)
    elif days <= 800:
        yield from _month_ticks(window, step=1 if days <= 400 else 3)
    else:
        yield from _year_ticks(window)


def _day_ticks(window: Window) -> Iterable[Tick]:
    step = 1 if window.days <= 31 else 7
    day = window.start
    index = 0
    while day <= window.end:
        if day.day == 1 or day == window.start:
            yield Tick(window.x(day), f"{MONTH_ABBREVIATIONS[day.month]} {day.year}", True)
        if index % step == 0:
            yield Tick(window.x(day), str(day.day), False)
        day += dt.timedelta(days=1)
        index += 1


def _month_ticks(window: Window, step: int) -> Iterable[Tick]:
    year, month = window.start.year, window.start.month
    while (day := dt.date(year, month, 1)) <= window.end:
        if day >= window.start:
            if month == 1 or day == window.start.replace(day=1):
                yield Tick(window.x(day), str(year), True)
            if (month - 1) % step == 0:
                yield Tick(window.x(day), MONTH_ABBREVIATIONS[month], False)
        month += 1
        if month > 12:
            year, month = year + 1, 1


def _year_ticks(window: Window) -> Iterable[Tick]:
    years = window.end.year - window.start.year + 1
    step = next((s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if years / s <= 14), 2000)
    first = window.start.year + (-window.start.year % step)
    if first == window.start.year and window.start != dt.date(first, 1, 1):
        first += step
    for year in range(first, window.end.year + 1, step):
        yield Tick(window.x(dt.date(year, 1, 1)), str(year), True)
        if step == 1 and years <= 8:
            for month in (4, 7, 10):
                yield Tick(window.x(dt.date(year, month, 1)), "", False)
