"""Position changes in the change feeds and the digest: "Egypt now opposes …", a placement
moved, a vote recorded, merged by time with the event changes, replayed with as_of, read by
feedparser; feeds without positions keep their bytes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import feedparser
import html5lib
import httpx

from tests._positions import PROPOSAL, record_positions
from tests.api.conftest import record

API = "/api/v1"


def _atom(response: httpx.Response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.text
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_atom_says_position_changes_in_words_merged_by_time_with_events(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    ids = await record_positions(app_client, admin_headers, process)
    feed = _atom(await app_client.get(f"{API}/processes/{process}/changes.atom"))
    titles = [e.title for e in feed.entries]
    assert sorted(titles) == sorted(
        [
            "Vote recorded: Vote on the scope: adopted (2 yes, 1 no, 0 abstain)",
            "New: Vote on the scope",
            "Russian Federation moved from +0.8 to +0.9 on Scope (narrow → wide)",
            "Russian Federation placed at +0.8 on Scope (narrow → wide)",
            f"The African Group now supports {PROPOSAL}",
            f"Egypt now opposes {PROPOSAL}",
            f"Egypt now supports {PROPOSAL}",
            f"New proposal: {PROPOSAL}",
        ]
    )
    # Newest public first (`public_moment`), one clock for both kinds of entry.
    moments = [_moment(e.updated) for e in feed.entries]
    assert moments == sorted(moments, reverse=True)
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    egypt = next(e for e in feed.entries if e.title == f"Egypt now opposes {PROPOSAL}")
    assert egypt.id.endswith(f":{process}/positions/stance/wide-scope/EGY/2")
    assert egypt.link.endswith(f"/processes/{process}#proposal-wide-scope")
    assert {t.term for t in egypt.tags} == {"position", "stance"}
    content = egypt.content[0].value
    assert "<del>support</del>" in content and "<ins>oppose</ins>" in content
    assert 'href="https://example.org/statement"' in content
    vote = next(e for e in feed.entries if e.title.startswith("Vote recorded:"))
    assert vote.link.endswith(f"/processes/{process}/events/{ids['vote']}")


async def test_json_feeds_carry_position_changes_globally_and_per_process_with_known_on(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record_positions(app_client, admin_headers, process)
    for path in (f"{API}/processes/{process}/changes.json", f"{API}/changes.json"):
        document = json.loads((await app_client.get(path)).content)
        egypt = [i for i in document["items"] if i["title"] == f"Egypt now opposes {PROPOSAL}"]
        assert len(egypt) == 1, path
        item = egypt[0]
        assert item["_timeline"]["known_on"] == "2023-07-10"
        assert item["_timeline"]["record"] == "stance"
        assert item["_timeline"]["fields"]["stance"] == ["support", "oppose"]
        assert "stance: support → oppose" in item["content_text"]
        assert item["tags"] == ["position", "stance"]


async def test_as_of_hides_position_changes_known_later(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record_positions(app_client, admin_headers, process)
    feed = _atom(
        await app_client.get(
            f"{API}/processes/{process}/changes.atom", params={"as_of": "2023-07-11"}
        )
    )
    assert sorted(e.title for e in feed.entries) == sorted(
        [
            "Russian Federation placed at +0.8 on Scope (narrow → wide)",
            f"Egypt now opposes {PROPOSAL}",
            f"Egypt now supports {PROPOSAL}",
            f"New proposal: {PROPOSAL}",
        ]
    )
    moments = [_moment(e.updated) for e in feed.entries]
    assert moments == sorted(moments, reverse=True)
    assert all(moment.date() <= dt.date(2023, 7, 11) for moment in moments)


async def test_event_feeds_keep_their_bytes_when_positions_are_recorded_elsewhere(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record(app_client, admin_headers, process, kind="session", title="S", date="2023-05")
    await app_client.post(
        f"{API}/processes", json={"slug": "other", "title": "Other"}, headers=admin_headers
    )
    await record(app_client, admin_headers, "other", kind="session", title="T", date="2023-06")
    paths = [
        f"{API}/processes/other/changes.atom",
        f"{API}/processes/other/changes.json",
        f"{API}/processes/{process}/changes.atom?kind=session",
        f"{API}/processes/{process}/changes.json?kind=session",
    ]
    before = [(await app_client.get(p)).content for p in paths]
    await record_positions(app_client, admin_headers, process)
    after = [(await app_client.get(p)).content for p in paths]
    assert after == before
    # The unfiltered feed of the process with positions did change.
    everything = _atom(await app_client.get(f"{API}/processes/{process}/changes.atom"))
    assert len(everything.entries) == 9


async def test_digest_lists_position_news_in_markdown_html_and_json(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record_positions(app_client, admin_headers, process)
    query: dict[str, Any] = {"process": process, "as_of": "2023-07-31", "since": "2023-07-01"}
    data = (await app_client.get(f"{API}/digest", params={**query, "format": "json"})).json()
    groups = [(g["title"], [c["title"] for c in g["changes"]]) for g in data["changes"]]
    assert groups == [
        (
            "Vote on the scope",
            ["Vote recorded: Vote on the scope: adopted (2 yes, 1 no, 0 abstain)"],
        ),
        (
            "Spectrum: Scope",
            ["Russian Federation moved from +0.8 to +0.9 on Scope (narrow → wide)"],
        ),
        (
            PROPOSAL,
            [f"Egypt now opposes {PROPOSAL}", f"The African Group now supports {PROPOSAL}"],
        ),
    ]
    stance = data["changes"][2]
    assert stance["position"] == "proposal" and stance["key"] == "wide-scope"
    assert stance["changes"][0]["known_on"] == "2023-07-10"
    assert stance["changes"][0]["fields"][0] == {
        "field": "stance",
        "label": "stance",
        "old": "support",
        "new": "oppose",
    }

    markdown = (await app_client.get(f"{API}/digest", params=query)).text
    assert f"- 10 July 2023: Egypt now opposes {PROPOSAL}\n  - stance: support → oppose" in (
        markdown
    )
    assert "Spectrum: Scope" in markdown

    html = await app_client.get(f"{API}/digest", params={**query, "format": "html"})
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html.content)
    body = "".join(tree.find("body").itertext())
    assert f"The African Group now supports {PROPOSAL}" in body
    assert "Vote recorded: Vote on the scope" in body

    earlier = (
        await app_client.get(
            f"{API}/digest",
            params={**query, "as_of": "2023-06-30", "since": "2023-06-01", "format": "json"},
        )
    ).json()
    earlier_titles = [c["title"] for g in earlier["changes"] for c in g["changes"]]
    assert f"Egypt now opposes {PROPOSAL}" not in earlier_titles
    assert f"Egypt now supports {PROPOSAL}" in earlier_titles
