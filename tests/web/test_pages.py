"""The HTML pages through the app: valid HTML, security headers, ETags, and what they show."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

import html5lib
import httpx
import pytest

from tests._reads import timeline_items
from tests._writes import new_process, record
from tests.web.conftest import SLUG, event_id
from timeline.web.drawing import RISK_COLOURS

NS = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"


def parse(text: str) -> Element:
    """The document, parsed strictly: any HTML parse error fails the test."""
    tree: Element = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(text)
    return tree


def by_class(root: Element, tag: str, cls: str) -> list[Element]:
    return [e for e in root.iter(tag) if cls in (e.get("class") or "").split()]


def marks(root: Element, kind: str | None = None) -> list[Element]:
    # The wide drawing (#chart); phones get a compact copy of the same marks.
    chart = next(e for e in root.iter(f"{SVG}svg") if e.get("id") == "chart")
    found = by_class(chart, f"{SVG}a", "mark")
    return [m for m in found if kind is None or m.get("data-kind") == kind]


def listed(root: Element) -> list[Element]:
    return [li for li in by_class(root, f"{NS}li", "event")]


def text_of(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


async def get_page(client: httpx.AsyncClient, url: str, **headers: str) -> httpx.Response:
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response


async def test_process_page_is_valid_html_with_strict_security_headers(
    pages: httpx.AsyncClient,
) -> None:
    response = await get_page(pages, f"/processes/{SLUG}")
    root = parse(response.text)
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    # Nothing the policy would block: no inline script, no style element or attribute.
    scripts = list(root.iter(f"{NS}script"))
    assert scripts and all(s.get("src", "").startswith("/static/") for s in scripts)
    assert not any((s.text or "").strip() for s in scripts)
    assert not list(root.iter(f"{NS}style"))
    assert not [e.tag for e in root.iter() if e.get("style") is not None]
    assert root.find(f".//{NS}html[@lang='en']") is not None or root.get("lang") == "en"


async def test_static_files_are_served(pages: httpx.AsyncClient) -> None:
    css = await pages.get("/static/timeline.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert ".chart" in css.text
    js = await pages.get("/static/timeline.js")
    assert js.status_code == 200
    assert "javascript" in js.headers["content-type"]
    assert "addEventListener" in js.text


@pytest.mark.usefixtures("seeded")
async def test_pages_answer_if_none_match_with_304(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    first = await get_page(app_client, f"/processes/{SLUG}")
    tag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', tag)
    again = await app_client.get(f"/processes/{SLUG}", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    # A change to the log changes the page, so the old tag no longer matches.
    ident = event_id("signature-period-ends")
    current = await app_client.get(f"/api/v1/processes/{SLUG}/events/{ident}")
    patched = await app_client.patch(
        f"/api/v1/processes/{SLUG}/events/{ident}",
        json={"status": "tentative"},
        headers={**admin_headers, "If-Match": current.headers["etag"]},
    )
    assert patched.status_code == 200, patched.text
    changed = await app_client.get(f"/processes/{SLUG}", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag
    row = [li for li in listed(parse(changed.text)) if li.get("data-event") == ident]
    assert row[0].get("data-status") == "tentative"


async def test_event_and_index_pages_have_etags_too(pages: httpx.AsyncClient) -> None:
    for url in ("/", f"/processes/{SLUG}/events/{event_id('session-5')}"):
        first = await get_page(pages, url)
        parse(first.text)
        again = await pages.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, url


async def test_an_unknown_process_is_a_404_problem(pages: httpx.AsyncClient) -> None:
    response = await pages.get("/processes/no-such-talks")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 404
    assert "no-such-talks" in body["detail"]


async def test_a_browser_gets_the_404_as_a_page(pages: httpx.AsyncClient) -> None:
    response = await pages.get(
        "/processes/no-such-talks", headers={"Accept": "text/html,application/xhtml+xml"}
    )
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    root = parse(response.text)
    assert "no-such-talks" in text_of(root.find(f".//{NS}main"))  # type: ignore[arg-type]


async def test_an_unknown_event_is_a_404_problem(pages: httpx.AsyncClient) -> None:
    response = await pages.get(f"/processes/{SLUG}/events/nope")
    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("as_of=yesterday", "as_of"),
        ("zoom=twenty-three", "zoom"),
        ("from=2023-05-01&to=2023-04-01", "to"),
        ("kind=party", "kind"),
        ("zoom=9999-12", "zoom"),
        ("zoom=0001", "zoom"),
        ("to=9999-12-31", "to"),
        ("from=0001-01-01", "from"),
    ],
)
async def test_bad_query_parameters_are_422_problems_naming_the_field(
    pages: httpx.AsyncClient, query: str, field: str
) -> None:
    response = await pages.get(f"/processes/{SLUG}?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_the_drawing_has_one_bar_per_session_and_lists_every_event(
    pages: httpx.AsyncClient,
) -> None:
    root = parse((await get_page(pages, f"/processes/{SLUG}")).text)
    sessions = await timeline_items(pages, SLUG, kind="session")
    drawn = marks(root, "session")
    assert sorted(m.get("data-event") for m in drawn) == sorted(s["id"] for s in sessions)
    for mark in drawn:
        assert len(by_class(mark, f"{SVG}rect", "bar")) == 1
    everything = await timeline_items(pages, SLUG)
    assert [li.get("data-event") for li in listed(root)] == [e["id"] for e in everything]
    lanes = [t.text for t in by_class(root, f"{SVG}text", "lane-label")]
    assert lanes[0] == f"Sessions · {len(sessions)}"


async def test_statuses_and_fuzzy_dates_are_drawn_distinctly(pages: httpx.AsyncClient) -> None:
    root = parse((await get_page(pages, f"/processes/{SLUG}")).text)
    by_id = {m.get("data-event"): m for m in marks(root)}
    suspended = by_id[event_id("concluding-session")]
    assert "status-suspended" in suspended.get("class", "")
    assert [r.get("fill") for r in by_class(suspended, f"{SVG}rect", "overlay")] == ["url(#cross)"]
    zero = by_id[event_id("zero-draft")]
    assert "fuzzy" in zero.get("class", "").split()
    (bar,) = by_class(zero, f"{SVG}rect", "bar")
    assert bar.get("fill") == "url(#fade-document)"
    # An exact held session is solid, in its kind's colour.
    (solid,) = by_class(by_id[event_id("session-5")], f"{SVG}rect", "bar")
    assert solid.get("fill", "").startswith("#")


async def test_the_drawing_has_a_text_alternative(pages: httpx.AsyncClient) -> None:
    root = parse((await get_page(pages, f"/processes/{SLUG}?as_of=2023-06-30")).text)
    svg = root.find(f".//{SVG}svg[@id='chart']")
    assert svg is not None
    assert svg.get("role") == "img"
    labelled = svg.get("aria-labelledby", "").split()
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert [title.get("id"), desc.get("id")] == labelled
    assert title.text == "UN convention against cybercrime (Ad Hoc Committee): 2019–2024"
    assert (desc.text or "").startswith("9 sessions, 6 informals, 5 consultations")
    assert "today, 30 June 2023" in (desc.text or "")


async def test_as_of_replays_the_timeline_known_that_day(pages: httpx.AsyncClient) -> None:
    root = parse((await get_page(pages, f"/processes/{SLUG}?as_of=2023-06-30")).text)
    drawn = {m.get("data-event"): m for m in marks(root)}
    assert event_id("reconvened-session") not in drawn
    assert event_id("committee-approval") in drawn
    assert drawn[event_id("zero-draft")].get("data-status") == "held"
    assert drawn[event_id("session-6")].get("data-status") == "planned"
    assert drawn[event_id("concluding-session")].get("data-status") == "planned"
    known = await timeline_items(pages, SLUG, as_of="2023-06-30")
    assert [li.get("data-event") for li in listed(root)] == [e["id"] for e in known]
    (banner,) = by_class(root, f"{NS}p", "replay")
    assert "30 June 2023" in text_of(banner)
    # Links from a replay stay in the replay.
    link = root.find(f".//{NS}li[@id='event-{event_id('session-5')}']//{NS}h4/{NS}a")
    assert link is not None
    assert link.get("href", "").endswith("?as_of=2023-06-30")


async def test_filters_by_kind_and_tag_change_the_list_and_the_drawing(
    pages: httpx.AsyncClient,
) -> None:
    root = parse((await get_page(pages, f"/processes/{SLUG}?kind=session")).text)
    rows = listed(root)
    assert len(rows) == 11
    assert {li.get("data-kind") for li in rows} == {"session"}
    assert {m.get("data-kind") for m in marks(root)} == {"session"}
    box = root.find(f".//{NS}input[@name='kind'][@value='session']")
    assert box is not None and box.get("checked") is not None

    root = parse((await get_page(pages, f"/processes/{SLUG}?tag=informals")).text)
    assert {li.get("data-kind") for li in listed(root)} == {"informal"}
    assert len(listed(root)) == 6
    chosen = root.find(f".//{NS}option[@value='informals']")
    assert chosen is not None and chosen.get("selected") is not None

    # What the filter form sends when no tag is chosen.
    root = parse((await get_page(pages, f"/processes/{SLUG}?kind=session&tag=")).text)
    assert len(listed(root)) == 11

    both = f"/processes/{SLUG}?kind=document&kind=deadline&tag=adoption"
    root = parse((await get_page(pages, both)).text)
    assert [li.get("data-event") for li in listed(root)] == [event_id("adoption-deadline")]


async def test_the_range_control_zooms_to_a_year_and_a_month(
    pages: httpx.AsyncClient,
) -> None:
    root = parse((await get_page(pages, f"/processes/{SLUG}?zoom=2023")).text)
    assert text_of(by_class(root, f"{NS}span", "window-text")[0]) == "2023"
    current = [a for a in root.iter(f"{NS}a") if a.get("aria-current") == "page"]
    assert [a.text for a in current] == ["2023"]
    months = [a.text for a in by_class(root, f"{NS}ul", "months")[0].iter(f"{NS}a")]
    assert months[1:13] == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]
    rows = listed(root)
    in_2023 = await timeline_items(pages, SLUG, **{"from": "2023-01-01", "to": "2023-12-31"})
    assert [li.get("data-event") for li in rows] == [e["id"] for e in in_2023]

    root = parse((await get_page(pages, f"/processes/{SLUG}?zoom=2023-04")).text)
    assert text_of(by_class(root, f"{NS}span", "window-text")[0]) == "April 2023"
    drawn = {m.get("data-event") for m in marks(root, "session")}
    assert drawn == {event_id("session-5")}
    root = parse((await get_page(pages, f"/processes/{SLUG}?from=2024-01-15&to=2024-08-31")).text)
    drawn = {m.get("data-event") for m in marks(root, "session")}
    assert drawn == {event_id("concluding-session"), event_id("reconvened-session")}


async def test_subscribe_links_follow_the_filters(pages: httpx.AsyncClient) -> None:
    root = parse((await get_page(pages, f"/processes/{SLUG}?kind=session&tag=adoption")).text)
    links = {a.get("data-subscribe"): a.get("href") for a in root.iter(f"{NS}a")}
    api = f"//testserver/api/v1/processes/{SLUG}"
    assert links["webcal"] == f"webcal:{api}/calendar.ics?kind=session&tag=adoption"
    assert links["ics"] == f"http:{api}/calendar.ics?kind=session&tag=adoption"
    assert links["atom"] == f"http:{api}/changes.atom"
    alternate = root.find(f".//{NS}link[@type='application/atom+xml']")
    assert alternate is not None and alternate.get("href") == f"http:{api}/changes.atom"


async def test_deadline_markers_are_coloured_as_the_risks_endpoint_says(
    pages: httpx.AsyncClient,
) -> None:
    for as_of in ("2023-06-30", "2024-02-10"):
        risks = await pages.get(f"/api/v1/processes/{SLUG}/risks?as_of={as_of}")
        assert risks.status_code == 200, risks.text
        status = {d["event"]["id"]: d["status"] for d in risks.json()["deadlines"]}
        assert status
        root = parse((await get_page(pages, f"/processes/{SLUG}?as_of={as_of}")).text)
        for mark in marks(root, "deadline"):
            expected = status[mark.get("data-event", "")]
            assert mark.get("data-risk") == expected
            (diamond,) = by_class(mark, f"{SVG}path", "diamond")
            assert diamond.get("fill") == RISK_COLOURS[expected]
        badges = {
            li.get("data-event"): by_class(li, f"{NS}span", "badge-risk")[0].get("data-risk")
            for li in listed(root)
            if li.get("data-kind") == "deadline"
        }
        assert badges == status


async def test_the_event_list_writes_dates_as_people_do_with_sources(
    pages: httpx.AsyncClient,
) -> None:
    root = parse((await get_page(pages, f"/processes/{SLUG}")).text)
    rows = {li.get("data-event"): li for li in listed(root)}
    fifth = rows[event_id("session-5")]
    when = fifth.find(f".//{NS}time")
    assert when is not None
    assert (when.text, when.get("datetime")) == ("11–21 April 2023", "2023-04-11")
    assert rows[event_id("zero-draft")].find(f".//{NS}time").text == "June 2023"  # type: ignore[union-attr]
    deadline = rows[event_id("adoption-deadline")].find(f".//{NS}time")
    assert deadline is not None and deadline.text == "early January 2024"
    sources = [a.get("href") for a in by_class(fifth, f"{NS}p", "sources")[0].iter(f"{NS}a")]
    assert sources[0] == "https://www.unodc.org/unodc/en/cybercrime/ad_hoc_committee/home"
    title_link = fifth.find(f".//{NS}h4/{NS}a")
    assert title_link is not None
    assert title_link.get("href") == f"/processes/{SLUG}/events/{event_id('session-5')}"


async def test_the_event_page_shows_its_history_and_when_each_change_became_known(
    pages: httpx.AsyncClient,
) -> None:
    ident = event_id("committee-approval")
    root = parse((await get_page(pages, f"/processes/{SLUG}/events/{ident}")).text)
    (heading,) = root.iter(f"{NS}h1")
    assert heading.text == "The committee approves the draft convention"
    revisions = by_class(root, f"{NS}li", "revision")
    assert [r.get("data-version") for r in revisions] == ["4", "3", "2", "1"]
    known = [r.find(f".//{NS}time").get("datetime") for r in revisions]  # type: ignore[union-attr]
    assert known == ["2024-08-08", "2024-02-09", "2023-09-01", "2022-03-11"]
    postponed = {
        text_of(row[0]): (text_of(row[1]), text_of(row[2]))
        for row in revisions[1].iter(f"{NS}tr")
        if row[0].tag == f"{NS}th" and row[0].get("scope") == "row"
    }
    assert postponed["status"] == ("planned", "postponed")
    # The parent is named by its title, not its id.
    moved = {
        text_of(row[0]): text_of(row[2])
        for row in revisions[0].iter(f"{NS}tr")
        if row[0].get("scope") == "row"
    }
    assert moved["parent"] == "Reconvened concluding session"
    assert moved["date"] == "8 August 2024 (2024-08-08)"


async def test_the_event_page_replays_what_was_known_that_day(
    pages: httpx.AsyncClient,
) -> None:
    ident = event_id("committee-approval")
    url = f"/processes/{SLUG}/events/{ident}?as_of=2023-06-30"
    root = parse((await get_page(pages, url)).text)
    assert [r.get("data-version") for r in by_class(root, f"{NS}li", "revision")] == ["1"]
    (when,) = by_class(root, f"{NS}p", "big-when")
    assert text_of(when) == "January 2024"
    (banner,) = by_class(root, f"{NS}p", "replay")
    assert "3 later changes not shown" in text_of(banner)
    too_early = await pages.get(
        f"/processes/{SLUG}/events/{event_id('reconvened-session')}?as_of=2023-06-30"
    )
    assert too_early.status_code == 404


async def test_the_index_lists_processes_with_next_milestones_and_deadline_status(
    pages: httpx.AsyncClient,
) -> None:
    root = parse((await get_page(pages, "/?as_of=2023-06-30")).text)
    (card,) = by_class(root, f"{NS}li", "card")
    assert card.get("data-process") == SLUG
    sections = {s.get("aria-labelledby"): s for s in card.iter(f"{NS}section")}
    coming = [text_of(li.find(f"{NS}a")) for li in sections[f"next-{SLUG}"].iter(f"{NS}li")]  # type: ignore[arg-type]
    assert coming == [
        "Zero draft of the convention",
        "Sixth session",
        "Final draft adopted by early January 2024",
    ]
    risks = (await pages.get(f"/api/v1/processes/{SLUG}/risks?as_of=2023-06-30")).json()
    (deadline,) = sections[f"deadlines-{SLUG}"].iter(f"{NS}li")
    (badge,) = by_class(deadline, f"{NS}span", "badge-risk")
    assert deadline.get("data-event") == risks["deadlines"][0]["event"]["id"]
    assert badge.get("data-risk") == risks["deadlines"][0]["status"]
    # A glance at the whole process: one mark per event known then, in the sparkline.
    (spark,) = by_class(card, f"{SVG}svg", "spark")
    known = await timeline_items(pages, SLUG, as_of="2023-06-30")
    drawn = [e for e in spark.iter() if "spark-mark" in (e.get("class") or "")]
    # identical parallel events share one mark, which says how many it stands for
    assert sum(int(e.get("data-count", "1")) for e in drawn) == len(known)
    page_link = card.find(f"{NS}h2/{NS}a")
    assert page_link is not None and page_link.get("href") == f"/processes/{SLUG}?as_of=2023-06-30"


async def test_the_pages_are_in_the_openapi_document(pages: httpx.AsyncClient) -> None:
    schema = (await pages.get("/schema/openapi.json")).json()
    operations = {
        op["operationId"]: op
        for path in schema["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for name in ("pageIndex", "pageProcess", "pageEvent"):
        assert name in operations
    assert "404" in operations["pageProcess"]["responses"]


@pytest.mark.usefixtures("seeded")
async def test_the_index_keeps_each_process_to_its_own_events(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await new_process(app_client, admin_headers, "plastics", "Plastics treaty")
    await record(
        app_client, admin_headers, "plastics", kind="session", title="INC-5.3",
        date="2099-02-01/2099-02-05",
    )  # fmt: skip
    root = parse((await get_page(app_client, "/")).text)
    cards = {card.get("data-process"): card for card in by_class(root, f"{NS}li", "card")}
    assert sorted(cards) == [SLUG, "plastics"]
    plastics = cards["plastics"]
    assert text_of(by_class(plastics, f"{NS}p", "counts")[0]) == "1 event"
    (spark,) = by_class(plastics, f"{SVG}svg", "spark")
    assert len([e for e in spark.iter() if "spark-mark" in (e.get("class") or "")]) == 1
    coming = [text_of(a) for a in plastics.iter(f"{NS}a") if "/events/" in a.get("href", "")]
    assert coming == ["INC-5.3"]
    assert "INC-5.3" not in text_of(cards[SLUG])
    # Before anything was known, its page still renders, and says so.
    empty = parse((await get_page(app_client, "/processes/plastics?as_of=2000-01-01")).text)
    assert marks(empty) == []
    assert "No events in 2000" in text_of(by_class(empty, f"{NS}p", "empty")[0])


async def _set_status(
    client: httpx.AsyncClient, headers: dict[str, str], key: str, status: str
) -> None:
    url = f"/api/v1/processes/{SLUG}/events/{event_id(key)}"
    current = await client.get(url)
    patched = await client.patch(
        url, json={"status": status}, headers={**headers, "If-Match": current.headers["etag"]}
    )
    assert patched.status_code == 200, patched.text


@pytest.mark.usefixtures("seeded")
async def test_cancelled_and_postponed_events_are_struck_and_hatched(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await _set_status(app_client, admin_headers, "cosp-rules-session", "cancelled")
    await _set_status(app_client, admin_headers, "session-6", "postponed")
    await _set_status(app_client, admin_headers, "ga-adoption", "postponed")
    root = parse((await get_page(app_client, f"/processes/{SLUG}")).text)
    by_id = {m.get("data-event"): m for m in marks(root)}
    cancelled = by_id[event_id("cosp-rules-session")]
    assert "status-cancelled" in cancelled.get("class", "").split()
    assert len(by_class(cancelled, f"{SVG}line", "strike")) == 1
    postponed = by_id[event_id("session-6")]
    assert [r.get("fill") for r in by_class(postponed, f"{SVG}rect", "overlay")] == ["url(#hatch)"]
    point = by_id[event_id("ga-adoption")]
    assert [c.get("fill") for c in by_class(point, f"{SVG}circle", "overlay")] == ["url(#hatch)"]
    # The list says the same in words.
    rows = {li.get("data-event"): li for li in listed(root)}
    badge = by_class(rows[event_id("cosp-rules-session")], f"{NS}span", "badge-status")[0]
    assert badge.text == "cancelled"
