"""Calendar feeds over HTTP, read back with `icalendar`: filters, validators, changes, errors."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import httpx
import icalendar

FEED = "/api/v1/processes/ahc/calendar.ics"


async def make_process(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str = "ahc", **fields: Any
) -> dict[str, Any]:
    body = {"slug": slug, "title": f"Process {slug}", "timezone": "America/New_York", **fields}
    response = await client.post("/api/v1/processes", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def make_event(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str = "ahc", **fields: Any
) -> dict[str, Any]:
    body = {"kind": "session", "title": "Fifth session", "date": "2023-04-11/2023-04-21", **fields}
    response = await client.post(f"/api/v1/processes/{slug}/events", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def revalidate(
    client: httpx.AsyncClient, url: str, earlier: httpx.Response
) -> httpx.Response:
    """`url` asked again with the entity tag of an earlier answer."""
    return await client.get(url, headers={"If-None-Match": earlier.headers["etag"]})


def parse(body: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(body)
    assert isinstance(calendar, icalendar.Calendar)
    return calendar


def by_uid(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in parse(body).events}


async def seeded(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    await make_process(client, headers)
    session = await make_event(client, headers, tags=["cooperation"], location="Vienna")
    informal = await make_event(
        client,
        headers,
        kind="informal",
        title="Informal on jurisdiction",
        date="2023-04-12T15:00-04:00/2023-04-12T18:00-04:00",
        tags=["jurisdiction"],
        parent=session["id"],
    )
    draft = await make_event(
        client, headers, kind="document", title="Zero draft", date="2023-06", status="tentative"
    )
    deadline = await make_event(
        client,
        headers,
        kind="deadline",
        title="Adopt the convention",
        date="2024-01-01~/2024-01-10~",
        depends_on=[{"event": session["id"]}],
    )
    vote = await make_event(client, headers, kind="vote_point", title="Vote", date="2024-08-08")
    return {
        "session": session,
        "informal": informal,
        "draft": draft,
        "deadline": deadline,
        "vote": vote,
    }


async def test_feed_carries_every_event_as_calendars_expect(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    made = await seeded(app_client, admin_headers)
    response = await app_client.get(FEED)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = parse(response.content)
    assert str(calendar["x-wr-calname"]) == "Process ahc"
    assert str(calendar["method"]) == "PUBLISH"
    assert str(calendar["source"]) == "http://testserver/api/v1/processes/ahc/calendar.ics"
    events = by_uid(response.content)
    assert set(events) == {f"{e['id']}@timeline" for e in made.values()}
    session = events[f"{made['session']['id']}@timeline"]
    assert session.decoded("dtstart") == dt.date(2023, 4, 11)
    assert session.decoded("dtend") == dt.date(2023, 4, 22)
    assert str(session["location"]) == "Vienna"
    assert list(session["categories"].cats) == ["session", "cooperation"]
    assert str(session["url"]) == made["session"]["links"]["page"]
    assert session.decoded("dtstamp") == dt.datetime.fromisoformat(
        made["session"]["updated_at"]
    ).replace(microsecond=0)
    informal = events[f"{made['informal']['id']}@timeline"]
    assert informal["dtstart"].params["TZID"] == "America/New_York"
    assert informal.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
        2023, 4, 12, 19, tzinfo=dt.UTC
    )
    assert [z["tzid"] for z in calendar.timezones] == ["America/New_York"]
    draft = events[f"{made['draft']['id']}@timeline"]
    assert str(draft["summary"]) == "Zero draft (expected June 2023)"
    assert str(draft["status"]) == "TENTATIVE"
    assert draft.decoded("dtstart") == dt.date(2023, 6, 1)
    deadline = events[f"{made['deadline']['id']}@timeline"]
    assert str(deadline["summary"]) == "Adopt the convention (expected early January 2024)"


async def test_unchanged_data_gives_identical_bytes_and_etags_and_304s(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await seeded(app_client, admin_headers)
    first = await app_client.get(FEED)
    second = await app_client.get(FEED)
    assert first.content == second.content
    etag = first.headers["etag"]
    assert etag == second.headers["etag"] and etag.startswith('"') and not etag.startswith("W/")
    last_modified = first.headers["last-modified"]
    assert last_modified == second.headers["last-modified"]

    cached = await app_client.get(FEED, headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached.headers["etag"] == etag

    since = await app_client.get(FEED, headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304
    earlier = parsedate_to_datetime(last_modified) - dt.timedelta(seconds=1)
    stale = await app_client.get(
        FEED, headers={"If-Modified-Since": format_datetime(earlier, usegmt=True)}
    )
    assert stale.status_code == 200
    assert stale.content == first.content

    other = await app_client.get(FEED, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


async def test_patch_raises_sequence_and_changes_the_validators(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    made = await seeded(app_client, admin_headers)
    before = await app_client.get(FEED)
    session = made["session"]
    uid = f"{session['id']}@timeline"
    assert by_uid(before.content)[uid]["sequence"] == 0
    patched = await app_client.patch(
        session["links"]["self"],
        json={"date": "2023-04-12/2023-04-22", "title": "Fifth session (moved)"},
        headers={**admin_headers, "If-Match": f'"event.{session["id"]}.1"'},
    )
    assert patched.status_code == 200, patched.text
    after = await app_client.get(FEED)
    assert after.headers["etag"] != before.headers["etag"]
    stale = await revalidate(app_client, FEED, before)
    assert stale.status_code == 200
    event = by_uid(after.content)[uid]
    assert event["sequence"] == 1
    assert str(event["summary"]) == "Fifth session (moved)"
    assert event.decoded("dtstart") == dt.date(2023, 4, 12)
    assert event.decoded("dtend") == dt.date(2023, 4, 23)
    updated = dt.datetime.fromisoformat(patched.json()["updated_at"]).replace(microsecond=0)
    assert event.decoded("last-modified") == updated
    assert event.decoded("dtstamp") == updated
    # Events that did not change keep their stamps and sequence.
    vote = f"{made['vote']['id']}@timeline"
    assert by_uid(after.content)[vote].to_ical() == by_uid(before.content)[vote].to_ical()


async def test_cancelled_stays_in_the_feed_and_deleted_leaves_it(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    made = await seeded(app_client, admin_headers)
    vote, draft = made["vote"], made["draft"]
    cancelled = await app_client.patch(
        vote["links"]["self"],
        json={"status": "cancelled"},
        headers={**admin_headers, "If-Match": f'"event.{vote["id"]}.1"'},
    )
    assert cancelled.status_code == 200
    before_delete = await app_client.get(FEED)
    deleted = await app_client.delete(
        draft["links"]["self"], headers={**admin_headers, "If-Match": f'"event.{draft["id"]}.1"'}
    )
    assert deleted.status_code == 204
    response = await app_client.get(FEED)
    assert response.headers["etag"] != before_delete.headers["etag"]
    assert parsedate_to_datetime(response.headers["last-modified"]) >= parsedate_to_datetime(
        before_delete.headers["last-modified"]
    )
    events = by_uid(response.content)
    assert f"{draft['id']}@timeline" not in events
    assert f"{draft['id']}@timeline" in by_uid(before_delete.content)
    kept = events[f"{vote['id']}@timeline"]
    assert str(kept["status"]) == "CANCELLED"
    assert str(kept["summary"]) == "Cancelled: Vote"
    assert kept["sequence"] == 1


async def test_filters_repeat_and_any_order_gives_the_same_feed(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    made = await seeded(app_client, admin_headers)
    one = await app_client.get(FEED, params=[("kind", "vote_point"), ("kind", "session")])
    two = await app_client.get(
        FEED, params=[("kind", "session"), ("kind", "vote_point"), ("kind", "session")]
    )
    assert one.content == two.content
    assert one.headers["etag"] == two.headers["etag"]
    assert set(by_uid(one.content)) == {
        f"{made['session']['id']}@timeline",
        f"{made['vote']['id']}@timeline",
    }
    source = str(parse(one.content)["source"])
    assert source == f"http://testserver{FEED}?kind=session&kind=vote_point"
    assert str(parse(one.content)["x-wr-calname"]) == "Process ahc (kind session or vote point)"

    tagged = await app_client.get(FEED, params=[("tag", "jurisdiction"), ("tag", "cooperation")])
    assert set(by_uid(tagged.content)) == {
        f"{made['session']['id']}@timeline",
        f"{made['informal']['id']}@timeline",
    }
    tentative = await app_client.get(FEED, params={"status": "tentative"})
    assert set(by_uid(tentative.content)) == {f"{made['draft']['id']}@timeline"}
    both = await app_client.get(FEED, params={"status": "planned", "kind": "document"})
    assert by_uid(both.content) == {}
    assert both.headers["etag"] != tentative.headers["etag"]


async def test_exact_only_and_alarm_days(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    made = await seeded(app_client, admin_headers)
    exact = await app_client.get(FEED, params={"exact_only": "true"})
    assert set(by_uid(exact.content)) == {
        f"{made[k]['id']}@timeline" for k in ("session", "informal", "vote")
    }
    alarmed = await app_client.get(FEED, params={"alarm_days": "3", "exact_only": "true"})
    assert str(parse(alarmed.content)["source"]).endswith("?exact_only=true&alarm_days=3")
    events = by_uid(alarmed.content)
    (alarm,) = events[f"{made['vote']['id']}@timeline"].subcomponents
    assert alarm.decoded("trigger") == -dt.timedelta(days=3)
    assert events[f"{made['session']['id']}@timeline"].subcomponents == []
    assert alarmed.headers["etag"] != exact.headers["etag"]
    plain = by_uid((await app_client.get(FEED)).content)
    assert all(e.subcomponents == [] for e in plain.values())


async def test_bad_filters_are_problems_naming_the_field(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await make_process(app_client, admin_headers)
    cases = {
        "kind": {"kind": "bogus"},
        "status": {"status": "finished"},
        "alarm_days": {"alarm_days": "-1"},
        "exact_only": {"exact_only": "perhaps"},
        "as_of": {"as_of": "yesterday"},
    }
    for field, params in cases.items():
        for path in (FEED, "/api/v1/calendar.ics"):
            response = await app_client.get(path, params=params)
            assert response.status_code == 422, (path, field)
            assert response.headers["content-type"].startswith("application/problem+json")
            problem = response.json()
            assert problem["status"] == 422
            assert [e["field"] for e in problem["errors"]] == [field], (path, field)
    missing = await app_client.get("/api/v1/processes/nope/calendar.ics")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no process 'nope'"
    unknown = await app_client.get("/api/v1/calendar.ics", params={"process": "nope"})
    assert unknown.status_code == 404


async def test_feed_across_processes_and_filtered_by_process(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    made = await seeded(app_client, admin_headers)
    await make_process(app_client, admin_headers, "plastics", timezone="UTC", title="Plastics")
    inc = await make_event(
        app_client, admin_headers, "plastics", title="INC-5", date="2024-11-25/2024-12-01"
    )
    every = await app_client.get("/api/v1/calendar.ics")
    uids = set(by_uid(every.content))
    assert f"{inc['id']}@timeline" in uids
    assert {f"{e['id']}@timeline" for e in made.values()} <= uids
    assert str(parse(every.content)["x-wr-calname"]) == "timeline: all processes"
    only = await app_client.get("/api/v1/calendar.ics", params={"process": "plastics"})
    assert set(by_uid(only.content)) == {f"{inc['id']}@timeline"}
    assert str(parse(only.content)["x-wr-calname"]) == "timeline: Plastics"
    # A change in one process moves the all-processes feed too.
    patched = await app_client.patch(
        inc["links"]["self"],
        json={"status": "held"},
        headers={**admin_headers, "If-Match": f'"event.{inc["id"]}.1"'},
    )
    assert patched.status_code == 200
    assert (await revalidate(app_client, "/api/v1/calendar.ics", every)).status_code == 200


async def test_process_json_links_subscribe_to_the_feed(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await seeded(app_client, admin_headers)
    links = (await app_client.get("/api/v1/processes/ahc")).json()["links"]
    assert links["calendar"] == f"http://testserver{FEED}"
    assert links["webcal"] == f"webcal://testserver{FEED}"
    feed = await app_client.get(links["calendar"])
    assert str(parse(feed.content)["source"]) == links["calendar"]


async def test_one_event_as_ics(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    made = await seeded(app_client, admin_headers)
    session = made["session"]
    assert session["links"]["ics"].endswith(f"/events/{session['id']}.ics")
    response = await app_client.get(session["links"]["ics"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    (event,) = parse(response.content).events
    feed_event = by_uid((await app_client.get(FEED)).content)[f"{session['id']}@timeline"]
    assert event.to_ical() == feed_event.to_ical()  # the same entry the feed carries
    etag = response.headers["etag"]
    assert (await app_client.get(session["links"]["ics"])).content == response.content
    cached = await app_client.get(session["links"]["ics"], headers={"If-None-Match": etag})
    assert cached.status_code == 304
    since = await app_client.get(
        session["links"]["ics"], headers={"If-Modified-Since": response.headers["last-modified"]}
    )
    assert since.status_code == 304
    as_json = await app_client.get(session["links"]["self"])
    assert as_json.status_code == 200 and as_json.json()["id"] == session["id"]
    missing = await app_client.get("/api/v1/processes/ahc/events/nope.ics")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_openapi_describes_the_calendar_routes(app_client: httpx.AsyncClient) -> None:
    schema = (await app_client.get("/schema/openapi.json")).json()
    feed = schema["paths"]["/api/v1/processes/{slug}/calendar.ics"]["get"]
    assert feed["operationId"] == "getProcessCalendar"
    assert "text/calendar" in feed["responses"]["200"]["content"]
    assert {p["name"] for p in feed["parameters"]} >= {
        "kind",
        "tag",
        "status",
        "exact_only",
        "alarm_days",
    }
    assert "422" in feed["responses"] and "404" in feed["responses"]
    every = schema["paths"]["/api/v1/calendar.ics"]["get"]
    assert "process" in {p["name"] for p in every["parameters"]}
    event = schema["paths"]["/api/v1/processes/{slug}/events/{event_id}"]["get"]
    assert "text/calendar" in event["description"]


async def test_feed_bytes_are_crlf_folded_at_75_octets(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await make_process(app_client, admin_headers, title="Négociations «climat» " * 6)
    title = "Séance plénière — 第六届会议 — Заключительная сессия " * 3
    await make_event(app_client, admin_headers, title=title[:300])
    body = (await app_client.get(FEED)).content
    assert b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")
    (event,) = parse(body).events
    assert str(event["summary"]) == title[:300].strip()


async def test_empty_service_serves_an_empty_valid_calendar(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get("/api/v1/calendar.ics")
    assert response.status_code == 200
    calendar = parse(response.content)
    assert calendar.events == []
    assert str(calendar["x-wr-calname"]) == "timeline: all processes"
    assert (await revalidate(app_client, "/api/v1/calendar.ics", response)).status_code == 304


async def test_as_of_replays_the_feed_as_known_that_day(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await make_process(app_client, admin_headers)
    session = await make_event(app_client, admin_headers, known_on="2023-01-05")
    later = await make_event(
        app_client,
        admin_headers,
        title="Sixth session",
        date="2023-08-21/2023-09-01",
        known_on="2023-05-01",
    )
    moved = await app_client.patch(
        session["links"]["self"],
        json={"status": "postponed", "known_on": "2023-03-01"},
        headers={**admin_headers, "If-Match": f'"event.{session["id"]}.1"'},
    )
    assert moved.status_code == 200
    february = await app_client.get(FEED, params={"as_of": "2023-02-01"})
    events = by_uid(february.content)
    assert set(events) == {f"{session['id']}@timeline"}
    assert str(events[f"{session['id']}@timeline"]["summary"]) == "Fifth session"
    assert events[f"{session['id']}@timeline"]["sequence"] == 0
    assert str(parse(february.content)["source"]).endswith("?as_of=2023-02-01")
    now = by_uid((await app_client.get(FEED)).content)
    assert set(now) == {f"{session['id']}@timeline", f"{later['id']}@timeline"}
    assert str(now[f"{session['id']}@timeline"]["summary"]) == "Postponed: Fifth session"
    assert str(now[f"{session['id']}@timeline"]["status"]) == "TENTATIVE"


async def test_renaming_the_process_renames_the_calendar_and_moves_the_etag(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await seeded(app_client, admin_headers)
    before = await app_client.get(FEED)
    renamed = await app_client.patch(
        "/api/v1/processes/ahc",
        json={"title": "Ad Hoc Committee"},
        headers={**admin_headers, "If-Match": '"process.ahc.1"'},
    )
    assert renamed.status_code == 200, renamed.text
    after = await revalidate(app_client, FEED, before)
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert str(parse(after.content)["x-wr-calname"]) == "Ad Hoc Committee"
