"""The hand-written iCalendar value encodings and folding, read back with the `icalendar` parser
and compared with what the `icalendar` library itself writes for the same values."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.formats.ical_writer import (
    FOLD_OCTETS,
    date_value,
    duration_value,
    escape_text,
    fold,
    local_datetime_value,
    param_value,
    uri_value,
    utc_datetime_value,
)

# Any text a person may type: every plane (emoji, CJK, combining marks), tab and line breaks,
# the Unicode line separators, and the characters TEXT escapes, drawn often enough to meet.
# Other controls are dropped from TEXT (the text rule, #19: see the test below).
TEXTS = st.text(
    st.one_of(
        st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\ufffe\uffff"),
        st.sampled_from('\\;,:\n\r\t"^ nN'),
        st.sampled_from("é–«»第🙂👩‍👩‍👧"),
    ),
    max_size=300,
)


def read_event(*lines: str) -> icalendar.Event:
    """The one VEVENT of a calendar made of these content lines (already folded)."""
    body = "\r\n".join(["BEGIN:VCALENDAR", "BEGIN:VEVENT", *lines, "END:VEVENT", "END:VCALENDAR"])
    calendar = icalendar.Calendar.from_ical((body + "\r\n").encode())
    assert isinstance(calendar, icalendar.Calendar)
    (event,) = calendar.events
    return event


def icalendar_lines(name: str, value: object) -> str:
    """The folded content line(s) the icalendar library writes for one property."""
    event = icalendar.Event()
    event.add(name, value)
    written = bytes(event.to_ical()).decode()
    assert written.startswith("BEGIN:VEVENT\r\n") and written.endswith("\r\nEND:VEVENT\r\n")
    return written[len("BEGIN:VEVENT\r\n") : -len("\r\nEND:VEVENT\r\n")]


def test_text_escapes_backslash_semicolon_comma_and_every_line_break() -> None:
    assert escape_text("a\\b;c,d") == "a\\\\b\\;c\\,d"
    assert escape_text("one\ntwo\r\nthree\rfour") == "one\\ntwo\\nthree\\nfour"
    assert escape_text('colon: and "quotes" stay') == 'colon: and "quotes" stay'


def test_a_literal_backslash_n_stays_text_and_is_not_a_line_break() -> None:
    # icalendar's own writer turned the two characters \N into a line break before escaping;
    # RFC 5545 escapes the backslash, and icalendar's parser reads that back as written.
    assert escape_text("C:\\New\\new") == "C:\\\\New\\\\new"
    assert str(read_event(fold("SUMMARY:" + escape_text("C:\\New\\new")))["summary"]) == (
        "C:\\New\\new"
    )


def test_text_leaves_out_the_controls_text_forbids() -> None:
    # RFC 5545 3.1: TEXT holds no control character but tab; the line breaks are escaped.
    assert escape_text("a\x00b\x01c\x08d\x1be\x7ff\tg\nh") == "abcdef\tg\\nh"


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_escaped_and_folded_text_reads_back_unchanged(text: str) -> None:
    event = read_event(fold("SUMMARY:" + escape_text(text)), fold("LOCATION:" + escape_text(text)))
    expected = text.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR has no TEXT escape
    assert str(event["summary"]) == expected
    assert str(event["location"]) == expected


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_text_lines_are_the_bytes_icalendar_writes(text: str) -> None:
    # The same escapes and the same folding points as the library the feeds used to come from
    # (apart from a literal \N, which icalendar turns into a line break: see above).
    if "\\N" in text:
        text = text.replace("\\N", "\\n")
    assert fold("SUMMARY:" + escape_text(text)) == icalendar_lines("summary", text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("aé–第🙂\\^;"), max_size=400), st.integers(0, 80))
def test_folding_never_splits_a_character_and_keeps_lines_within_75_octets(
    text: str, pad: int
) -> None:
    line = "SUMMARY:" + "x" * pad + text
    folded = fold(line).encode()
    physical = folded.split(b"\r\n")
    assert len(physical[0]) <= FOLD_OCTETS
    for piece in physical[1:]:
        assert piece.startswith(b" ")
        assert len(piece) <= FOLD_OCTETS + 1  # 75 octets with the leading space
    for piece in physical:
        piece.decode("utf-8")  # each physical line is whole UTF-8 characters
    assert b"".join([physical[0], *(p[1:] for p in physical[1:])]) == line.encode()
    # folded only when needed, and then each piece is as long as it may be
    assert (len(physical) == 1) == (len(line.encode()) <= FOLD_OCTETS)


def test_four_octet_characters_fold_whole_at_every_offset() -> None:
    for offset in range(4):
        line = "SUMMARY:" + "x" * offset + "🙂" * 60
        lines = fold(line).encode().split(b"\r\n")
        assert all(len(one) <= 75 for one in lines)
        assert "".join(one.decode()[1:] if i else one.decode() for i, one in enumerate(lines)) == (
            line
        )
        assert str(read_event(fold(line))["summary"]) == line[len("SUMMARY:") :]


def test_an_escape_is_never_cut_from_the_character_it_escapes() -> None:
    # The 74th octet is the backslash of "\;": the fold moves it to the next line with the ";".
    line = "SUMMARY:" + "x" * 65 + "\\;" + "y" * 20
    first, second = fold(line).split("\r\n")
    assert first == "SUMMARY:" + "x" * 65
    assert second.startswith(" \\;")
    assert str(read_event(fold(line))["summary"]) == "x" * 65 + ";" + "y" * 20


def test_short_lines_are_left_alone() -> None:
    assert fold("STATUS:CONFIRMED") == "STATUS:CONFIRMED"
    assert fold("S:" + "é" * 36) == "S:" + "é" * 36  # 74 octets: fits
    assert "\r\n " in fold("S:" + "é" * 36 + "x")  # 75 octets: folds


def test_date_and_datetime_values() -> None:
    assert date_value(dt.date(2023, 4, 11)) == "20230411"
    assert date_value(dt.date(99, 1, 2)) == "00990102"
    new_york = dt.timezone(dt.timedelta(hours=-5))
    moment = dt.datetime(2023, 2, 22, 15, 0, 30, 999999, tzinfo=new_york)
    assert utc_datetime_value(moment) == "20230222T200030Z"  # converted, fraction dropped
    assert utc_datetime_value(moment.replace(tzinfo=None)) == "20230222T150030Z"  # naive: UTC
    assert local_datetime_value(moment) == "20230222T150030"


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1, 1, 2), timezones=st.just(dt.UTC)))
def test_utc_datetimes_are_what_icalendar_writes_and_reads(moment: dt.datetime) -> None:
    assert f"DTSTAMP:{utc_datetime_value(moment)}" == icalendar_lines(
        "dtstamp", moment.replace(microsecond=0)
    )
    event = read_event(f"DTSTAMP:{utc_datetime_value(moment)}")
    assert event.decoded("dtstamp") == moment.replace(microsecond=0)


@settings(max_examples=200, deadline=None)
@given(st.integers(-999 * 86400, 999 * 86400).map(lambda s: dt.timedelta(seconds=s)))
def test_durations_are_what_icalendar_writes_and_read_back(span: dt.timedelta) -> None:
    assert duration_value(span) == bytes(icalendar.vDuration(span).to_ical()).decode()
    assert read_event(f"X-D;VALUE=DURATION:{duration_value(span)}")["x-d"].dt == span


def test_durations_people_use() -> None:
    assert duration_value(dt.timedelta(hours=6)) == "PT6H"
    assert duration_value(-dt.timedelta(days=7)) == "-P7D"
    assert duration_value(dt.timedelta(0)) == "P0D"
    assert duration_value(dt.timedelta(days=1, hours=2, minutes=30)) == "P1DT2H30M"
    assert duration_value(dt.timedelta(minutes=90, microseconds=5)) == "PT1H30M"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("America/New_York", "America/New_York"),
        ("a,b", '"a,b"'),
        ("a;b:c", '"a;b:c"'),
        ('say "hi"', "say ^'hi^'"),
        ("c^d", "c^^d"),
        ("two\nlines", "two^nlines"),
    ],
)
def test_parameter_values_are_quoted_and_escaped_and_read_back(value: str, written: str) -> None:
    assert param_value(value) == written
    assert read_event(f"X-T;X-P={param_value(value)}:x")["x-t"].params["X-P"] == value


def test_uris_are_written_as_is_but_never_with_a_line_break() -> None:
    assert uri_value("https://e.org/a,b;c?d=1") == "https://e.org/a,b;c?d=1"
    with pytest.raises(ValueError, match="line break"):
        uri_value("https://e.org/\r\nX-EVIL:1")
