"""The exact vote forecast: hand-computed cases, exactness, monotonicity, determinism."""

from __future__ import annotations

import json
from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.domain.errors import InvalidFields
from timeline.domain.forecast import forecast
from timeline.domain.votes import outcome

TWO_THIRDS = "two_thirds_present_voting"
MAJORITY = "simple_majority_present_voting"


def test_hand_computed_three_parties() -> None:
    # A supports, B opposes, C is undeclared with no group: the neutral prior gives C
    # yes 1/3, no 1/3, abstain 1/6, absent 1/6. Two-thirds passes only if C votes yes
    # (2 yes, 1 no: 3*2 >= 2*3); 1 yes 2 no and 1 yes 1 no both fail. So p_pass = 1/3.
    result = forecast(TWO_THIRDS, ["A", "B", "C"], {"A": "support", "B": "oppose"})
    assert result.p_pass == pytest.approx(1 / 3, abs=1e-12)
    assert result.expected["yes"] == pytest.approx(4 / 3)
    assert result.expected["no"] == pytest.approx(4 / 3)
    assert result.expected["abstain"] == pytest.approx(1 / 6)
    assert result.expected["absent"] == pytest.approx(1 / 6)
    assert result.required_yes == 2  # expected turnout 8/3 rounds to 3 voting
    assert result.declared == {"support": 1, "oppose": 1, "abstain": 0, "undecided": 0}
    assert result.undeclared == ("C",)
    # Swing: C decides it alone (1 - 0); B voting yes makes it pass whatever C does
    # (1 - 1/3); A voting no makes it fail whatever C does (1/3 - 0).
    swings = [(s.party, round(s.swing, 12)) for s in result.swing]
    assert swings == [("C", 1.0), ("B", round(2 / 3, 12)), ("A", round(1 / 3, 12))]


def test_hand_computed_group_cohesion_simple_majority() -> None:
    # Group G = {A, B, C} declared support and A, its only member with its own stance,
    # supports too: G's cohesion is all yes (stance counted twice + A once). B and C get
    # prior (1, 1, .5, .5) + 4 * (1, 0, 0, 0) = yes 5/7, no 1/7, not voting 1/7. D has the
    # prior: 1/3 each of yes, no, not voting. A's yes is certain, so the proposal fails only
    # when the others' yes-minus-no is <= -1:
    #   D no (1/3): B+C <= 0, i.e. not (yes,yes) 25/49 nor one yes one abstaining 10/49: 14/49
    #   D not voting (1/3): B+C <= -1: (no,no) 1/49, one no one abstaining 2/49: 3/49
    #   D yes (1/3): B+C <= -2: (no,no) 1/49
    # fail = (14 + 3 + 1) / 147 = 6/49, so p_pass = 43/49.
    result = forecast(
        MAJORITY,
        ["A", "B", "C", "D"],
        {"A": "support"},
        {"G": "support"},
        {"G": {"A", "B", "C"}},
    )
    assert result.p_pass == pytest.approx(43 / 49, abs=1e-12)
    assert result.via_groups == {"support": 2}
    assert result.expected["yes"] == pytest.approx(1 + 10 / 7 + 1 / 3)


def _brute_force(rule: str, votes: dict[str, str]) -> float:
    yes = sum(v == "support" for v in votes.values())
    no = sum(v == "oppose" for v in votes.values())
    return 1.0 if outcome(rule, yes, no) == "adopted" else 0.0


@given(
    st.lists(st.sampled_from(["support", "oppose", "abstain"]), min_size=0, max_size=40),
    st.sampled_from([TWO_THIRDS, MAJORITY]),
)
def test_all_declared_is_exactly_zero_or_one_by_the_rule(stances: list[str], rule: str) -> None:
    parties = [f"P{i:02d}" for i in range(len(stances))]
    votes = dict(zip(parties, stances, strict=True))
    result = forecast(rule, parties, votes)
    assert result.p_pass in (0.0, 1.0)
    assert result.p_pass == _brute_force(rule, votes)
    assert result.undeclared == ()


def test_simple_majority_but_not_two_thirds() -> None:
    votes = {f"Y{i}": "support" for i in range(11)} | {f"N{i}": "oppose" for i in range(9)}
    assert forecast(MAJORITY, sorted(votes), votes).p_pass == 1.0
    assert forecast(TWO_THIRDS, sorted(votes), votes).p_pass == 0.0
    abstaining = {f"A{i}": "abstain" for i in range(50)}
    both = votes | abstaining
    # Abstentions do not count as votes: 11 yes, 9 no still fails two-thirds.
    assert forecast(TWO_THIRDS, sorted(both), both).p_pass == 0.0


def test_nobody_voting_does_not_pass() -> None:
    votes = {"A": "abstain", "B": "abstain"}
    assert forecast(TWO_THIRDS, ["A", "B"], votes).p_pass == 0.0
    assert forecast(MAJORITY, ["A", "B"], votes).p_pass == 0.0


STANCE_OR_NONE = st.sampled_from(["support", "oppose", "abstain", "undecided", None])
# Moves that take a party toward support: oppose < abstain < support, and dropping an
# opposing declaration (to undecided or none) or adopting support from anything.
MOVES = [
    ("oppose", "abstain"),
    ("oppose", "support"),
    ("abstain", "support"),
    ("undecided", "support"),
    (None, "support"),
    ("oppose", "undecided"),
    ("oppose", None),
]


@settings(max_examples=150, deadline=None)
@given(
    stances=st.lists(STANCE_OR_NONE, min_size=1, max_size=8),
    members=st.lists(st.booleans(), min_size=8, max_size=8),
    group_stance=st.sampled_from(["support", "oppose", "abstain", "undecided"]),
    votes=st.lists(st.sampled_from(["yes", "no", "abstain", "absent"]), max_size=3),
    move=st.sampled_from(MOVES),
    who=st.integers(0, 7),
    rule=st.sampled_from([TWO_THIRDS, MAJORITY]),
)
def test_moving_a_party_toward_support_never_lowers_p_pass(
    stances: list[str | None],
    members: list[bool],
    group_stance: str,
    votes: list[str],
    move: tuple[str | None, str | None],
    who: int,
    rule: str,
) -> None:
    parties = [f"P{i}" for i in range(len(stances))]
    who %= len(parties)
    before_stances = dict(zip(parties, stances, strict=True))
    before_stances[parties[who]] = move[0]
    after_stances = dict(before_stances)
    after_stances[parties[who]] = move[1]
    group = {"G": {p for p, inside in zip(parties, members, strict=False) if inside}}
    recorded = {parties[0]: votes}

    def p(stance_map: dict[str, str | None]) -> float:
        declared = {k: v for k, v in stance_map.items() if v is not None}
        return forecast(rule, parties, declared, {"G": group_stance}, group, recorded).p_pass

    assert p(after_stances) >= p(before_stances) - 1e-12


def test_same_inputs_same_bytes_whatever_the_order() -> None:
    parties = [f"P{i:03d}" for i in range(193)]
    stances = {p: ("support" if i % 3 else "oppose") for i, p in enumerate(parties[:60])}
    groups = {"G1": set(parties[50:120]), "G2": set(parties[100:193])}
    first = forecast(TWO_THIRDS, parties, stances, {"G1": "support", "G2": "oppose"}, groups)
    again = forecast(
        TWO_THIRDS, list(reversed(parties)), stances, {"G2": "oppose", "G1": "support"}, groups
    )
    assert json.dumps(first.to_json(), sort_keys=True) == json.dumps(
        again.to_json(), sort_keys=True
    )
    assert 0.0 <= first.p_pass <= 1.0
    assert len(first.swing) == 10
    ranked = sorted(first.swing, key=lambda s: (-round(s.swing, 12), s.party))
    assert first.swing == tuple(ranked)


def test_matches_enumeration_on_a_small_undeclared_case() -> None:
    # Four undeclared parties, two with recorded votes: compare with enumerating 4^4 rolls.
    recorded = {"A": ["yes", "yes"], "B": ["no"]}
    result = forecast(TWO_THIRDS, ["A", "B", "C", "D"], {}, recorded_votes=recorded)
    prior = [Fraction(1), Fraction(1), Fraction(1, 2), Fraction(1, 2)]

    def dist(votes: list[str]) -> list[Fraction]:
        counts = list(prior)
        for v in votes:
            counts[["yes", "no", "abstain", "absent"].index(v)] += 2
        total = sum(counts)
        return [c / total for c in counts]

    dists = [dist(recorded.get(p, [])) for p in "ABCD"]
    expected = Fraction(0)
    for roll in product(range(4), repeat=4):
        prob = Fraction(1)
        for d, o in zip(dists, roll, strict=True):
            prob *= d[o]
        yes, no = roll.count(0), roll.count(1)
        if outcome(TWO_THIRDS, yes, no) == "adopted":
            expected += prob
    assert result.p_pass == pytest.approx(float(expected), abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rule": "consensus"}, "rule"),
        ({"party_stances": {"A": "maybe"}}, "party_stances.A"),
        ({"group_stances": {"G": "yes"}}, "group_stances.G"),
        ({"recorded_votes": {"A": ["yes", "present"]}}, "recorded_votes.A.1"),
        ({"parties": ["A", "A"]}, "parties"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"rule": TWO_THIRDS, "parties": ["A", "B"], "party_stances": {}}
    args.update(kwargs)
    with pytest.raises(InvalidFields) as caught:
        forecast(**args)  # type: ignore[arg-type]
    assert [e.field for e in caught.value.errors] == [field]


def test_to_json_is_plain_and_has_a_method_note() -> None:
    data = forecast(TWO_THIRDS, ["A", "B"], {"A": "support"}).to_json()
    assert set(data) == {
        "rule",
        "p_pass",
        "expected",
        "expected_voting",
        "required_yes",
        "declared",
        "via_groups",
        "undeclared",
        "swing",
        "method",
    }
    assert "no sampling" in data["method"]
    json.dumps(data)


@pytest.mark.parametrize("rule", [TWO_THIRDS, MAJORITY])
def test_declared_and_undeclared_parties_match_enumeration_with_every_swing(rule: str) -> None:
    # Declared parties vote as declared; the undeclared vote by the neutral prior. Compare the
    # chance and each party's swing with enumerating every roll of the undeclared parties.
    declared = {"D1": "support", "D2": "oppose", "D3": "abstain", "D4": "support"}
    parties = ["D1", "D2", "D3", "D4", "U1", "U2", "U3"]
    result = forecast(rule, parties, declared)
    prior = [Fraction(1, 3), Fraction(1, 3), Fraction(1, 6), Fraction(1, 6)]
    cast = {"support": 0, "oppose": 1, "abstain": 2}

    def chance(fixed: dict[str, int]) -> Fraction:
        free = [p for p in parties if p not in declared and p not in fixed]
        total = Fraction(0)
        for roll in product(range(4), repeat=len(free)):
            votes = [cast[s] for s in declared.values() if s in cast]
            votes += [o for p, o in fixed.items() if p not in declared] + list(roll)
            prob = Fraction(1)
            for o in roll:
                prob *= prior[o]
            if outcome(rule, votes.count(0), votes.count(1)) == "adopted":
                total += prob
        return total

    assert result.p_pass == pytest.approx(float(chance({})), abs=1e-12)
    swings = {s.party: s for s in result.swing}
    assert set(swings) == set(parties)
    for party in parties:
        saved = declared.pop(party, None)
        if_yes, if_no = chance({party: 0}), chance({party: 1})
        if saved is not None:
            declared[party] = saved
        assert swings[party].p_pass_if_yes == pytest.approx(float(if_yes), abs=1e-12)
        assert swings[party].p_pass_if_no == pytest.approx(float(if_no), abs=1e-12)
