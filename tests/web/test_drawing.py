"""The timeline layout: where bars, markers and labels go, without a browser."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.domain.errors import InvalidFields
from timeline.domain.model import EventState
from timeline.domain.vocabulary import KINDS, RISK_STATUSES
from timeline.web.drawing import (
    CHAR_WIDTH_PX,
    COMPACT_WIDTH_PX,
    KIND_COLOURS,
    MIN_WIDTH_PX,
    RISK_COLOURS,
    Drawing,
    Mark,
    Window,
    choose_window,
    draw,
    overview_window,
)

MOMENT = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
YEAR_2023 = Window(dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def draw_new_year(events: list[EventState], **options: Any) -> Drawing:
    """The year 2023 drawn as seen on its first day."""
    return draw(events, today=dt.date(2023, 1, 1), window=YEAR_2023, **options)


def state(ident: str, kind: str, date: str, status: str = "held", **fields: Any) -> EventState:
    return EventState(
        id=ident,
        process="p",
        kind=kind,
        title=fields.pop("title", f"Event {ident}"),
        date=date,
        status=status,
        version=1,
        created_at=MOMENT,
        updated_at=MOMENT,
        known_on=dt.date(2023, 1, 1),
        **fields,
    )


def only(marks: tuple[Mark, ...], ident: str) -> Mark:
    (mark,) = [m for m in marks if m.event_id == ident]
    return mark


def test_a_session_is_a_bar_at_its_true_length() -> None:
    fifth = state("s5", "session", "2023-04-11/2023-04-21")
    picture = draw([fifth], today=dt.date(2023, 6, 1), window=YEAR_2023)
    mark = only(picture.marks, "s5")
    assert mark.shape == "bar"
    assert mark.x == pytest.approx(100 * 100 / 365)  # 11 April is day 100 of 2023 (0-based)
    assert mark.width == pytest.approx(11 * 100 / 365)  # both ends included: 11 days
    assert not mark.fuzzy
    assert mark.colour == KIND_COLOURS["session"]


def test_a_one_day_session_is_still_a_bar_and_a_one_day_milestone_a_point() -> None:
    picture = draw(
        [state("s", "session", "2023-02-24"), state("m", "milestone", "2023-02-24")],
        today=dt.date(2023, 6, 1),
        window=YEAR_2023,
    )
    assert only(picture.marks, "s").shape == "bar"
    point = only(picture.marks, "m")
    assert point.shape == "point"
    assert point.cx == pytest.approx((54 + 0.5) * 100 / 365)


def test_every_kind_and_risk_status_of_the_vocabulary_has_a_colour() -> None:
    # A kind or status added to the vocabulary must get its colour here too.
    assert list(KIND_COLOURS) == list(KINDS)
    assert list(RISK_COLOURS) == list(RISK_STATUSES)


def test_a_month_date_is_a_faded_span_over_the_whole_month() -> None:
    draft = state("d", "document", "2023-06", status="planned")
    mark = only(draw_new_year([draft]).marks, "d")
    assert mark.fuzzy
    assert mark.x == pytest.approx(151 * 100 / 365)
    assert mark.width == pytest.approx(30 * 100 / 365)
    assert mark.when == "June 2023"


def test_approximate_and_uncertain_days_are_fuzzy_exact_ones_are_not() -> None:
    picture = draw_new_year(
        [
            state("a", "milestone", "2023-03-01~"),
            state("u", "milestone", "2023-03-01?"),
            state("e", "milestone", "2023-03-01"),
        ],
    )
    assert [only(picture.marks, i).fuzzy for i in "aue"] == [True, True, False]


def test_a_deadline_diamond_sits_on_its_last_possible_day_coloured_by_its_risk() -> None:
    deadline = state("dl", "deadline", "2023-01-01~/2023-01-10~", status="planned")
    picture = draw(
        [deadline], today=dt.date(2022, 12, 1), window=YEAR_2023, risks={"dl": "at_risk"}
    )
    mark = only(picture.marks, "dl")
    assert mark.shape == "deadline"
    assert mark.cx == pytest.approx(10 * 100 / 365)  # the end of 10 January
    assert mark.risk == "at_risk"
    assert mark.colour == RISK_COLOURS["at_risk"]
    assert mark.fuzzy
    assert "at risk" in mark.label
    assert "at risk" in picture.desc


def test_a_deadline_without_an_assessment_is_drawn_unknown() -> None:
    deadline = state("dl", "deadline", "2023-05-31")
    mark = only(draw_new_year([deadline]).marks, "dl")
    assert mark.risk == "unknown"
    assert mark.colour == RISK_COLOURS["unknown"]


def test_an_unknown_risk_status_is_not_trusted_as_a_colour() -> None:
    deadline = state("dl", "deadline", "2023-05-31")
    picture = draw_new_year([deadline], risks={"dl": "<script>"})
    assert only(picture.marks, "dl").risk == "unknown"


def test_lanes_follow_the_kind_order_and_only_kinds_present() -> None:
    picture = draw_new_year(
        [
            state("m", "milestone", "2023-05-01"),
            state("s", "session", "2023-04-11/2023-04-21"),
            state("d", "document", "2023-06"),
        ],
    )
    assert [lane.kind for lane in picture.lanes] == ["session", "document", "milestone"]
    tops = [lane.y for lane in picture.lanes]
    assert tops == sorted(tops)
    for lane, mark in zip(picture.lanes, [only(picture.marks, i) for i in "sdm"], strict=True):
        assert lane.y < mark.y < lane.y + lane.height


def test_events_outside_the_window_are_not_drawn_and_clipped_ones_are_flagged() -> None:
    picture = draw_new_year(
        [
            state("before", "session", "2022-03-01/2022-03-05"),
            state("across", "session", "2022-12-20/2023-01-05"),
        ],
    )
    assert [m.event_id for m in picture.marks] == ["across"]
    mark = picture.marks[0]
    assert mark.clipped_start and not mark.clipped_end
    assert mark.x == 0
    assert mark.width == pytest.approx(5 * 100 / 365)


def test_overlapping_events_of_a_kind_get_separate_tracks() -> None:
    # Overlapping but not identical: identical parallel events share one mark (below).
    informals = [state(f"i{n}", "informal", f"2023-01-{9 + n:02d}/2023-01-20") for n in range(3)]
    picture = draw(informals, today=dt.date(2023, 6, 1), window=YEAR_2023)
    (lane,) = picture.lanes
    assert lane.tracks == 3
    assert len({m.y for m in picture.marks}) == 3


def test_identical_parallel_events_share_one_row_with_a_count() -> None:
    topics = ["jurisdiction", "terminology", "offences", "evidence", "exploitation", "scope"]
    informals = [
        state(f"i{n}", "informal", "2023-01-09/2023-01-20", title=f"Closed informals: {topic}")
        for n, topic in enumerate(topics)
    ]
    picture = draw(informals, today=dt.date(2023, 6, 1), window=YEAR_2023)
    (lane,) = picture.lanes
    (mark,) = picture.marks
    assert lane.tracks == 1 and lane.count == 6
    assert mark.count == 6
    assert mark.label == "Closed informals (6)"
    assert "6 informals (Closed informals: jurisdiction; " in mark.description


def test_a_shared_mark_names_what_tells_its_events_apart_when_it_fits() -> None:
    proposals = [
        state(f"e{n}", "eif_threshold", "2023-04-11", title=f"Proposal: {n} instruments")
        for n in (30, 70)
    ]
    (mark,) = draw(proposals, today=dt.date(2023, 6, 1), window=YEAR_2023).marks
    assert mark.label == "Proposal: 30 / 70 instruments"
    assert mark.count == 2


def test_events_at_different_status_are_not_merged() -> None:
    pair = [
        state("a", "informal", "2023-01-09/2023-01-20"),
        state("b", "informal", "2023-01-09/2023-01-20", status="cancelled"),
    ]
    assert len(draw(pair, today=dt.date(2023, 6, 1), window=YEAR_2023).marks) == 2


@pytest.mark.parametrize("width", [MIN_WIDTH_PX, COMPACT_WIDTH_PX])
def test_a_label_with_no_room_on_either_side_reads_from_the_left_edge(width: int) -> None:
    # The zero draft at zoom=2023-06: a whole-month document across the whole window.
    june = Window(dt.date(2023, 6, 1), dt.date(2023, 6, 30))
    draft = state("z", "document", "2023-06", title="Zero draft of the convention")
    (mark,) = draw([draft], today=dt.date(2023, 6, 1), window=june, min_width=width).marks
    assert (mark.label_x, mark.label_anchor) == (0.0, "start")
    assert mark.label == "Zero draft of the convention"


@given(
    starts=st.lists(st.integers(min_value=0, max_value=364), min_size=1, max_size=12),
    lengths=st.lists(st.integers(min_value=0, max_value=400), min_size=12, max_size=12),
    width=st.sampled_from([COMPACT_WIDTH_PX, MIN_WIDTH_PX, 1400]),
)
@settings(max_examples=60, deadline=None)
def test_labels_never_leave_the_drawing(starts: list[int], lengths: list[int], width: int) -> None:
    events = []
    for n, (offset, length) in enumerate(zip(starts, lengths, strict=False)):
        first = YEAR_2023.start + dt.timedelta(days=offset)
        last = first + dt.timedelta(days=length)
        date = first.isoformat() if length == 0 else f"{first.isoformat()}/{last.isoformat()}"
        title = f"A long meeting title number {n} that will need shortening somewhere"
        events.append(state(f"e{n}", "session", date, title=title))
    picture = draw(events, today=dt.date(2023, 6, 1), window=YEAR_2023, min_width=width)
    for mark in picture.marks:
        anchor_px = mark.label_x * width / 100 + mark.label_dx
        text_px = len(mark.label) * CHAR_WIDTH_PX
        left = anchor_px - text_px if mark.label_anchor == "end" else anchor_px
        assert left >= -0.01, mark
        assert left + text_px <= width + 0.01, mark


def test_the_today_line_is_drawn_only_inside_the_window() -> None:
    events = [state("s", "session", "2023-04-11/2023-04-21")]
    inside = draw(events, today=dt.date(2023, 7, 2), window=YEAR_2023)
    assert inside.today_x == pytest.approx((182 + 0.5) * 100 / 365)
    assert "today, 2 July 2023" in inside.desc
    outside = draw(events, today=dt.date(2024, 7, 2), window=YEAR_2023)
    assert outside.today_x is None


def test_the_text_alternative_counts_what_is_drawn() -> None:
    picture = draw_new_year(
        [
            state("s1", "session", "2023-04-11/2023-04-21"),
            state("s2", "session", "2023-08-21/2023-09-01"),
            state("v", "vote_point", "2023-05-01"),
        ],
        title="AHC",
    )
    assert picture.title == "AHC: 2023"
    assert picture.desc.startswith("2 sessions, 1 vote point, drawn in lanes by kind over 2023.")


def test_a_window_with_nothing_says_so() -> None:
    picture = draw_new_year([])
    assert picture.marks == ()
    assert picture.desc == "No events in 2023."


def test_years_are_ticked_over_a_long_window_months_over_a_year_days_over_a_month() -> None:
    long = draw(
        [], today=dt.date(2023, 1, 1), window=Window(dt.date(2021, 1, 1), dt.date(2026, 12, 31))
    )
    assert [t.label for t in long.ticks if t.major] == [str(y) for y in range(2021, 2027)]
    year = draw_new_year([])
    assert [t.label for t in year.ticks if not t.major][:3] == ["Jan", "Feb", "Mar"]
    assert len([t for t in year.ticks if not t.major]) == 12
    june = Window(dt.date(2023, 6, 1), dt.date(2023, 6, 30))
    month = draw([], today=dt.date(2023, 1, 1), window=june)
    assert [t.label for t in month.ticks if t.major] == ["Jun 2023"]
    assert len([t for t in month.ticks if not t.major]) == 30


def test_a_very_long_window_keeps_the_axis_short() -> None:
    window = Window(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    picture = draw([], today=dt.date(2023, 1, 1), window=window)
    assert 1 <= len(picture.ticks) <= 15


def test_the_default_window_is_the_whole_process_in_whole_years() -> None:
    events = [
        state("a", "session", "2021-05-10/2021-05-12"),
        state("b", "milestone", "2026-12-31"),
    ]
    assert overview_window(events, dt.date(2030, 1, 1)) == Window(
        dt.date(2021, 1, 1), dt.date(2026, 12, 31)
    )
    assert overview_window([], dt.date(2030, 5, 5)) == Window(
        dt.date(2030, 1, 1), dt.date(2030, 12, 31)
    )


def test_zoom_chooses_a_year_or_a_month_and_from_to_override_its_edges() -> None:
    today = dt.date(2023, 1, 1)
    assert choose_window([], today, zoom="2023") == YEAR_2023
    assert choose_window([], today, zoom="2024-02") == Window(
        dt.date(2024, 2, 1), dt.date(2024, 2, 29)
    )
    assert choose_window([], today, zoom="2023", start=dt.date(2023, 3, 1)) == Window(
        dt.date(2023, 3, 1), dt.date(2023, 12, 31)
    )
    assert choose_window([], today, start=dt.date(2022, 1, 1), end=dt.date(2022, 6, 30)) == Window(
        dt.date(2022, 1, 1), dt.date(2022, 6, 30)
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"zoom": "twenty"}, "zoom"),
        ({"zoom": "2023-13"}, "zoom"),
        ({"zoom": "0000"}, "zoom"),
        ({"start": dt.date(2023, 5, 1), "end": dt.date(2023, 4, 1)}, "to"),
    ],
)
def test_a_window_it_cannot_draw_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidFields) as caught:
        choose_window([], dt.date(2023, 1, 1), **kwargs)
    assert [e.field for e in caught.value.errors] == [field]


def test_window_descriptions_read_like_people_write() -> None:
    assert YEAR_2023.describe() == "2023"
    assert Window(dt.date(2021, 1, 1), dt.date(2026, 12, 31)).describe() == "2021–2026"
    assert Window(dt.date(2023, 6, 1), dt.date(2023, 6, 30)).describe() == "June 2023"
    assert (
        Window(dt.date(2023, 6, 3), dt.date(2023, 7, 9)).describe() == "3 June 2023 – 9 July 2023"
    )


def _extent_px(mark: Mark) -> tuple[float, float]:
    """Where a mark and its label reach, in pixels, at the narrowest drawing width."""

    def px(percent: float) -> float:
        return percent * MIN_WIDTH_PX / 100

    left, right = px(mark.x), px(mark.x_end)
    if mark.shape != "bar":
        left, right = min(left, px(mark.cx) - 6), max(right, px(mark.cx) + 6)
    text = len(mark.label) * CHAR_WIDTH_PX
    anchor = px(mark.label_x) + mark.label_dx
    if mark.label_anchor == "start":
        return left, max(right, anchor + text)
    return min(left, anchor - text), right


_kinds = st.sampled_from(["session", "informal", "milestone", "deadline", "document"])


@st.composite
def _events(draw_: st.DrawFn) -> list[EventState]:
    count = draw_(st.integers(min_value=1, max_value=25))
    events = []
    for n in range(count):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=draw_(st.integers(0, 364)))
        length = draw_(st.integers(0, 40))
        end = start + dt.timedelta(days=length)
        date = start.isoformat() if length == 0 else f"{start}/{end}"
        title = draw_(st.text(alphabet="abc def", min_size=1, max_size=60)).strip() or "x"
        events.append(state(f"e{n}", draw_(_kinds), date, title=title))
    return events


@settings(max_examples=60, deadline=None)
@given(_events())
def test_no_two_marks_of_a_track_overlap_at_the_narrowest_width(
    events: list[EventState],
) -> None:
    picture = draw(events, today=dt.date(2023, 6, 1), window=YEAR_2023)
    # Identical parallel events (same kind, dates, status) share a mark; every event is drawn.
    assert sum(m.count for m in picture.marks) == len(events)
    by_track = itertools.groupby(sorted(picture.marks, key=lambda m: (m.y, m.x)), key=lambda m: m.y)
    for _, group in by_track:
        extents = sorted(_extent_px(m) for m in group)
        for (_, right), (left, _) in itertools.pairwise(extents):
            assert right <= left + 0.01
