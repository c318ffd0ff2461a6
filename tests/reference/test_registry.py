"""The packaged party registry and groups: counts from the cited sources, dated membership."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pycountry
import pytest

from timeline.domain.errors import NotFound
from timeline.domain.parties import REGIONAL_GROUPS, ROLES
from timeline.reference import load_registry

# Counts per regional group for electoral purposes, from the UN DGACM list and the Ask DAG
# special cases cited in parties.json: Türkiye counts with WEOG only, the United States with
# WEOG (as an observer), Kiribati with none.
EXPECTED = {
    "african": 54,
    "asia_pacific": 53,
    "eastern_european": 23,
    "latin_american_caribbean": 33,
    "weog": 29,
}


def test_every_un_member_state_once_plus_observers_and_the_eu() -> None:
    registry = load_registry()
    kinds = Counter(p.kind for p in registry.parties)
    assert kinds == {"member_state": 193, "observer_state": 2, "reio": 1}
    assert len(registry.codes) == len(registry.parties)
    observers = {p.code for p in registry.parties if p.kind == "observer_state"}
    assert observers == {"VAT", "PSE"}
    assert registry.party("EU").kind == "reio"


def test_state_codes_are_iso_3166_alpha_3() -> None:
    for party in load_registry().parties:
        if party.kind == "reio":
            continue
        assert pycountry.countries.get(alpha_3=party.code) is not None, party.code


def test_each_member_state_in_at_most_one_group_and_counts_match_the_source() -> None:
    registry = load_registry()
    states = [p for p in registry.parties if p.kind == "member_state"]
    counts = Counter(p.regional_group for p in states)
    assert {k: counts[k] for k in REGIONAL_GROUPS} == EXPECTED
    assert counts[None] == 1  # Kiribati
    assert set(counts) <= {*REGIONAL_GROUPS, None}
    assert registry.expected_counts == {**EXPECTED, "none": 1}


def test_documented_special_cases() -> None:
    registry = load_registry()
    assert registry.party("USA").regional_group == "weog"
    assert registry.party("ISR").regional_group == "weog"
    assert registry.party("KIR").regional_group is None
    turkiye = registry.party("TUR")
    assert turkiye.regional_group == "weog"
    assert turkiye.also_participates_in == ("asia_pacific",)
    weog = registry.group("weog")
    day = date(2024, 8, 8)
    assert "USA" not in weog.members_on(day)
    assert "USA" in weog.members_on(day, roles=ROLES)
    assert "TUR" in registry.group("asia_pacific").members_on(day)
    assert "KIR" not in {m for g in REGIONAL_GROUPS for m in registry.group(g).members_on(day)}


def test_regional_group_members_agree_with_the_party_field() -> None:
    registry = load_registry()
    day = date(2024, 1, 1)
    for key in REGIONAL_GROUPS:
        listed = registry.group(key).members_on(day) - {"TUR"}
        by_field = {
            p.code for p in registry.parties if p.regional_group == key and p.code != "USA"
        } - {"TUR"}
        assert listed == by_field, key


def test_every_group_cites_a_source() -> None:
    for group in load_registry().groups:
        assert group.sources, group.key
        assert all(s.get("url") or s.get("read_via") for s in group.sources), group.key


def test_eu_membership_by_date() -> None:
    eu = load_registry().group("eu")
    assert len(eu.members_on(date(1958, 1, 1)) - {"ESP", "PRT"}) == 6
    assert "GBR" not in eu.members_on(date(1972, 12, 31))
    assert "GBR" in eu.members_on(date(1973, 1, 1))
    assert "GBR" in eu.members_on(date(2020, 1, 31))  # the last day of membership
    assert "GBR" not in eu.members_on(date(2020, 2, 1))
    assert "HRV" not in eu.members_on(date(2013, 6, 30))
    assert "HRV" in eu.members_on(date(2013, 7, 1))
    assert len(eu.members_on(date(2024, 8, 8))) == 27
    assert len(eu.members_on(date(2019, 1, 1))) == 28


# The day the Convention came into force for a party: from the Council of Europe chart, or the
# Dutch treaty database where the chart was not readable (DEU, PHL, CIV, BEN, FJI, KIR).
BUDAPEST_IN_FORCE = {
    "HUN": date(2004, 7, 1),
    "FRA": date(2006, 5, 1),
    "ARM": date(2007, 2, 1),
    "DEU": date(2009, 7, 1),
    "PHL": date(2018, 7, 1),
    "BEN": date(2024, 10, 1),
    "FJI": date(2024, 10, 1),
    "KIR": date(2024, 10, 1),
    "CIV": date(2024, 11, 1),
}


@pytest.mark.parametrize(("party", "in_force"), sorted(BUDAPEST_IN_FORCE.items()))
def test_a_budapest_party_is_a_member_from_the_day_the_convention_binds_it(
    party: str, in_force: date
) -> None:
    budapest = load_registry().group("budapest")
    assert party not in budapest.members_on(in_force - timedelta(days=1))
    assert party in budapest.members_on(in_force)
    assert len(budapest.members_on(date(2024, 11, 1))) == 48
    assert len(budapest.members_on(date(2004, 7, 1))) == 5  # the Convention's first five


def test_other_blocs_have_their_sourced_sizes() -> None:
    registry = load_registry()
    day = date(2024, 8, 8)
    sizes = {key: len(registry.group(key).members_on(day)) for key in ("caricom", "arab_group")}
    assert sizes == {"caricom": 14, "arab_group": 22}
    assert len(registry.group("g77").members_on(day)) == 134
    assert registry.group("african_group").members_on(day) == registry.group("african").members_on(
        day
    )
    assert registry.groups_of("JAM", day) == ("latin_american_caribbean", "caricom", "g77")


def test_unknown_codes_are_not_found() -> None:
    registry = load_registry()
    with pytest.raises(NotFound):
        registry.party("XXX")
    with pytest.raises(NotFound):
        registry.group("nope")


def test_to_json_is_plain() -> None:
    registry = load_registry()
    data = registry.group("eu").to_json(as_of=date(2024, 8, 8))
    assert len(data["members"]) == 27
    assert data["as_of"] == "2024-08-08"
    gbr = next(m for m in registry.group("eu").to_json()["members"] if m["party"] == "GBR")
    assert gbr == {
        "party": "GBR",
        "joined": "1973-01-01",
        "left": "2020-01-31",
        "role": "member",
        "note": gbr["note"],
    }
    assert registry.party("KIR").to_json()["regional_group"] is None
