"""The process page's positions view: the two-axis map with every placement as a labelled
point, no two labels overlapping, and each proposal's bar of declared stances against the
line, all replayed with as_of; a process without positions shows no section."""

from __future__ import annotations

import html5lib
import httpx
import pytest

from tests._positions import FIGURE_ONE, figure_one, record_positions
from tests.api.conftest import process as process  # the fixture: a fresh process
from timeline.services.position_pages import chance_words
from timeline.services.positions import eligible_parties
from timeline.web.positions_map import label_box, layout_map, overlaps, stance_bar

SVG = "{http://www.w3.org/2000/svg}"
MAP_POINTS = f".//{SVG}svg[@class='map']/{SVG}g[@data-holder]"
BAR = f".//li[@id='proposal-wide-scope']/{SVG}svg"


def _tree(response: httpx.Response) -> object:
    assert response.status_code == 200, response.text
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(response.content)


async def test_the_map_labels_every_placement_and_replays_as_of(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record_positions(app_client, admin_headers, process)
    await figure_one(app_client, admin_headers, process)
    page = await app_client.get(f"/processes/{process}")
    tree = _tree(page)
    points = tree.findall(MAP_POINTS)  # type: ignore[attr-defined]
    assert sorted(p.get("data-holder") for p in points) == sorted(FIGURE_ONE)
    labels = {p.get("data-holder"): "".join(p.find(f"{SVG}text").itertext()) for p in points}
    assert labels["RUS"] == "Russian Federation" and labels["african_group"] == "African Group"
    assert 'id="proposal-wide-scope"' in page.text
    assert "← narrow" in page.text and "strong" in page.text

    # Before 30 June 2023 only RUS was placed, and only on the scope axis.
    then = await app_client.get(f"/processes/{process}", params={"as_of": "2023-06-05"})
    old = _tree(then).findall(MAP_POINTS)  # type: ignore[attr-defined]
    assert old == []
    assert "Placed on one axis only: RUS" in then.text


async def test_the_bar_counts_declared_stances_of_member_states_against_the_line(
    app_client: httpx.AsyncClient, admin_headers: dict[str, str], process: str
) -> None:
    await record_positions(app_client, admin_headers, process)
    view = (
        await app_client.get(
            f"/api/v1/processes/{process}/proposals/wide-scope", params={"as_of": "2023-07-31"}
        )
    ).json()
    forecast = (
        await app_client.get(
            f"/api/v1/processes/{process}/proposals/wide-scope/forecast",
            params={"as_of": "2023-07-31"},
        )
    ).json()
    page = await app_client.get(f"/processes/{process}", params={"as_of": "2023-07-31"})
    tree = _tree(page)
    bar = tree.find(BAR)  # type: ignore[attr-defined]
    widths = {r.get("class"): int(r.get("width")) for r in bar.findall(f"{SVG}rect")}
    voting = set(eligible_parties())
    supporters = [p for p in view["parties"] if p["stance"] == "support" and p["party"] in voting]
    assert widths["seg-support"] == len(supporters) > 40  # the African Group, Egypt aside
    assert widths["seg-oppose"] == 1  # Egypt's own stance overrides its group's
    assert sum(widths.values()) == len(voting) == 193
    line = bar.find(f"{SVG}line")
    assert int(line.get("x1")) == forecast["required_yes"]
    assert f"{chance_words(forecast['p_pass'])} chance to pass" in page.text

    early = await app_client.get(f"/processes/{process}", params={"as_of": "2023-06-05"})
    early_bar = _tree(early).find(BAR)  # type: ignore[attr-defined]
    assert {r.get("class"): int(r.get("width")) for r in early_bar.findall(f"{SVG}rect")} == {
        "seg-support": 1,
        "seg-none": 192,
    }


async def test_a_process_without_positions_has_no_positions_section(
    app_client: httpx.AsyncClient, process: str
) -> None:
    page = await app_client.get(f"/processes/{process}")
    assert page.status_code == 200
    assert 'id="positions"' not in page.text and "positions.css" not in page.text


def test_labels_never_overlap_each_other_or_a_dot_in_a_tight_cluster() -> None:
    axes = [
        {"key": "scope", "name": "Scope", "low": "narrow", "high": "wide"},
        {"key": "safeguards", "name": "Safeguards", "low": "weak", "high": "strong"},
    ]
    placements = [
        {"axis": axis, "holder": h, "holder_kind": "party", "value": v}
        for h, (x, y) in FIGURE_ONE.items()
        for axis, v in (("scope", x), ("safeguards", y))
    ]
    names = {h: f"{h} long name" for h in FIGURE_ONE}
    drawn = layout_map(axes, placements, names)
    assert drawn is not None and len(drawn.points) == len(FIGURE_ONE)
    boxes = [label_box(p.label_x, p.label_y, p.label, p.anchor) for p in drawn.points]
    dots = [(p.cx - 5, p.cy - 5, p.cx + 5, p.cy + 5) for p in drawn.points]
    for i, box in enumerate(boxes):
        assert box[0] >= 0 and box[2] <= drawn.width
        assert not any(overlaps(box, other) for other in boxes[i + 1 :])
        assert not any(overlaps(box, dot) for dot in dots)


@pytest.mark.parametrize(("required", "line"), [(None, 129), (100, 100)])
def test_the_line_is_the_forecast_threshold_else_two_thirds_of_all(
    required: int | None, line: int
) -> None:
    bar = stance_bar({"support": 50, "oppose": 20, "undecided": 3}, 193, required)
    assert bar.needed == line and bar.needed_if_all_vote == 129
    assert [(s, n) for s, _, n in bar.segments] == [
        ("support", 50),
        ("abstain", 0),
        ("undecided", 3),
        ("none", 120),
        ("oppose", 20),
    ]


def test_chances_are_never_rounded_to_certainty() -> None:
    assert [chance_words(p) for p in (0.0, 0.001, 0.34, 0.999, 1.0)] == [
        "0%",
        "under 1%",
        "34%",
        "over 99%",
        "100%",
    ]
