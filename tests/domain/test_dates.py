"""EDTF and timed dates reduced to day bounds, precision and qualifiers."""

from __future__ import annotations

import datetime as dt

import pytest

from timeline.domain.dates import DateError, describe_fuzzy, parse_date

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2023-04-11", D(2023, 4, 11), D(2023, 4, 11), "day"),
        ("2023-06", D(2023, 6, 1), D(2023, 6, 30), "month"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month"),
        ("2023", D(2023, 1, 1), D(2023, 12, 31), "year"),
        ("2023-21", D(2023, 3, 1), D(2023, 5, 31), "season"),
        ("2023-22", D(2023, 6, 1), D(2023, 8, 31), "season"),
        ("2023-23", D(2023, 9, 1), D(2023, 11, 30), "season"),
        ("2023-24", D(2023, 12, 1), D(2024, 2, 29), "season"),
        ("2022-24", D(2022, 12, 1), D(2023, 2, 28), "season"),
        ("2023-08-21/2023-09-01", D(2023, 8, 21), D(2023, 9, 1), "day"),
        ("2023-06/2023-09", D(2023, 6, 1), D(2023, 9, 30), "month"),
        ("2023-06-15/2023-09", D(2023, 6, 15), D(2023, 9, 30), "month"),
        ("2024-01-XX", D(2024, 1, 1), D(2024, 1, 31), "month"),
        ("2024-XX", D(2024, 1, 1), D(2024, 12, 31), "year"),
        ("19XX", D(1900, 1, 1), D(1999, 12, 31), "year"),
    ],
)
def test_edtf_dates_cover_their_whole_window(
    text: str, start: dt.date, end: dt.date, precision: str
) -> None:
    span = parse_date(text)
    assert (span.start, span.end, span.precision) == (start, end, precision)
    assert not span.approximate and not span.uncertain


@pytest.mark.parametrize(
    ("text", "approximate", "uncertain"),
    [("2023-06~", True, False), ("2023-06?", False, True), ("2023-06%", True, True)],
)
def test_qualifiers_are_reported_without_widening_bounds(
    text: str, approximate: bool, uncertain: bool
) -> None:
    span = parse_date(text)
    assert (span.start, span.end) == (D(2023, 6, 1), D(2023, 6, 30))
    assert (span.approximate, span.uncertain) == (approximate, uncertain)
    assert not span.is_exact


def test_timed_interval_keeps_days_at_its_own_offset() -> None:
    span = parse_date("2023-02-22T21:00-05:00/2023-02-22T23:30-05:00")
    assert span.precision == "datetime"
    # 21:00 at -05:00 is already 23 February in UTC; the day is the venue's.
    assert span.start == span.end == D(2023, 2, 22)
    assert span.start_time is not None and span.start_time.utcoffset() == dt.timedelta(hours=-5)


def test_single_datetime_is_accepted_with_an_offset() -> None:
    span = parse_date("2024-08-08T15:00+00:00")
    assert span.precision == "datetime" and span.start == D(2024, 8, 8)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "required"),
        ("June 2023", "not a valid EDTF"),
        ("2023-02-30", "not a valid EDTF"),
        ("2023-13", "not a valid EDTF"),
        ("2023-09-01/2023-08-01", "ends before it starts"),
        ("2023-06-01/..", "open-ended"),
        ("2023-02-22T15:00", "no UTC offset"),
        ("2023-02-22T15:00+01:00/2023-02-22T14:00+01:00", "ends before it starts"),
        ("2023-02-22T25:00+01:00", "not an ISO 8601 datetime"),
    ],
)
def test_unreadable_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2023-04-11/2023-04-21", "11–21 April 2023"),
        ("2023-08-21/2023-09-01", "21 August – 1 September 2023"),
        ("2023-12-28/2024-01-03", "28 December 2023 – 3 January 2024"),
        ("2023-06", "June 2023"),
        ("2023-06~", "around June 2023"),
        ("2023-06?", "June 2023 (unconfirmed)"),
        ("2024-01-01~/2024-01-10~", "early January 2024"),
        ("2024-02-11~/2024-02-20~", "mid February 2024"),
        ("2024-02-21~/2024-02-29~", "late February 2024"),
        ("2023-21", "spring 2023"),
        ("2023", "2023"),
        ("2024-08-08", "8 August 2024"),
        (
            "2023-02-22T15:00-05:00/2023-02-22T18:00-05:00",
            "22 February 2023, 15:00–18:00 UTC-05:00",
        ),
    ],
)
def test_dates_are_described_as_people_write_them(text: str, words: str) -> None:
    assert describe_fuzzy(parse_date(text)) == words
