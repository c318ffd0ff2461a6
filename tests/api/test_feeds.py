"""Change feeds, the digest and TimelineJS over HTTP: real consumers, headers, 304s, as_of."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import feedparser
import html5lib
import httpx
import pytest

from tests.api.conftest import assert_problem
from timeline.app import create_app
from timeline.seed import seed_event_id
from timeline.settings import Settings

AHC = "ahc-cybercrime"
API = "/api/v1"


async def _process(client: httpx.AsyncClient, headers: dict[str, str], slug: str) -> None:
    response = await client.post(
        f"{API}/processes", json={"slug": slug, "title": f"Process {slug}"}, headers=headers
    )
    assert response.status_code == 201, response.text


async def _event(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, **fields: object
) -> httpx.Response:
    body = {"kind": "session", "title": "Sixth session", "date": "2023-08-21/2023-09-01"}
    body.update(fields)
    response = await client.post(f"{API}/processes/{slug}/events", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


async def _json(client: httpx.AsyncClient, path: str, media_type: str) -> Any:
    """The JSON document at API `path`, which must be served as `media_type`."""
    response = await client.get(API + path)
    assert response.headers["content-type"] == media_type
    return json.loads(response.content)


def _atom(response: httpx.Response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


async def test_an_edit_adds_one_entry_and_earlier_entries_keep_their_ids(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await _process(app_client, admin_headers, "plastics")
    created = await _event(app_client, admin_headers, "plastics", status="planned")
    event_id = created.json()["id"]
    before = _atom(await app_client.get(f"{API}/processes/plastics/changes.atom"))
    assert [e.title for e in before.entries] == ["New: Sixth session"]

    patched = await app_client.patch(
        f"{API}/processes/plastics/events/{event_id}",
        json={"status": "suspended"},
        headers={**admin_headers, "If-Match": created.headers["etag"]},
    )
    assert patched.status_code == 200, patched.text
    after = _atom(await app_client.get(f"{API}/processes/plastics/changes.atom"))

    assert len(after.entries) == len(before.entries) + 1
    assert [e.id for e in after.entries[1:]] == [e.id for e in before.entries]
    assert after.entries[0].title == "Sixth session suspended"
    assert after.entries[0].id.endswith(f":plastics/{event_id}/2")
    assert after.entries[1].updated == before.entries[0].updated  # untouched by the edit

    deleted = await app_client.delete(
        f"{API}/processes/plastics/events/{event_id}",
        headers={**admin_headers, "If-Match": patched.headers["etag"]},
    )
    assert deleted.status_code == 204, deleted.text
    final = _atom(await app_client.get(f"{API}/processes/plastics/changes.atom"))
    assert [e.id for e in final.entries[1:]] == [e.id for e in after.entries]
    assert final.entries[0].title == "Sixth session deleted"
    assert final.entries[0].link.endswith(f"/events/{event_id}/history")


async def test_entries_are_dated_when_recorded_never_by_event_date_or_now(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await _process(app_client, admin_headers, "plastics")
    created = await _event(app_client, admin_headers, "plastics", date="2019-01-01")
    history = (
        await app_client.get(f"{API}/processes/plastics/events/{created.json()['id']}/history")
    ).json()
    recorded = history["items"][0]["recorded_at"]
    entry = _atom(await app_client.get(f"{API}/processes/plastics/changes.atom")).entries[0]
    assert _moment(entry.published) == _moment(entry.updated) == _moment(recorded)
    feed = json.loads((await app_client.get(f"{API}/processes/plastics/changes.json")).content)
    assert feed["items"][0]["date_published"].replace("Z", "+00:00") == recorded.replace(
        "Z", "+00:00"
    )
    # Reading again later gives the same bytes: nothing in the feed is "now".
    first = await app_client.get(f"{API}/processes/plastics/changes.atom")
    second = await app_client.get(f"{API}/processes/plastics/changes.atom")
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]


def _paths(**templates: str) -> Any:
    """`path` parameters, one a template (API path, `{slug}` for the seeded process), each
    named by its keyword."""
    return pytest.mark.parametrize(
        "path", [pytest.param(t, id=name.replace("_", "-")) for name, t in templates.items()]
    )


@pytest.fixture
def url(seeded: str, path: str) -> str:
    """The parametrized `path` template on the seeded process."""
    return API + path.format(slug=seeded)


@_paths(
    atom="/changes.atom",
    json_feed="/processes/{slug}/changes.json",
    digest="/digest?as_of=2024-02-15&format=html",
    timelinejs="/processes/{slug}/timelinejs.json",
)
async def test_feeds_answer_304_to_a_matching_etag(app_client: httpx.AsyncClient, url: str) -> None:
    first = await app_client.get(url)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    again = await app_client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304, url
    assert again.content == b""
    assert again.headers["etag"] == etag
    stale = await app_client.get(url, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200
    assert stale.content == first.content


async def test_as_of_hides_changes_known_later(app_client: httpx.AsyncClient, seeded: str) -> None:
    then = _atom(await app_client.get(f"{API}/processes/{seeded}/changes.atom?as_of=2023-06-30"))
    titles = [e.title for e in then.entries]
    assert "Zero draft of the convention released" in titles  # known on 2023-06-30
    assert "Concluding session suspended" not in titles  # known on 2024-02-09
    now = _atom(await app_client.get(f"{API}/processes/{seeded}/changes.atom?limit=500"))
    assert "Concluding session suspended" in [e.title for e in now.entries]
    concluding = seed_event_id(seeded, "concluding-session")
    moved = [e for e in now.entries if e.id.endswith(f"/{concluding}/2")]
    assert moved[0].title == (
        "Concluding session moved from January 2024 to 29 January – 9 February 2024"
    )


async def test_kind_tag_and_limit_filters(app_client: httpx.AsyncClient, seeded: str) -> None:
    docs = json.loads((await app_client.get(f"{API}/changes.json?kind=document&limit=500")).content)
    assert docs["items"] and all(i["tags"][0] == "document" for i in docs["items"])
    tagged = json.loads(
        (
            await app_client.get(
                f"{API}/processes/{seeded}/changes.json?tag=entry-into-force&tag=signature"
            )
        ).content
    )
    assert tagged["items"]
    assert all({"entry-into-force", "signature"} & set(i["tags"]) for i in tagged["items"])
    assert {"entry-into-force", "signature"} <= {t for i in tagged["items"] for t in i["tags"]}
    limited = _atom(await app_client.get(f"{API}/changes.atom?limit=3"))
    everything = _atom(await app_client.get(f"{API}/changes.atom?limit=500"))
    assert [e.id for e in limited.entries] == [e.id for e in everything.entries[:3]]


async def test_bad_parameters_are_problems_naming_the_field(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    for path, field in (
        (f"{API}/changes.atom?limit=501", "limit"),
        (f"{API}/changes.json?kind=party", "kind"),
        (f"{API}/digest?format=pdf", "format"),
        (f"{API}/digest?as_of=2023-06-30&since=2023-07-01", "since"),
        (f"{API}/processes/{seeded}/timelinejs.json?as_of=yesterday", "as_of"),
    ):
        response = await app_client.get(path)
        assert response.status_code == 422, path
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in response.json()["errors"]], response.json()


@_paths(
    atom="/processes/nope/changes.atom",
    json_feed="/processes/nope/changes.json",
    timelinejs="/processes/nope/timelinejs.json",
    digest_with_one_unknown="/digest?process={slug}&process=nope",
)
async def test_an_unknown_process_is_a_404_problem_naming_it(
    app_client: httpx.AsyncClient, url: str
) -> None:
    assert "nope" in assert_problem(await app_client.get(url), 404)["detail"]


async def test_json_feed_has_the_required_fields_and_content_type(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    path = f"/processes/{seeded}/changes.json?limit=5"
    feed = await _json(app_client, path, "application/feed+json")
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["items"]
    assert feed["feed_url"] == f"http://testserver{API}/processes/{seeded}/changes.json?limit=5"
    assert feed["home_page_url"] == f"http://testserver/processes/{seeded}"
    for item in feed["items"]:
        assert item["id"].startswith("tag:") and (item["content_html"] or item["content_text"])


@pytest.fixture
async def hostless_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app without TIMELINE_BASE_URL: links follow the request's Host."""
    app = create_app(Settings(database_url=database_url, base_url=None))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://one.example") as client:
        yield client
    await app.state.db.dispose()


async def test_ids_do_not_depend_on_the_host(
    hostless_client: httpx.AsyncClient, seeded: str
) -> None:
    one = _atom(await hostless_client.get(f"{API}/changes.atom"))
    two = _atom(
        await hostless_client.get(
            "http://two.example/api/v1/changes.atom", headers={"Host": "two.example"}
        )
    )
    assert [e.id for e in one.entries] == [e.id for e in two.entries]
    assert one.feed.id == two.feed.id
    assert one.entries[0].link.startswith("http://one.example/")
    assert two.entries[0].link.startswith("http://two.example/")


async def test_empty_feed_is_dated_by_the_process(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await _process(app_client, admin_headers, "empty")
    process = (await app_client.get(f"{API}/processes/empty")).json()
    feed = _atom(await app_client.get(f"{API}/processes/empty/changes.atom"))
    assert feed.entries == []
    assert _moment(feed.feed.updated) == _moment(process["created_at"])


async def test_digest_in_markdown_html_and_json(app_client: httpx.AsyncClient, seeded: str) -> None:
    query = f"as_of=2024-02-15&since=2024-01-01&days=180&process={seeded}"
    markdown = await app_client.get(f"{API}/digest?{query}")
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    text = markdown.text
    assert text.startswith("# Digest: UN convention against cybercrime")
    for heading in (
        "## Coming up",
        "## What changed since 1 January 2024",
        "## Deadlines",
        "## Entry into force",
    ):
        assert f"\n{heading}\n" in text
    assert "- 9 February 2024: Concluding session suspended" in text
    assert "29 July – 9 August 2024 · in 165 days · New York" in text

    html = await app_client.get(f"{API}/digest?{query}&format=html")
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    tree = parser.parse(html.content)
    assert not list(tree.iter("script"))
    body = "".join(tree.find("body").itertext())
    assert "Concluding session suspended" in body

    data = (await app_client.get(f"{API}/digest?{query}&format=json")).json()
    assert data["as_of"] == "2024-02-15" and data["since"] == "2024-01-01"
    assert data["deadlines"][0]["status"] == "missed"
    titles = [c["title"] for group in data["changes"] for c in group["changes"]]
    assert "Concluding session suspended" in titles
    assert "New: Zero draft of the convention" not in titles  # known before `since`
    assert [i["title"] for i in data["coming_up"]] == ["Reconvened concluding session"]


async def test_digest_default_window_and_as_of_replay(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    data = (await app_client.get(f"{API}/digest?as_of=2023-06-30&format=json")).json()
    assert data["since"] == "2023-06-16"  # as_of minus days (14)
    titles = [c["title"] for group in data["changes"] for c in group["changes"]]
    assert "Zero draft of the convention released" in titles
    assert all(c["known_on"] <= "2023-06-30" for g in data["changes"] for c in g["changes"])
    eif = data["entry_into_force"][0]
    assert eif["instruments"] is None  # no rule was adopted yet on that day
    assert {s["instruments"] for s in eif["scenarios"]} == {30, 50, 70}
    first = await app_client.get(f"{API}/digest?as_of=2023-06-30")
    second = await app_client.get(f"{API}/digest?as_of=2023-06-30")
    assert first.content == second.content


async def test_timelinejs_keeps_precision_and_groups_by_kind(
    app_client: httpx.AsyncClient, seeded: str
) -> None:
    path = f"/processes/{seeded}/timelinejs.json"
    document = await _json(app_client, path, "application/json")
    slides = {s["unique_id"]: s for s in document["events"]}
    zero = slides[seed_event_id(seeded, "zero-draft")]
    assert zero["start_date"] == {"year": 2023, "month": 6, "display_date": "June 2023"}
    assert "end_date" not in zero
    assert zero["group"] == "Documents"
    sixth = slides[seed_event_id(seeded, "session-6")]
    assert sixth["start_date"]["day"] == 21 and sixth["end_date"]["day"] == 1
    assert sixth["group"] == "Sessions"
    assert '<a href="https://www.unodc.org/' in sixth["text"]["text"]
    assert (
        document["title"]["text"]["headline"]
        == "UN convention against cybercrime (Ad Hoc Committee)"
    )
    replay = json.loads(
        (await app_client.get(f"{API}/processes/{seeded}/timelinejs.json?as_of=2023-06-30")).content
    )
    replayed = {s["unique_id"]: s for s in replay["events"]}
    assert seed_event_id(seeded, "ga-adoption") not in replayed
    assert seed_event_id(seeded, "ga-adoption") in slides
