"""Any event the API accepts leaves every read of every process answering 200 (issue #19).

Hypothesis stores random valid events in one process (dates anywhere in the supported years,
in every form the API takes; any legal text), then every page, feed and analysis of that
process, of another process and of all processes together must still answer 200.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests._writes import new_process, record
from tests.robustness.reads import failing_reads
from timeline.domain.dates import FIRST_YEAR, LAST_YEAR
from timeline.domain.vocabulary import STATUSES
from timeline.domain.votes import VOTE_RULES

# Every character the text rule allows: any plane, tab and newline, but no other control,
# no surrogate and neither U+FFFE nor U+FFFF; and the characters formats escape, often.
_CHARACTERS = st.one_of(
    st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\ufffe\uffff"),
    st.sampled_from("\t\n<>&\"';,:\\#*_[]()!`~|-+=^%é–第🙂\u2028\u00a0"),
)


def _text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(_CHARACTERS, min_size=1, max_size=max_size).filter(lambda t: t.strip() != "")


_YEARS = st.integers(min_value=FIRST_YEAR, max_value=LAST_YEAR)
_INNER_YEARS = st.integers(min_value=FIRST_YEAR + 1, max_value=LAST_YEAR - 1)


@st.composite
def _day(draw: st.DrawFn, years: st.SearchStrategy[int] = _YEARS) -> str:
    year, month = draw(years), draw(st.integers(1, 12))
    return f"{year:04d}-{month:02d}-{draw(st.integers(1, 28)):02d}"


@st.composite
def _date(draw: st.DrawFn) -> str:
    """A written date the API accepts, anywhere in the supported years."""
    form = draw(st.sampled_from(["day", "month", "year", "season", "range", "timed", "decade"]))
    qualifier = draw(st.sampled_from(["", "", "~", "?", "%"]))
    if form == "day":
        return draw(_day()) + qualifier
    if form == "month":
        return f"{draw(_YEARS):04d}-{draw(st.integers(1, 12)):02d}{qualifier}"
    if form == "year":
        return f"{draw(_YEARS):04d}{qualifier}"
    if form == "season":  # a winter ends in the next year: its year is at most the last but one
        season = draw(st.integers(21, 24))
        year = draw(st.integers(FIRST_YEAR, LAST_YEAR - (season == 24)))
        return f"{year:04d}-{season}"  # EDTF level 1 qualifies no season
    if form == "range":
        first, last = sorted([draw(_day()), draw(_day())])
        return f"{first}/{last}"
    if form == "decade":
        return f"{draw(st.integers(FIRST_YEAR // 10, LAST_YEAR // 10)):03d}X"
    start = draw(_day(_INNER_YEARS))  # any offset keeps the UTC day inside the years
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    offset = draw(st.sampled_from(["+00:00", "-05:00", "+14:00", "-12:00", "+05:30"]))
    return f"{start}T{hour:02d}:{minute:02d}{offset}"


_KINDS = ["session", "informal", "consultation", "document", "milestone", "note", "vote_point"]


@st.composite
def _event(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from([*_KINDS, "signature", "eif_threshold"]))
    event: dict[str, Any] = {
        "kind": kind,
        "title": draw(_text(300)),
        "date": draw(_date()),
        "status": draw(st.sampled_from(STATUSES)),
        "location": draw(st.none() | _text(300)),
        "summary": draw(st.none() | _text(2000)),
        "tags": draw(st.lists(_text(64).filter(lambda t: "," not in t), max_size=3)),
        "sources": [{"url": "https://example.org/a?b=c&d=<e>", "title": draw(_text(500))}],
    }
    if kind == "signature":
        event["attributes"] = {"party": draw(_text(100))}
    elif kind == "eif_threshold":
        event["attributes"] = {"instruments": draw(st.integers(1, 200))}
    elif kind == "vote_point":
        rule = draw(st.sampled_from(VOTE_RULES))
        event["attributes"] = {"rule": rule, "yes": 3, "no": draw(st.integers(0, 9))}
    return event


@pytest.fixture
async def processes(app_client: httpx.AsyncClient, admin_headers: dict[str, str]) -> str:
    for slug in ("fuzz", "other"):
        await new_process(app_client, admin_headers, slug, slug.title())
    await record(app_client, admin_headers, "other", title="Plain", date="2024-05-01/2024-05-03")
    return "fuzz"


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=st.lists(_event(), min_size=1, max_size=3))
async def test_any_valid_events_leave_every_read_of_every_process_answering(
    app_client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    processes: str,
    events: list[dict[str, Any]],
) -> None:
    # Events accumulate over the examples: later reads carry every earlier one too.
    created = []
    for event in events:
        r = await app_client.post(
            f"/api/v1/processes/{processes}/events", json=event, headers=admin_headers
        )
        assert r.status_code == 201, (event, r.text)
        assert r.json()["title"] == event["title"].strip()
        created.append(r.json()["id"])
    assert await failing_reads(app_client, processes, created[-1]) == []
    assert await failing_reads(app_client, "other") == []
