"""What the pages show, computed from states: links that keep the page's state, the range
control, next milestones and history rows."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.test_drawing import state
from timeline.domain.vocabulary import status_label
from timeline.web.drawing import Window
from timeline.web.views import (
    QueryState,
    attribute_rows,
    change_rows,
    event_rows,
    group_by_year,
    next_milestones,
    say_day,
    zoom_links,
)


def test_links_change_one_parameter_and_keep_the_others() -> None:
    query = QueryState("/processes/p", (("kind", "session"), ("as_of", "2023-06-30")))
    assert query.with_(zoom="2023") == "/processes/p?kind=session&as_of=2023-06-30&zoom=2023"
    assert query.with_(as_of=None) == "/processes/p?kind=session"
    assert query.with_(kind=["session", "informal"]) == (
        "/processes/p?as_of=2023-06-30&kind=session&kind=informal"
    )
    assert query.with_(from_="2023-01-01") == (
        "/processes/p?kind=session&as_of=2023-06-30&from=2023-01-01"
    )
    assert query.with_(tag="a b&c") == "/processes/p?kind=session&as_of=2023-06-30&tag=a+b%26c"
    assert QueryState("/x", ()).with_(as_of=None) == "/x"
    assert query.hidden("as_of") == [("kind", "session")]


def test_the_range_control_offers_every_year_and_the_months_of_the_shown_year() -> None:
    events = [state("a", "session", "2021-05-10"), state("b", "milestone", "2023-02-01")]
    query = QueryState("/p", (("tag", "t"),))
    years, months, previous, following = zoom_links(
        events, dt.date(2023, 1, 1), Window(dt.date(2022, 1, 1), dt.date(2022, 12, 31)), query
    )
    assert [(y.label, y.current) for y in years] == [
        ("All", False),
        ("2021", False),
        ("2022", True),
        ("2023", False),
    ]
    assert years[0].href == "/p?tag=t"
    assert years[2].href == "/p?tag=t&zoom=2022"
    assert [m.label for m in months] == [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    ]  # fmt: skip
    assert months[5].href == "/p?tag=t&zoom=2022-06"
    assert previous is not None and previous.href == "/p?tag=t&zoom=2021"
    assert following is not None and following.href == "/p?tag=t&zoom=2023"


def test_a_month_zoom_marks_its_month_and_steps_across_years() -> None:
    query = QueryState("/p", (("zoom", "2023-12"),))
    _, months, previous, following = zoom_links(
        [], dt.date(2023, 1, 1), Window(dt.date(2023, 12, 1), dt.date(2023, 12, 31)), query
    )
    assert [m.label for m in months if m.current] == ["Dec"]
    assert previous is not None and previous.href == "/p?zoom=2023-11"
    assert following is not None
    assert (following.label, following.href) == ("Jan 2024 →", "/p?zoom=2024-01")


def test_a_custom_window_has_no_month_row() -> None:
    _, months, previous, following = zoom_links(
        [],
        dt.date(2023, 1, 1),
        Window(dt.date(2023, 3, 5), dt.date(2023, 9, 1)),
        QueryState("/p", ()),
    )
    assert (months, previous, following) == ([], None, None)


def test_next_milestones_are_under_way_or_later_and_never_cancelled() -> None:
    events = [
        state("past", "session", "2023-01-09/2023-01-20"),
        state("now", "session", "2023-06-20/2023-07-02"),
        state("off", "session", "2023-07-10", status="cancelled"),
        state("later", "document", "2023-11"),
        state("soon", "milestone", "2023-07-15"),
    ]
    coming = next_milestones(events, dt.date(2023, 6, 30), limit=2)
    assert [s.id for s in coming] == ["now", "soon"]


def test_event_rows_say_dates_as_people_do_and_carry_deadline_risks() -> None:
    events = [
        state("d", "deadline", "2024-01-01~/2024-01-10~"),
        state("s", "session", "2023-04-11/2023-04-21"),
    ]
    rows = event_rows(events, {"d": "/d", "s": "/s"}, {"d": "missed"})
    assert [(r.when, r.risk, r.risk_label, r.kind_label) for r in rows] == [
        ("early January 2024", "missed", "missed", "Deadline"),
        ("11–21 April 2023", None, None, "Session"),
    ]
    assert [(year, [r.state.id for r in group]) for year, group in group_by_year(rows)] == [
        (2023, ["s"]),
        (2024, ["d"]),
    ]


def test_history_rows_name_events_and_say_dates() -> None:
    rows = change_rows(
        {
            "date": ["2024-01", "2024-01-29/2024-02-09"],
            "status": ["planned", "suspended"],
            "parent": [None, "abc"],
            "depends_on": [[], [{"event": "abc", "lag_days": 3}]],
            "tags": [["a"], ["a", "b"]],
            "summary": ["x" * 500, None],
        },
        {"abc": "Concluding session"},
    )
    said = {r.field: (r.before, r.after) for r in rows}
    assert said["date"] == (
        "January 2024 (2024-01)",
        "29 January – 9 February 2024 (2024-01-29/2024-02-09)",
    )
    assert said["status"] == ("planned", "suspended")
    assert said["parent"] == ("—", "Concluding session")
    assert said["depends_on"] == ("—", "Concluding session (+3 days)")
    assert said["tags"] == ("a", "a, b")
    assert len(said["summary"][0]) == 240 and said["summary"][0].endswith("…")
    assert said["summary"][1] == "—"
    assert [r.field for r in rows][:2] == ["date", "status"]  # the revision's own order


def test_days_read_like_people_write_them() -> None:
    assert say_day(dt.date(2023, 6, 30)) == "30 June 2023"
    assert say_day(dt.date(2024, 1, 5)) == "5 January 2024"


def test_attributes_read_as_words_never_true_or_false() -> None:
    rows = attribute_rows(
        {
            "formal": True,
            "hard": False,
            "adopted": False,
            "delay_days": 90,
            "ok": True,
            "rule": "two_thirds_present_voting",
            "proposed_by": ["Thailand", "Peru"],
        }
    )
    assert rows == [
        ("Format", "formal: can take decisions"),
        ("Kind of deadline", "soft: a target that can slip"),
        ("Outcome", "proposed, not adopted"),
        ("Enters into force", "90 days after the threshold is reached"),
        ("Ok", "yes"),
        ("Rule", "two thirds present voting"),
        ("Proposed by", "Thailand, Peru"),
    ]


@pytest.mark.parametrize(
    ("kind", "status", "words"),
    [
        ("document", "held", "released"),
        ("eif_threshold", "held", "proposed"),
        ("ratification", "held", "deposited"),
        ("vote_point", "held", "adopted"),
        ("session", "held", "held"),
        ("session", "cancelled", "cancelled"),
        ("deadline", "planned", "pending"),
    ],
)
def test_each_kind_has_its_own_status_words(kind: str, status: str, words: str) -> None:
    assert status_label(kind, status) == words


def test_a_status_change_reads_in_the_kinds_words() -> None:
    rows = change_rows({"status": ["planned", "held"]}, kind="ratification")
    assert [(r.before, r.after) for r in rows] == [("planned", "deposited")]
    plain = change_rows({"status": ["planned", "held"]})
    assert [(r.before, r.after) for r in plain] == [("planned", "held")]
