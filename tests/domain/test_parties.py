"""Dated group membership and stance precedence (a party's own stance over its groups')."""

from __future__ import annotations

from datetime import date

import pytest

from timeline.domain.errors import InvalidFields
from timeline.domain.parties import (
    ROLES,
    Group,
    Membership,
    members_on,
    resolve_stances,
    validate_stances,
)

BLOC = Group(
    key="bloc",
    name="A bloc",
    kind="negotiating_group",
    memberships=(
        Membership("AAA", date(2000, 1, 1)),
        Membership("BBB", date(2010, 6, 1), date(2020, 1, 31)),
        Membership("CCC"),  # current membership only: counts on every day
        Membership("DDD", date(2005, 1, 1), role="observer"),
    ),
)


@pytest.mark.parametrize(
    ("day", "members"),
    [
        (date(1999, 12, 31), {"CCC"}),
        (date(2000, 1, 1), {"AAA", "CCC"}),
        (date(2010, 6, 1), {"AAA", "BBB", "CCC"}),
        (date(2020, 1, 31), {"AAA", "BBB", "CCC"}),  # left is the last day included
        (date(2020, 2, 1), {"AAA", "CCC"}),
    ],
)
def test_members_on_a_day(day: date, members: set[str]) -> None:
    assert BLOC.members_on(day) == members
    assert members_on([BLOC], day) == {"bloc": frozenset(members)}


def test_observers_only_when_asked() -> None:
    day = date(2024, 1, 1)
    assert "DDD" not in BLOC.members_on(day)
    assert "DDD" in BLOC.members_on(day, roles=ROLES)
    assert BLOC.is_member("DDD", day, roles=ROLES)
    assert not BLOC.is_member("DDD", date(2004, 12, 31), roles=ROLES)


def test_a_party_stance_overrides_its_groups() -> None:
    groups = {"g1": {"AAA", "BBB", "CCC"}, "g2": {"CCC", "EEE"}}
    resolved = resolve_stances(
        ["AAA", "BBB", "CCC", "EEE", "FFF"],
        party_stances={"AAA": "oppose"},
        group_stances={"g1": "support", "g2": "oppose"},
        group_members=groups,
    )
    assert resolved["AAA"].stance == "oppose"
    assert resolved["AAA"].source == "party"
    assert resolved["BBB"].stance == "support"
    assert resolved["BBB"].holders == ("g1",)
    # CCC is in two groups that disagree: no stance, both named.
    assert resolved["CCC"].stance is None
    assert resolved["CCC"].source == "mixed"
    assert resolved["CCC"].holders == ("g1", "g2")
    assert resolved["EEE"].stance == "oppose"
    assert resolved["FFF"].to_json() == {
        "party": "FFF",
        "stance": None,
        "source": None,
        "holders": [],
    }


def test_groups_that_agree_give_one_stance() -> None:
    resolved = resolve_stances(
        ["AAA"], {}, {"g1": "support", "g2": "support"}, {"g1": {"AAA"}, "g2": {"AAA"}}
    )
    assert resolved["AAA"].stance == "support"
    assert resolved["AAA"].holders == ("g1", "g2")


def test_validate_stances_names_each_bad_field() -> None:
    with pytest.raises(InvalidFields) as caught:
        validate_stances({"AAA": "maybe", "ZZZ": "support"}, {"AAA"}, "party_stances")
    fields = [e.field for e in caught.value.errors]
    assert fields == ["party_stances.AAA", "party_stances.ZZZ"]
    validate_stances({"AAA": "undecided"}, {"AAA"}, "party_stances")
