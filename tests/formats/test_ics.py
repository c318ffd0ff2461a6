"""The ICS builder, read back with the `icalendar` parser: dates, zones, statuses, folding."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import icalendar

from timeline.domain.model import EventState, ProcessInfo
from timeline.formats.ics import CalendarOptions, build_calendar, event_uid

CREATED = dt.datetime(2023, 3, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
UPDATED = dt.datetime(2023, 5, 2, 14, 5, 7, 654321, tzinfo=dt.UTC)
PROCESSES = {
    "ahc": ProcessInfo(slug="ahc", title="AHC", timezone="America/New_York"),
    "utc": ProcessInfo(slug="utc", title="In UTC"),
}
OPTIONS = CalendarOptions(
    name="AHC calendar",
    description="Sessions, votes and deadlines of the AHC.",
    root="https://timeline.example",
    source="https://timeline.example/api/v1/processes/ahc/calendar.ics?kind=session",
)


def state(**fields: Any) -> EventState:
    values: dict[str, Any] = {
        "id": "e1",
        "process": "ahc",
        "kind": "session",
        "title": "Fifth session",
        "date": "2023-04-11/2023-04-21",
        "status": "planned",
        "version": 1,
        "created_at": CREATED,
        "updated_at": UPDATED,
        "known_on": dt.date(2023, 3, 1),
    }
    values.update(fields)
    return EventState(**values)


def build(*states: EventState, **options: Any) -> bytes:
    chosen = dataclasses.replace(OPTIONS, **options)
    return build_calendar(states, PROCESSES, chosen)


def parse(body: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(body)
    assert isinstance(calendar, icalendar.Calendar)
    return calendar


def only_event(body: bytes) -> icalendar.Event:
    events = parse(body).events
    assert len(events) == 1
    return events[0]


def test_multi_day_session_is_an_all_day_range_ending_the_day_after() -> None:
    body = build(state())
    event = only_event(body)
    assert event.decoded("dtstart") == dt.date(2023, 4, 11)
    assert event.decoded("dtend") == dt.date(2023, 4, 22)
    assert not isinstance(event.decoded("dtstart"), dt.datetime)
    assert b"DTSTART;VALUE=DATE:20230411\r\n" in body
    assert b"DTEND;VALUE=DATE:20230422\r\n" in body


def test_single_day_event_lasts_one_day() -> None:
    event = only_event(build(state(date="2024-12-24", kind="milestone")))
    assert event.decoded("dtstart") == dt.date(2024, 12, 24)
    assert event.decoded("dtend") == dt.date(2024, 12, 25)


def test_stamps_come_from_the_event_not_the_clock() -> None:
    body = build(state(version=3))
    event = only_event(body)
    assert event.decoded("dtstamp") == UPDATED.replace(microsecond=0)
    assert event.decoded("last-modified") == UPDATED.replace(microsecond=0)
    assert event.decoded("created") == CREATED.replace(microsecond=0)
    assert b"DTSTAMP:20230502T140507Z\r\n" in body
    assert event["sequence"] == 2
    assert build(state(version=3)) == body  # same input, same bytes


def test_uid_is_fixed_for_life_whatever_the_version_or_address() -> None:
    first = only_event(build(state(version=1)))
    later = only_event(build(state(version=5, title="Renamed"), root="http://other:8000"))
    assert str(first["uid"]) == str(later["uid"]) == event_uid("e1") == "e1@timeline"
    assert first["sequence"] == 0
    assert later["sequence"] == 4


def test_timed_event_carries_the_process_zone_and_its_vtimezone() -> None:
    event_state = state(
        date="2023-02-22T15:00-05:00/2023-02-22T18:00-05:00", kind="informal", title="Informal"
    )
    body = build(event_state)
    calendar = parse(body)
    event = calendar.events[0]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert event["dtstart"].params["TZID"] == "America/New_York"
    assert b"DTSTART;TZID=America/New_York:20230222T150000\r\n" in body
    assert start == dt.datetime(2023, 2, 22, 20, 0, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(hours=3)
    zones = calendar.timezones
    assert [z["tzid"] for z in zones] == ["America/New_York"]
    assert calendar.get_missing_tzids() == set()
    # Kept to the years needed: every transition listed lies in 2023 (the VTIMEZONE covers
    # 2023-01-01 to 2024-01-01), not decades of history.
    starts = [sub.decoded("dtstart") for sub in zones[0].subcomponents]
    assert starts and all(s.year == 2023 for s in starts)
    assert b"VTIMEZONE" in body.split(b"BEGIN:VEVENT")[0]  # defined before it is used


def test_timed_event_in_summer_time_resolves_to_the_right_instant() -> None:
    event = only_event(build(state(date="2024-08-08T10:00-04:00", kind="vote_point")))
    start = event.decoded("dtstart")
    assert start.astimezone(dt.UTC) == dt.datetime(2024, 8, 8, 14, 0, tzinfo=dt.UTC)
    assert start.utcoffset() == dt.timedelta(hours=-4)
    assert "dtend" not in event  # a moment, not a range


def test_timed_event_whose_offset_is_not_the_process_zone_is_written_in_utc() -> None:
    body = build(state(date="2023-04-12T10:00+02:00/2023-04-12T12:00+02:00", kind="informal"))
    calendar = parse(body)
    event = calendar.events[0]
    assert b"DTSTART:20230412T080000Z\r\n" in body
    assert event.decoded("dtstart") == dt.datetime(2023, 4, 12, 8, tzinfo=dt.UTC)
    assert calendar.timezones == []


def test_process_in_utc_gets_utc_times_and_no_vtimezone() -> None:
    body = build(state(process="utc", date="2023-04-12T10:00+00:00"))
    assert b"DTSTART:20230412T100000Z\r\n" in body
    assert b"VTIMEZONE" not in body


def test_fuzzy_month_is_one_all_day_entry_on_its_first_day_saying_how_precise() -> None:
    event = only_event(build(state(kind="document", title="Zero draft", date="2023-06")))
    assert str(event["summary"]) == "Zero draft (expected June 2023)"
    assert event.decoded("dtstart") == dt.date(2023, 6, 1)
    assert event.decoded("dtend") == dt.date(2023, 6, 2)


def test_fuzzy_dates_of_each_precision_read_as_people_write_them() -> None:
    cases = {
        "2023-21": ("spring 2023", dt.date(2023, 3, 1)),
        "2025": ("2025", dt.date(2025, 1, 1)),
        "2023-06~": ("around June 2023", dt.date(2023, 6, 1)),
        "2024-01-01~/2024-01-10~": ("early January 2024", dt.date(2024, 1, 1)),
    }
    for date, (words, first) in cases.items():
        event = only_event(build(state(kind="deadline", title="Adopt", date=date)))
        assert str(event["summary"]) == f"Adopt (expected {words})", date
        assert event.decoded("dtstart") == first, date
        assert event.decoded("dtend") == first + dt.timedelta(days=1), date


def test_held_fuzzy_event_drops_expected() -> None:
    event = only_event(
        build(state(kind="document", title="Zero draft", date="2023-06", status="held"))
    )
    assert str(event["summary"]) == "Zero draft (June 2023)"


def test_exact_only_leaves_fuzzy_dates_out() -> None:
    events = [
        state(id="exact"),
        state(id="month", date="2023-06"),
        state(id="approx", date="2023-06-05~"),
        state(id="timed", date="2023-02-22T15:00-05:00"),
    ]
    every = {str(e["uid"]) for e in parse(build(*events)).events}
    exact = {str(e["uid"]) for e in parse(build(*events, exact_only=True)).events}
    assert every == {"exact@timeline", "month@timeline", "approx@timeline", "timed@timeline"}
    assert exact == {"exact@timeline", "timed@timeline"}


def test_statuses_map_to_what_calendars_understand() -> None:
    expected = {
        "planned": ("CONFIRMED", "Fifth session"),
        "held": ("CONFIRMED", "Fifth session"),
        "tentative": ("TENTATIVE", "Fifth session"),
        "cancelled": ("CANCELLED", "Cancelled: Fifth session"),
        "postponed": ("TENTATIVE", "Postponed: Fifth session"),
        "suspended": ("CONFIRMED", "Fifth session (suspended)"),
    }
    for status, (ical_status, summary) in expected.items():
        event = only_event(build(state(status=status)))
        assert str(event["status"]) == ical_status, status
        assert str(event["summary"]) == summary, status
        assert str(event["transp"]) == "TRANSPARENT"
        # The days stay: a cancelled entry must still match the one subscribers hold.
        assert event.decoded("dtstart") == dt.date(2023, 4, 11)


def test_texts_categories_location_and_link() -> None:
    event = only_event(
        build(
            state(
                location="Vienna",
                summary="International cooperation, preventive measures.",
                tags=["cooperation", "final provisions"],
                sources=[
                    {"url": "https://www.unodc.org/x", "title": "UNODC", "quote": "Fifth"},
                    {"url": "https://example.org/y"},
                ],
            )
        )
    )
    assert str(event["location"]) == "Vienna"
    assert list(event["categories"].cats) == ["session", "cooperation", "final provisions"]
    page = "https://timeline.example/processes/ahc/events/e1"
    assert str(event["url"]) == page
    description = str(event["description"])
    assert description.startswith("International cooperation, preventive measures.\n")
    assert "Status: planned" in description
    assert "Date: 11–21 April 2023 (2023-04-11/2023-04-21)" in description
    assert "- UNODC: https://www.unodc.org/x" in description
    assert "- https://example.org/y" in description
    assert description.endswith(f"Event: {page}")


def test_alarms_n_days_before_deadlines_and_vote_points_only() -> None:
    events = [
        state(id="s"),
        state(id="d", kind="deadline", title="Adopt the convention", date="2024-01-10"),
        state(id="v", kind="vote_point", title="Vote", date="2024-08-08"),
    ]
    with_alarms = {str(e["uid"]): e for e in parse(build(*events, alarm_days=7)).events}
    assert with_alarms["s@timeline"].subcomponents == []
    for uid in ("d@timeline", "v@timeline"):
        (alarm,) = with_alarms[uid].subcomponents
        assert alarm.name == "VALARM"
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm.decoded("trigger") == -dt.timedelta(days=7)
        assert "in 7 days" in str(alarm["description"])
    without = parse(build(*events))
    assert all(not e.subcomponents for e in without.events)


def test_calendar_properties_for_subscribers() -> None:
    body = build(state())
    calendar = parse(body)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]).startswith("-//timeline//")
    assert str(calendar["calscale"]) == "GREGORIAN"
    assert str(calendar["method"]) == "PUBLISH"
    assert str(calendar["name"]) == str(calendar["x-wr-calname"]) == "AHC calendar"
    # X- properties are TEXT (RFC 5545 3.8.8.2), escaped as such; the parser keeps them raw.
    assert b"X-WR-CALDESC:Sessions\\, votes and deadlines of the AHC.\r\n" in body
    assert str(calendar["x-wr-caldesc"]).replace("\\,", ",") == OPTIONS.description
    assert calendar.decoded("refresh-interval") == dt.timedelta(hours=6)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body
    assert b"X-PUBLISHED-TTL:PT6H\r\n" in body
    assert str(calendar["source"]) == OPTIONS.source


def test_lines_are_crlf_and_folded_at_75_octets_on_long_utf8_titles() -> None:
    title = "Séance de négociation — «Комитет» 第六届会议 " * 8 + "🙂 end"
    body = build(state(title=title, summary="Ω" * 400, location="Genève " * 30))
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no line splits a multi-byte character
    assert any(line.startswith(b" ") for line in lines)  # it did fold
    event = only_event(body)
    assert str(event["summary"]) == title
    assert str(event["location"]) == "Genève " * 30
    assert str(event["description"]).startswith("Ω" * 400)


def test_events_keep_the_given_order_and_zone_per_process() -> None:
    body = build(
        state(id="b", date="2023-01-09/2023-01-20"),
        state(id="a", process="utc", date="2023-02-01T10:00+00:00"),
        state(id="c", date="2023-02-22T15:00-05:00"),
    )
    calendar = parse(body)
    assert [str(e["uid"]) for e in calendar.events] == ["b@timeline", "a@timeline", "c@timeline"]
    assert "TZID" not in calendar.events[1]["dtstart"].params
    assert calendar.events[2]["dtstart"].params["TZID"] == "America/New_York"
    assert calendar.events[2].decoded("dtstart").utcoffset() == dt.timedelta(hours=-5)


def test_vtimezone_spans_the_years_of_all_timed_entries() -> None:
    calendar = parse(
        build(
            state(id="x", date="2022-03-24T10:00-04:00"),
            state(id="y", date="2024-07-29T10:00-04:00"),
        )
    )
    (zone,) = calendar.timezones
    years = {sub.decoded("dtstart").year for sub in zone.subcomponents}
    for sub in zone.subcomponents:
        rdates = sub.get("rdate", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            years.update(d.dt.year for d in rdate.dts)
    assert years <= {2022, 2023, 2024}
    assert {2022, 2024} <= years


def test_remembered_entries_never_outlive_a_change_of_content() -> None:
    # Entries are cached; the key is the whole state, so equal ids and versions with other
    # content (a replayed or re-created event) still give their own bytes.
    first = only_event(build(state(title="One")))
    second = only_event(build(state(title="Two")))
    moved = only_event(build(state(title="Two", date="2023-05-02")))
    linked = only_event(build(state(title="Two"), root="http://elsewhere"))
    assert str(first["summary"]) == "One"
    assert str(second["summary"]) == "Two"
    assert moved.decoded("dtstart") == dt.date(2023, 5, 2)
    assert str(linked["url"]) == "http://elsewhere/processes/ahc/events/e1"
    assert only_event(build(state(title="One"))).to_ical() == first.to_ical()


def test_the_feed_is_what_icalendar_itself_would_write() -> None:
    events = [
        state(id="a", date="2023-02-22T15:00-05:00"),
        state(id="b", kind="deadline", date="2024-01-10"),
    ]
    body = build(*events, alarm_days=2)
    calendar = parse(body)
    assert calendar.to_ical() == body
