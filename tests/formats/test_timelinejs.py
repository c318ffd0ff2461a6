"""TimelineJS output: dates at their true precision, groups by kind, sources as links."""

from __future__ import annotations

import json

import html5lib
import pytest

from tests.formats._records import state
from timeline.domain.dates import parse_date
from timeline.domain.model import ProcessInfo
from timeline.formats.timelinejs import date_objects, timelinejs

PROCESS = ProcessInfo(
    slug="ahc",
    title="AHC on cybercrime",
    description="The committee & its sessions.",
    url="https://www.unodc.org/ahc",
)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023-06", {"year": 2023, "month": 6}, None),
        ("2023-06~", {"year": 2023, "month": 6}, None),
        ("2023", {"year": 2023}, None),
        ("2023-21", {"year": 2023, "month": 3}, {"year": 2023, "month": 5}),
        ("2023-24", {"year": 2023, "month": 12}, {"year": 2024, "month": 2}),
        ("2023-04-11", {"year": 2023, "month": 4, "day": 11}, None),
        (
            "2023-08-21/2023-09-01",
            {"year": 2023, "month": 8, "day": 21},
            {"year": 2023, "month": 9, "day": 1},
        ),
        ("2023-06/2023-08", {"year": 2023, "month": 6}, {"year": 2023, "month": 8}),
        ("2024-01-XX", {"year": 2024, "month": 1}, None),
        (
            "2023-02-22T15:00-05:00/2023-02-22T18:00-05:00",
            {"year": 2023, "month": 2, "day": 22, "hour": 15, "minute": 0},
            {"year": 2023, "month": 2, "day": 22, "hour": 18, "minute": 0},
        ),
    ],
)
def test_date_objects_keep_the_precision_of_the_written_date(
    text: str, start: dict[str, int], end: dict[str, int] | None
) -> None:
    assert date_objects(parse_date(text)) == (start, end)


def _events() -> list:
    return [
        state(
            {"kind": "document", "title": "Zero draft", "date": "2023-06", "attributes": {}},
            ident="zd",
        ),
        state({}, ident="s6"),
        state(
            {
                "kind": "deadline",
                "title": "Final draft adopted by early January 2024",
                "date": "2024-01-01~/2024-01-10~",
                "depends_on": [{"event": "s6", "lag_days": 0}],
                "attributes": {},
                "sources": [],
                "location": None,
            },
            ident="dl",
        ),
    ]


def _document() -> dict:
    return json.loads(timelinejs(PROCESS, _events()))


def test_month_precision_slide_has_no_day_and_says_the_month() -> None:
    slide = _document()["events"][0]
    assert slide["start_date"] == {"year": 2023, "month": 6, "display_date": "June 2023"}
    assert "day" not in slide["start_date"]
    assert "end_date" not in slide
    assert slide["group"] == "Documents"
    assert slide["unique_id"] == "zd"


def test_slides_have_headline_text_group_and_source_links() -> None:
    document = _document()
    session = document["events"][1]
    assert session["text"]["headline"] == "Sixth session"
    assert session["group"] == "Sessions"
    assert session["end_date"]["day"] == 1 and session["end_date"]["month"] == 9
    fragment = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(
        session["text"]["text"]
    )
    links = [(a.get("href"), "".join(a.itertext())) for a in fragment.iter("a")]
    assert links == [("https://www.unodc.org/ahc", "UNODC <AHC> & co")]
    deadline = document["events"][2]
    assert deadline["group"] == "Deadlines"
    assert deadline["display_date"] == "early January 2024"


def test_title_slide_names_the_process() -> None:
    title = _document()["title"]["text"]
    assert title["headline"] == "AHC on cybercrime"
    assert "The committee &amp; its sessions." in title["text"]
    assert 'href="https://www.unodc.org/ahc"' in title["text"]


def test_every_slide_has_what_timelinejs_requires() -> None:
    for slide in _document()["events"]:
        assert isinstance(slide["start_date"]["year"], int)
        assert set(slide["start_date"]) <= {
            "year",
            "month",
            "day",
            "hour",
            "minute",
            "display_date",
        }
        assert slide["text"]["headline"]


def test_same_events_give_the_same_bytes() -> None:
    assert timelinejs(PROCESS, _events()) == timelinejs(PROCESS, _events())
