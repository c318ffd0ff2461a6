"""The positions view's pure drawing: the two-axis map of placements (points and labels laid
out so they do not overlap) and each proposal's bar of declared stances against the line a
vote must clear. Coordinates only; `_positions.html` writes the SVG."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAP_FONT",
    "MAP_HEIGHT",
    "MAP_WIDTH",
    "MapPoint",
    "PositionMap",
    "StanceBar",
    "label_box",
    "label_for",
    "layout_map",
    "overlaps",
    "stance_bar",
]

MAP_WIDTH = 520
MAP_HEIGHT = 440
_MARGIN = (70, 24, 28, 56)  # left, top, right, bottom: room for the axes' words
# Large for the frame so that a phone, drawing the map 330 px wide, still shows 9 px text.
MAP_FONT = 14
_FONT = MAP_FONT
_CHAR = 0.6 * _FONT  # an average glyph's advance in the sans-serif the page uses
_RADIUS = 5


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One holder on the map: where its dot is and where its label goes."""

    holder: str
    name: str
    label: str
    kind: str
    x: float
    y: float
    cx: float
    cy: float
    label_x: float
    label_y: float
    anchor: str
    leader: bool


@dataclass(frozen=True, slots=True)
class PositionMap:
    """The map's frame, axes' words and points (y is None on a one-axis strip)."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    x_axis: Mapping[str, Any]
    y_axis: Mapping[str, Any] | None
    points: tuple[MapPoint, ...]
    one_axis: tuple[str, ...]
    font: int = MAP_FONT

    @property
    def mid_x(self) -> float:
        """Where 0 on the horizontal axis is drawn."""
        return (self.left + self.right) / 2

    @property
    def mid_y(self) -> float:
        """Where 0 on the vertical axis is drawn."""
        return (self.top + self.bottom) / 2


def label_for(name: str, code: str) -> str:
    """A map label short enough to place: the name when short, else the code."""
    return name if len(name) <= 22 else code.upper()


Box = tuple[float, float, float, float]


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes (left, top, right, bottom) share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_box(x: float, y: float, text: str, anchor: str) -> Box:
    """The box a label of `text` at (x, y) with SVG `anchor` covers, by an average glyph."""
    width = len(text) * _CHAR
    left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    return (left - 1, y - _FONT + 2, left + width + 1, y + 3)


def _place(
    cx: float, cy: float, text: str, taken: list[Box], frame: Box
) -> tuple[float, float, str, bool]:
    # Try right, left, above and below the dot, then further away in steps; take the first
    # spot clear of every label and dot placed so far and inside the frame.
    gap = _RADIUS + 3
    near = [
        (cx + gap, cy + 4, "start"),
        (cx - gap, cy + 4, "end"),
        (cx, cy - gap - 1, "middle"),
        (cx, cy + gap + _FONT - 2, "middle"),
    ]
    far = [
        (cx + dx, cy + 4 + dy, "start" if dx > 0 else "end")
        for step in range(1, 7)
        for dy in (-step * (_FONT + 2), step * (_FONT + 2))
        for dx in (gap + 6, -gap - 6)
    ]
    for index, (x, y, anchor) in enumerate([*near, *far]):
        box = label_box(x, y, text, anchor)
        inside = box[0] >= frame[0] and box[2] <= frame[2] and box[1] >= frame[1]
        if inside and box[3] <= frame[3] and not any(overlaps(box, t) for t in taken):
            return x, y, anchor, index >= len(near)
    return cx + gap, cy + 4, "start", False


def layout_map(
    axes: Sequence[Mapping[str, Any]],
    placements: Sequence[Mapping[str, Any]],
    names: Mapping[str, str],
) -> PositionMap | None:
    """The map of `placements` on the first two `axes` (None without an axis or a placement).

    A holder placed on both axes is a point; on a one-axis process every holder is a point on
    a strip; a holder placed on one of two axes only is listed in `one_axis`. Labels are set
    greedily, most crowded area first, so none covers another or a dot.
    """
    if not axes or not placements:
        return None
    x_axis = axes[0]
    y_axis = axes[1] if len(axes) > 1 else None
    values: dict[str, dict[str, float]] = {}
    kinds: dict[str, str] = {}
    for p in placements:
        values.setdefault(p["holder"], {})[p["axis"]] = float(p["value"])
        kinds[p["holder"]] = p.get("holder_kind", "party")
    left, top = float(_MARGIN[0]), float(_MARGIN[1])
    right, bottom = float(MAP_WIDTH - _MARGIN[2]), float(MAP_HEIGHT - _MARGIN[3])
    if y_axis is None:
        bottom = top + 120.0
    frame: Box = (2.0, 2.0, MAP_WIDTH - 2.0, bottom)
    placed: list[tuple[str, float, float]] = []
    one_axis: list[str] = []
    for holder in sorted(values):
        where = values[holder]
        x = where.get(x_axis["key"])
        y = 0.0 if y_axis is None else where.get(y_axis["key"])
        if x is None or y is None:
            one_axis.append(holder)
            continue
        placed.append((holder, x, y))
    dots = [
        (
            holder,
            x,
            y,
            left + (x + 1) / 2 * (right - left),
            (top + bottom) / 2 - y / 2 * (bottom - top),
        )
        for holder, x, y in placed
    ]
    taken: list[Box] = [
        (cx - _RADIUS, cy - _RADIUS, cx + _RADIUS, cy + _RADIUS) for _, _, _, cx, cy in dots
    ]

    def crowd(dot: tuple[str, float, float, float, float]) -> tuple[int, str]:
        near = sum(1 for d in dots if abs(d[3] - dot[3]) < 60 and abs(d[4] - dot[4]) < 30)
        return (-near, dot[0])

    points = []
    for holder, x, y, cx, cy in sorted(dots, key=crowd):
        name = names.get(holder, holder)
        text = label_for(name, holder)
        lx, ly, anchor, leader = _place(cx, cy, text, taken, frame)
        taken.append(label_box(lx, ly, text, anchor))
        points.append(
            MapPoint(holder, name, text, kinds[holder], x, y, cx, cy, lx, ly, anchor, leader)
        )
    points.sort(key=lambda p: p.holder)
    height = MAP_HEIGHT if y_axis is not None else int(bottom + _MARGIN[3])
    return PositionMap(
        MAP_WIDTH, height, left, top, right, bottom, x_axis, y_axis, tuple(points), tuple(one_axis)
    )


@dataclass(frozen=True, slots=True)
class StanceBar:
    """A proposal's declared stances among the voting parties, left to right: support,
    abstain, undecided, not declared, oppose; and the yes votes a two-thirds vote needs."""

    total: int
    segments: tuple[tuple[str, int, int], ...]  # (stance, start, count)
    needed: int
    needed_if_all_vote: int

    def share(self, stance: str) -> int:
        """How many parties are in the segment `stance`."""
        return next((n for s, _, n in self.segments if s == stance), 0)


_ORDER = ("support", "abstain", "undecided", "none", "oppose")


def stance_bar(counts: Mapping[str, int], total: int, required_yes: int | None) -> StanceBar:
    """The bar for `counts` (support, oppose, abstain, undecided; the rest of `total` not
    declared) with the line at `required_yes` (the forecast's, at the expected turnout), else
    at two-thirds of everyone voting."""
    declared = {k: int(counts.get(k, 0)) for k in _ORDER if k != "none"}
    declared["none"] = max(total - sum(declared.values()), 0)
    segments = []
    start = 0
    for stance in _ORDER:
        segments.append((stance, start, declared[stance]))
        start += declared[stance]
    all_vote = -(-2 * total // 3)
    return StanceBar(total, tuple(segments), required_yes or all_vote, all_vote)
