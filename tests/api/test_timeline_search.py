"""Searching a timeline: `q` over every text field, `location`, ranking, pages, replays, and
query parameters a route does not take."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests._reads import all_pages
from tests.api.conftest import record

AHC = "ahc-cybercrime"


async def _search(client: httpx.AsyncClient, slug: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of the search, in the order served."""
    return await all_pages(client, f"/api/v1/processes/{slug}/timeline", **params)


async def _patch(
    client: httpx.AsyncClient, headers: dict[str, str], event: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    current = (await client.get(event["links"]["self"])).json()
    response = await client.patch(
        event["links"]["self"],
        json=fields,
        headers={**headers, "If-Match": f'"event.{event["id"]}.{current["version"]}"'},
    )
    assert response.status_code == 200, response.text
    patched: dict[str, Any] = response.json()
    return patched


def _titles(items: list[dict[str, Any]]) -> list[str]:
    return [i["title"] for i in items]


async def test_q_finds_every_event_that_mentions_article_42_in_any_field(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    statement = {"url": "https://example.org/s", "quote": "We cannot accept ARTICLE 42 as is"}
    report = {"url": "https://example.org/r", "title": "Note on article 42"}
    for fields in (
        {"title": "Article 42 in plenary"},
        {"title": "Informals", "summary": "Article 42 is agreed."},
        {"title": "Statement", "sources": [statement]},
        {"title": "Report", "sources": [report]},
        {"title": "Tagged", "tags": ["article-42"]},
        {"title": "Article 41 only"},
        {"title": "Forty-two", "summary": "42 delegations"},
    ):
        await record(app_client, admin_headers, process, **fields)
    items = await _search(app_client, process, q="article 42")
    assert sorted(_titles(items)) == [
        "Article 42 in plenary",
        "Informals",
        "Report",
        "Statement",
        "Tagged",
    ]
    # the title weighs most: the event named after the article comes first
    assert items[0]["title"] == "Article 42 in plenary"


async def test_q_matches_any_case_and_word_starts(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record(app_client, admin_headers, process, title="Ratifications open", location="Hanoi")
    await record(app_client, admin_headers, process, title="Other")
    assert _titles(await _search(app_client, process, q="HANOI")) == ["Ratifications open"]
    assert _titles(await _search(app_client, process, q="ratif")) == ["Ratifications open"]
    assert await _search(app_client, process, q="hanoi other") == []


async def test_location_keeps_events_whose_location_contains_it(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record(
        app_client, admin_headers, process, title="A", location="Vienna International Centre"
    )
    await record(app_client, admin_headers, process, title="B", location="New York")
    await record(app_client, admin_headers, process, title="C", summary="Held near Vienna")
    await record(app_client, admin_headers, process, title="D")
    assert _titles(await _search(app_client, process, location="vienna")) == ["A"]
    assert sorted(_titles(await _search(app_client, process, q="vienna"))) == ["A", "C"]
    assert _titles(await _search(app_client, process, q="vienna", location="New")) == []


async def test_search_keeps_the_other_filters(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record(app_client, admin_headers, process, title="Plastics session", date="2023-05-01")
    await record(
        app_client, admin_headers, process, kind="document", title="Plastics draft", date="2023-06"
    )
    await record(app_client, admin_headers, process, title="Plastics later", date="2024-01-10")
    found = await _search(app_client, process, q="plastics", kind="session", to="2023-12-31")
    assert _titles(found) == ["Plastics session"]


async def test_search_pages_are_ranked_and_cover_each_match_once(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    for n in range(7):
        await record(
            app_client,
            admin_headers,
            process,
            title=f"Meeting {n}",
            summary=" ".join(["mercury"] * (n + 1)) + " and other words to weigh" * 3,
            date=f"2023-05-{n + 1:02d}",
        )
    await record(app_client, admin_headers, process, title="Unrelated")
    whole = (
        await app_client.get(f"/api/v1/processes/{process}/timeline", params={"q": "mercury"})
    ).json()["items"]
    paged = await _search(app_client, process, q="mercury", limit=3)
    assert [i["id"] for i in paged] == [i["id"] for i in whole]
    assert len({i["id"] for i in paged}) == 7
    # more mentions rank higher
    assert _titles(paged)[0] == "Meeting 6" and _titles(paged)[-1] == "Meeting 0"


async def test_a_replay_searches_the_words_known_that_day(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    moved = await record(
        app_client, admin_headers, process, title="Fourth session", location="Vienna",
        known_on="2023-01-10",
    )  # fmt: skip
    await _patch(app_client, admin_headers, moved, location="Hanoi", known_on="2023-03-01")
    gone = await record(
        app_client, admin_headers, process, title="Hanoi briefing", known_on="2023-01-12"
    )
    response = await app_client.delete(
        gone["links"]["self"],
        params={"known_on": "2023-04-01"},
        headers={**admin_headers, "If-Match": f'"event.{gone["id"]}.1"'},
    )
    assert response.status_code in (200, 204), response.text
    assert _titles(await _search(app_client, process, q="hanoi", as_of="2023-02-01")) == [
        "Hanoi briefing"
    ]
    assert sorted(_titles(await _search(app_client, process, q="hanoi", as_of="2023-03-15"))) == [
        "Fourth session",
        "Hanoi briefing",
    ]
    assert _titles(await _search(app_client, process, q="hanoi")) == ["Fourth session"]
    assert _titles(await _search(app_client, process, q="vienna", as_of="2023-02-01")) == [
        "Fourth session"
    ]
    assert await _search(app_client, process, q="vienna") == []
    assert _titles(await _search(app_client, process, location="vienna", as_of="2023-02-01")) == [
        "Fourth session"
    ]
    assert await _search(app_client, process, q="hanoi", as_of="2023-01-01") == []


async def test_demo_search_for_hanoi_and_vienna_returns_only_those_events(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    everything = await _search(app_client, AHC)
    hanoi = await _search(app_client, AHC, q="hanoi")
    assert hanoi and len(hanoi) < len(everything)
    for item in hanoi:
        text = " ".join(
            [item["title"], item["summary"] or "", item["location"] or "", *item["tags"]]
            + [f"{s.get('title') or ''} {s.get('quote') or ''}" for s in item["sources"]]
        )
        assert "hanoi" in text.casefold()
    vienna = await _search(app_client, AHC, location="Vienna")
    assert vienna and len(vienna) < len(everything)
    assert all("vienna" in (i["location"] or "").casefold() for i in vienna)
    assert len(vienna) == sum("vienna" in (i["location"] or "").casefold() for i in everything)
    # before the signing was announced, no event mentioned Hanoi
    assert await _search(app_client, AHC, q="hanoi", as_of="2022-01-01") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "  !? "}, "q"),
        ({"q": "word " * 21}, "q"),
        ({"location": "   "}, "location"),
        ({"q": "x", "cursor": "WyJ4Il0"}, "cursor"),
    ],
)
async def test_bad_search_input_is_a_422_naming_the_field(
    app_client: httpx.AsyncClient, process: str, params: dict[str, str], field: str
) -> None:
    response = await app_client.get(f"/api/v1/processes/{process}/timeline", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("path", ["/api/v1/processes/plastics/timeline", "/api/v1/upcoming"])
async def test_unknown_query_parameters_are_a_422_naming_each(
    app_client: httpx.AsyncClient, process: str, path: str
) -> None:
    response = await app_client.get(path, params={"search": "hanoi", "tags": "x", "limit": 5})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["search", "tags"]
    assert all("not a parameter" in e["message"] for e in response.json()["errors"])


@pytest.mark.parametrize("q", ["ǅemal", "x² ١٢", "a·b", "ﬁnal", "𝔘nicode", "AND OR NOT", "x*"])
async def test_unusual_words_are_searched_not_parsed_as_syntax(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str, q: str
) -> None:
    await record(app_client, admin_headers, process, title="Plain session")
    response = await app_client.get(f"/api/v1/processes/{process}/timeline", params={"q": q})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []
