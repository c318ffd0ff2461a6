"""Plain days, months and years skip the slow EDTF grammar: they must be judged exactly as the
grammar would judge them (accepted only if `edtf` accepts them, with the same bounds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import edtf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.domain.dates import DateError, DateSpan, _parse_edtf, parse_date

_part = st.one_of(
    st.integers(1, 9999).map(lambda y: f"{y:04d}"),
    st.tuples(st.integers(1, 9999), st.integers(1, 12)).map(lambda p: f"{p[0]:04d}-{p[1]:02d}"),
    st.tuples(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31)).map(
        lambda p: f"{p[0]:04d}-{p[1]:02d}-{p[2]:02d}"
    ),
)
_plain = st.one_of(_part, st.tuples(_part, _part).map("/".join))


def _grammar_accepts(text: str) -> bool:
    try:
        edtf.parse_edtf(text)
    except Exception:
        return False
    return True


@settings(max_examples=40, deadline=None)
@given(_plain)
def test_plain_dates_are_accepted_only_when_the_edtf_grammar_accepts_them(text: str) -> None:
    try:
        span = parse_date(text)
    except DateError:
        return
    assert _grammar_accepts(text), text
    assert span.start <= span.end


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2023-04-11", dt.date(2023, 4, 11), dt.date(2023, 4, 11), "day"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
        ("2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31), "year"),
        ("2023-06-15/2023-09", dt.date(2023, 6, 15), dt.date(2023, 9, 30), "month"),
    ],
)
def test_plain_dates_keep_their_bounds(
    text: str, start: dt.date, end: dt.date, precision: str
) -> None:
    span = parse_date(text)
    assert (span.start, span.end, span.precision) == (start, end, precision)


@pytest.mark.parametrize("text", ["2023-02-30", "2023-13", "2023-00", "0000", "2023-06/2023-05"])
def test_impossible_plain_dates_are_still_refused(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text)


_day = st.tuples(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)).map(
    lambda p: f"{p[0]:04d}-{p[1]:02d}-{p[2]:02d}"
)


def _outcome(parse: Callable[[str], DateSpan], text: str) -> DateSpan | str:
    try:
        return parse(text)
    except DateError as error:
        return str(error)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_day, st.tuples(_day, _day).map("/".join)))
def test_days_and_ranges_of_days_parse_as_the_general_path_does(text: str) -> None:
    # the shortcut for days (date.fromisoformat) must give the same span, or the same reason
    assert _outcome(parse_date, text) == _outcome(_parse_edtf, text)
