"""Lay out a process's timeline for drawing: lanes by kind, bars, markers, a today line.

Pure: event states, today and a day window (`timeline.web.axis`) in; coordinates out. Nothing
here reads a clock or the database, so every layout decision is testable without a browser.

x positions are percentages of the drawing's width, so the server-rendered SVG stretches to any
screen while its text keeps a readable size; y positions and heights are pixels. Labels are
packed into tracks for the narrowest width the drawing is ever shown at (`MIN_WIDTH_PX`): at any
wider size the bars spread apart and labels still never overlap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from timeline.domain.dates import DateSpan, describe_fuzzy
from timeline.domain.model import EventState
from timeline.domain.vocabulary import (
    DURATION_KINDS,
    KIND_LABELS,
    KINDS,
    MONTH_NAMES,
    RISK_LABELS,
    RISK_STATUSES,
    status_label,
)
from timeline.web.axis import Tick, Window, choose_window, overview_window
from timeline.web.axis import ticks as axis_ticks
from timeline.web.labels import label_text, shorten

__all__ = [
    "COMPACT_WIDTH_PX",
    "KIND_COLOURS",
    "KIND_LABELS",
    "MIN_WIDTH_PX",
    "RISK_COLOURS",
    "RISK_LABELS",
    "RISK_STATUSES",
    "Drawing",
    "Lane",
    "Mark",
    "Tick",
    "Window",
    "choose_window",
    "draw",
    "overview_window",
]

MIN_WIDTH_PX = 640
# The narrowest a phone shows the compact drawing (a 360 px screen less the page's margins).
COMPACT_WIDTH_PX = 300
AXIS_HEIGHT = 44
LANE_HEADER = 20
TRACK_HEIGHT = 24
BAR_HEIGHT = 16
LANE_GAP = 10
FOOTER_HEIGHT = 24
CHAR_WIDTH_PX = 6.6  # a 12 px system sans-serif averages a little under this per character
LABEL_GAP_PX = 6
TRACK_GAP_PX = 10
MARKER_RADIUS_PX = 6
MAX_LABEL_CHARS = 44
# A label shortened to fit beside its mark keeps at least this much, else it goes over the mark.
MIN_SHORT_LABEL_CHARS = 14
# A shared mark may say a little more: what tells its events apart.
MAX_GROUP_LABEL_CHARS = 48

# Colours chosen to stay distinct for common colour-vision deficiencies and to reach at least
# 4.5:1 against white, so white text inside a bar stays readable.
KIND_COLOURS: dict[str, str] = {
    "session": "#1d4ed8",
    "informal": "#7e22ce",
    "consultation": "#0f766e",
    "vote_point": "#be185d",
    "eif_threshold": "#4338ca",
    "deadline": "#475569",
    "document": "#b45309",
    "signature": "#15803d",
    "ratification": "#166534",
    "milestone": "#0369a1",
    "note": "#57534e",
}

RISK_COLOURS: dict[str, str] = {
    "met": "#15803d",
    "on_track": "#0d9488",
    "at_risk": "#d97706",
    "off_track": "#dc2626",
    "missed": "#7f1d1d",
    "unknown": "#6b7280",
}


@dataclass(frozen=True, slots=True)
class Lane:
    """A horizontal band holding the events of one kind, in as many tracks as they need."""

    kind: str
    label: str
    colour: str
    y: int
    height: int
    tracks: int
    count: int


@dataclass(frozen=True, slots=True)
class Mark:
    """One event as drawn.

    `shape` is `bar` (an interval at its true length), `point` (a one-day event) or `deadline`
    (a diamond on the deadline's last possible day, over its faded window). `fuzzy` marks a date
    that is not exact (month, season, approximate, uncertain): it is drawn faded over its whole
    window. `risk` is the deadline's assessed status ("unknown" until assessed).
    """

    event_id: str
    kind: str
    status: str
    title: str
    when: str
    shape: str
    x: float
    width: float
    cx: float
    y: int
    height: int
    fuzzy: bool
    colour: str
    risk: str | None
    label: str
    label_x: float
    label_dx: int
    label_anchor: str
    label_inside: bool
    clipped_start: bool
    clipped_end: bool
    # Identical parallel events (same kind, dates and status) share one mark: all their titles.
    titles: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """How many events this mark stands for."""
        return max(len(self.titles), 1)

    @property
    def mid_y(self) -> float:
        """The vertical centre of the mark, in pixels."""
        return self.y + self.height / 2

    @property
    def x_end(self) -> float:
        """The right edge of the mark's span, in percent."""
        return self.x + self.width

    @property
    def description(self) -> str:
        """One sentence for a tooltip or a screen reader: title, date, kind, status, risk."""
        if self.count > 1:
            listed = "; ".join(self.titles)
            parts = [f"{self.count} {KIND_LABELS[self.kind].lower()} ({listed}): {self.when}"]
        else:
            parts = [f"{self.title}: {self.when}", f"{KIND_LABELS[self.kind][:-1].lower()}"]
        parts.append(status_label(self.kind, self.status))
        if self.risk is not None:
            parts.append(f"deadline {RISK_LABELS[self.risk]}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Drawing:
    """Everything a template needs to draw a timeline, and its text alternative."""

    window: Window
    today: dt.date
    today_x: float | None
    ticks: tuple[Tick, ...]
    lanes: tuple[Lane, ...]
    marks: tuple[Mark, ...]
    height: int
    title: str
    desc: str

    def marks_in(self, kind: str) -> list[Mark]:
        """The marks of one lane, in drawing order."""
        return [m for m in self.marks if m.kind == kind]


def draw(
    states: Sequence[EventState],
    *,
    today: dt.date,
    window: Window,
    risks: Mapping[str, str] | None = None,
    title: str = "Timeline",
    min_width: int = MIN_WIDTH_PX,
) -> Drawing:
    """Lay out every event overlapping `window`: one lane per kind present (in the order of
    KINDS), each event a bar, point or deadline marker placed at its dates, packed into tracks
    so that no two marks or labels collide, and no label leaves the drawing, at `min_width`
    pixels or wider. Events of one kind with the same dates and status share one mark (and
    one track) whose label keeps what tells them apart, or says how many they are.

    `risks` maps deadline ids to their assessed status; deadlines missing from it are 'unknown'.
    """
    risks = risks or {}
    visible = [s for s in states if window.overlaps(s.start, s.end)]
    ticks = tuple(axis_ticks(window))
    y = AXIS_HEIGHT
    lanes: list[Lane] = []
    marks: list[Mark] = []
    for kind in KINDS:
        of_kind = [s for s in visible if s.kind == kind]
        if not of_kind:
            continue
        placed, tracks = _pack(of_kind, window, risks, min_width)
        top = y + LANE_HEADER
        for mark, track in placed:
            marks.append(_at(mark, top + track * TRACK_HEIGHT + (TRACK_HEIGHT - BAR_HEIGHT) // 2))
        height = LANE_HEADER + tracks * TRACK_HEIGHT + LANE_GAP
        lanes.append(
            Lane(
                kind=kind,
                label=KIND_LABELS[kind],
                colour=KIND_COLOURS[kind],
                y=y,
                height=height,
                tracks=tracks,
                count=len(of_kind),
            )
        )
        y += height
    today_x = window.x(today) + 50.0 / window.days if window.start <= today <= window.end else None
    # Room under the lanes for the today line's label.
    height = max(y, AXIS_HEIGHT + LANE_HEADER + TRACK_HEIGHT) + FOOTER_HEIGHT
    return Drawing(
        window=window,
        today=today,
        today_x=today_x,
        ticks=ticks,
        lanes=tuple(lanes),
        marks=tuple(marks),
        height=height,
        title=f"{title}: {window.describe()}",
        desc=_desc(lanes, window, today, today_x is not None, risks, marks),
    )


def _desc(
    lanes: Sequence[Lane],
    window: Window,
    today: dt.date,
    today_shown: bool,
    risks: Mapping[str, str],
    marks: Sequence[Mark],
) -> str:
    if not lanes:
        return f"No events in {window.describe()}."
    counts = ", ".join(f"{lane.count} {_plural(lane)}" for lane in lanes)
    text = f"{counts}, drawn in lanes by kind over {window.describe()}."
    deadlines = [m for m in marks if m.shape == "deadline"]
    for mark in deadlines:
        assert mark.risk is not None
        text += f" Deadline “{mark.title}” ({mark.when}): {RISK_LABELS[mark.risk]}."
    if today_shown:
        text += f" A vertical line marks today, {_day_text(today)}."
    return text


def _plural(lane: Lane) -> str:
    label = lane.label.lower()
    return label[:-1] if lane.count == 1 and label.endswith("s") else label


def _day_text(day: dt.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


def _fuzzy(span: DateSpan) -> bool:
    # Not exact days: the event happened (or will) somewhere inside its window.
    return not span.is_exact and span.precision != "datetime"


def _px(percent: float, width: int) -> float:
    return percent * width / 100.0


def _label_px(text: str) -> float:
    return len(text) * CHAR_WIDTH_PX


def _groups(states: Sequence[EventState]) -> list[list[EventState]]:
    """Events in timeline order, identical parallel ones (same dates and status) together;
    deadlines stay alone, each has its own risk."""
    groups: dict[tuple[str, ...], list[EventState]] = {}
    for state in sorted(states, key=lambda s: (s.start, s.end, s.id)):
        key = (
            (state.id,)
            if state.kind == "deadline"
            else (state.start.isoformat(), state.end.isoformat(), state.date, state.status)
        )
        groups.setdefault(key, []).append(state)
    return list(groups.values())


def _pack(
    states: Sequence[EventState], window: Window, risks: Mapping[str, str], width: int
) -> tuple[list[tuple[Mark, int]], int]:
    """Place each event's mark and label, first fit into the lowest free track."""
    ends: list[float] = []  # per track, the rightmost pixel used so far
    placed: list[tuple[Mark, int]] = []
    for group in _groups(states):
        mark, left, right = _mark(group, window, risks, width)
        track = next((i for i, end in enumerate(ends) if end + TRACK_GAP_PX <= left), None)
        if track is None:
            track = len(ends)
            ends.append(right)
        else:
            ends[track] = right
        placed.append((mark, track))
    return placed, max(len(ends), 1)


def _mark(
    group: Sequence[EventState], window: Window, risks: Mapping[str, str], width_px: int
) -> tuple[Mark, float, float]:
    """A mark at y=0 for one event (or identical parallel ones), and the pixel extent (at
    `width_px`) it and its label occupy, always inside [0, width_px]."""
    state = group[0]
    span = state.span
    start = max(span.start, window.start)
    end = min(span.end, window.end)
    x = window.x(start)
    width = window.x(end + dt.timedelta(days=1)) - x
    risk = (risks.get(state.id) or "unknown") if state.kind == "deadline" else None
    if risk is not None and risk not in RISK_COLOURS:
        risk = "unknown"
    fuzzy = _fuzzy(span)
    if state.kind == "deadline":
        shape = "deadline"
        # "Met by anything on or before its latest day": the diamond sits at the window's end.
        cx = window.x(span.end + dt.timedelta(days=1)) if span.end <= window.end else 100.0
    elif state.kind in DURATION_KINDS or span.days > 1:
        shape = "bar"
        cx = x + width / 2
    else:
        shape = "point"
        cx = x + width / 2
    fits = int((width_px - 2 * LABEL_GAP_PX) / CHAR_WIDTH_PX)
    most = MAX_LABEL_CHARS if len(group) == 1 else MAX_GROUP_LABEL_CHARS
    label = label_text([s.title for s in group], risk, min(most, fits))
    label_px = _label_px(label)
    left_px, right_px = _px(x, width_px), _px(x + width, width_px)
    if shape != "bar":
        left_px = min(left_px, _px(cx, width_px) - MARKER_RADIUS_PX)
        right_px = max(right_px, _px(cx, width_px) + MARKER_RADIUS_PX)
    inside = shape == "bar" and not fuzzy and right_px - left_px >= label_px + 2 * LABEL_GAP_PX
    after_dx = LABEL_GAP_PX if shape == "bar" else MARKER_RADIUS_PX + 4
    before_dx = -after_dx
    after_edge = x + width if shape == "bar" else cx
    before_edge = x if shape == "bar" else cx
    if inside:
        label_x, label_dx, anchor = x, LABEL_GAP_PX, "start"
        extent = (left_px, right_px)
    elif _px(after_edge, width_px) + after_dx + label_px <= width_px:
        # The label reads after the mark ...
        label_x, label_dx, anchor = after_edge, after_dx, "start"
        extent = (left_px, _px(after_edge, width_px) + after_dx + label_px)
    elif _px(before_edge, width_px) + before_dx - label_px >= 0:
        # ... unless it would run off the right edge: then it reads before the mark ...
        label_x, label_dx, anchor = before_edge, before_dx, "end"
        extent = (_px(before_edge, width_px) + before_dx - label_px, right_px)
    else:
        # ... and when neither side has room for all of it, it is shortened to the roomier
        # side; when neither has room for a useful part (a mark across most of the window),
        # it reads from the drawing's left edge, over the mark.
        room_after = width_px - _px(after_edge, width_px) - after_dx
        room_before = _px(before_edge, width_px) + before_dx
        room = max(room_after, room_before)
        if room >= MIN_SHORT_LABEL_CHARS * CHAR_WIDTH_PX:
            label = shorten(label, int(room / CHAR_WIDTH_PX))
            label_px = _label_px(label)
        if room >= MIN_SHORT_LABEL_CHARS * CHAR_WIDTH_PX and room_after >= room_before:
            label_x, label_dx, anchor = after_edge, after_dx, "start"
            extent = (left_px, _px(after_edge, width_px) + after_dx + label_px)
        elif room >= MIN_SHORT_LABEL_CHARS * CHAR_WIDTH_PX:
            label_x, label_dx, anchor = before_edge, before_dx, "end"
            extent = (_px(before_edge, width_px) + before_dx - label_px, right_px)
        else:
            label_x, label_dx, anchor = 0.0, LABEL_GAP_PX, "start"
            extent = (0.0, max(right_px, LABEL_GAP_PX + label_px))
    colour = RISK_COLOURS[risk] if risk is not None else KIND_COLOURS[state.kind]
    mark = Mark(
        event_id=state.id,
        kind=state.kind,
        status=state.status,
        title=state.title,
        when=describe_fuzzy(span),
        shape=shape,
        x=x,
        width=width,
        cx=cx,
        y=0,
        height=BAR_HEIGHT,
        fuzzy=fuzzy,
        colour=colour,
        risk=risk,
        label=label,
        label_x=label_x,
        label_dx=label_dx,
        label_anchor=anchor,
        label_inside=inside,
        clipped_start=span.start < window.start,
        clipped_end=span.end > window.end,
        titles=tuple(s.title for s in group) if len(group) > 1 else (),
    )
    return mark, extent[0], extent[1]


def _at(mark: Mark, y: int) -> Mark:
    return dataclasses.replace(mark, y=y)
