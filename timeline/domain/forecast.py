"""Would a proposal pass if put to a vote on a day: an exact forecast from declared stances.

Each eligible party gets a distribution over four outcomes (yes, no, abstain, absent):

- a party that declared support, oppose or abstain votes that way (probability one);
- any other party (undeclared, or declared "undecided") starts from a neutral prior, a
  Dirichlet with pseudo-counts yes 1, no 1, abstain 0.5, absent 0.5 (yes and no equally
  likely, one chance in three of not voting), and adds evidence:
  - for each group it belongs to on the day that declared support, oppose or abstain, the
    group's declared cohesion with weight GROUP_WEIGHT: the share of each outcome among the
    group's own stance (counted GROUP_STANCE_WEIGHT times) and the stances its members
    declared themselves (one each); "undecided" and mixed groups add nothing;
  - each of its recorded votes in the same process with weight VOTE_WEIGHT.

Abstentions and absences do not vote. Under two-thirds of those present and voting a proposal
passes when 3·yes >= 2·(yes + no) with at least one vote, i.e. S = yes - 2·no >= 0; under a
simple majority when S = yes - no >= 1. S is a sum of independent per-party scores, so its
distribution is an exact discrete convolution (no sampling); the same inputs give the same
output, and when every party declared a vote the distribution is a single point, so `p_pass`
is exactly 0.0 or 1.0. `p_pass` is linear in each party's distribution and a yes never scores
below an abstention or absence, nor those below a no, so moving a party toward support never
lowers it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from timeline.domain.errors import FieldError, InvalidFields
from timeline.domain.parties import DECISIVE_STANCES, STANCES
from timeline.domain.votes import VOTE_CASTS, required_yes

__all__ = [
    "FORECAST_RULES",
    "GROUP_STANCE_WEIGHT",
    "GROUP_WEIGHT",
    "PRIOR",
    "VOTE_WEIGHT",
    "Forecast",
    "Swing",
    "forecast",
]

FORECAST_RULES: tuple[str, ...] = ("two_thirds_present_voting", "simple_majority_present_voting")
OUTCOMES: tuple[str, ...] = ("yes", "no", "abstain", "absent")
PRIOR: tuple[float, float, float, float] = (1.0, 1.0, 0.5, 0.5)
GROUP_WEIGHT = 4.0
GROUP_STANCE_WEIGHT = 2.0
VOTE_WEIGHT = 2.0
_STANCE_OUTCOME = {"support": 0, "oppose": 1, "abstain": 2}
# Score of (yes, no) and the pass threshold on the summed score, per rule.
_SCORES = {"two_thirds_present_voting": (1, -2, 0), "simple_majority_present_voting": (1, -1, 1)}
_ROUND = 12  # digits kept in to_json: stable bytes, far below any meaningful difference

Vector = npt.NDArray[np.float64]

METHOD = (
    "Exact convolution over parties, no sampling. Declared support/oppose/abstain counts as "
    "declared (probability one). Every other party starts from a neutral Dirichlet prior "
    "(yes 1, no 1, abstain 0.5, absent 0.5) plus its groups' declared cohesion (weight "
    f"{GROUP_WEIGHT:g} per group: the group's stance counted {GROUP_STANCE_WEIGHT:g} times and "
    "its members' own stances once each) and its recorded votes in the process (weight "
    f"{VOTE_WEIGHT:g} each). Abstentions and absences do not count as voting; expected counts "
    "are sums of each party's probabilities; required_yes is computed at the expected turnout "
    "rounded to the nearest whole vote."
)


@dataclass(frozen=True, slots=True)
class Swing:
    """How much one party's stance moves `p_pass`: passing if it votes yes minus if it votes no."""

    party: str
    swing: float
    p_pass_if_yes: float
    p_pass_if_no: float

    def to_json(self) -> dict[str, Any]:
        """A plain dict for the API."""
        chances = {k: round(v, _ROUND) for k, v in asdict(self).items() if k != "party"}
        return {"party": self.party, **chances}


@dataclass(frozen=True, slots=True)
class Forecast:
    """The answer to "would it pass on that day?" with what it rests on."""

    rule: str
    p_pass: float
    expected: dict[str, float]
    expected_voting: float
    required_yes: int | None
    declared: dict[str, int]
    via_groups: dict[str, int]
    undeclared: tuple[str, ...]
    swing: tuple[Swing, ...]
    method: str = METHOD

    def to_json(self) -> dict[str, Any]:
        """A plain dict for the API; floats rounded so the same inputs give the same bytes."""
        return {
            "rule": self.rule,
            "p_pass": round(self.p_pass, _ROUND),
            "expected": {k: round(v, _ROUND) for k, v in self.expected.items()},
            "expected_voting": round(self.expected_voting, _ROUND),
            "required_yes": self.required_yes,
            "declared": dict(self.declared),
            "via_groups": dict(self.via_groups),
            "undeclared": list(self.undeclared),
            "swing": [s.to_json() for s in self.swing],
            "method": self.method,
        }


def _check(
    rule: str,
    parties: Sequence[str],
    party_stances: Mapping[str, str],
    group_stances: Mapping[str, str],
    recorded_votes: Mapping[str, Sequence[str]],
) -> None:
    errors: list[FieldError] = []
    if rule not in FORECAST_RULES:
        errors.append(
            FieldError(
                "rule",
                f"must be one of {', '.join(FORECAST_RULES)}"
                " (consensus is not decided by a count: forecast the vote it falls back to)",
            )
        )
    if len(set(parties)) != len(parties):
        errors.append(FieldError("parties", "a party is listed twice"))
    for name, stances in (("party_stances", party_stances), ("group_stances", group_stances)):
        errors.extend(
            FieldError(f"{name}.{key}", f"stance must be one of {', '.join(STANCES)}")
            for key, value in stances.items()
            if value not in STANCES
        )
    for party, votes in recorded_votes.items():
        errors.extend(
            FieldError(f"recorded_votes.{party}.{i}", f"must be one of {', '.join(VOTE_CASTS)}")
            for i, vote in enumerate(votes)
            if vote not in VOTE_CASTS
        )
    if errors:
        raise InvalidFields(errors)


def _cohesion(
    stance: str, members: Collection[str], party_stances: Mapping[str, str]
) -> Vector | None:
    """The outcome shares of a group that declared `stance`: None when it says nothing."""
    if stance not in DECISIVE_STANCES:
        return None
    counts = np.zeros(4)
    counts[_STANCE_OUTCOME[stance]] += GROUP_STANCE_WEIGHT
    for member in members:
        own = party_stances.get(member)
        if own in _STANCE_OUTCOME:
            counts[_STANCE_OUTCOME[own]] += 1.0
    shares: Vector = counts / counts.sum()
    return shares


def _distributions(
    parties: Sequence[str],
    party_stances: Mapping[str, str],
    group_stances: Mapping[str, str],
    group_members: Mapping[str, Collection[str]],
    recorded_votes: Mapping[str, Sequence[str]],
) -> tuple[Vector, dict[str, int]]:
    """Each party's (yes, no, abstain, absent) probabilities, and counts of groups' stances
    reaching undeclared parties."""
    eligible = set(parties)
    cohesion: dict[str, Vector] = {}
    for key in sorted(group_stances):
        members = [m for m in group_members.get(key, ()) if m in eligible]
        shares = _cohesion(group_stances[key], members, party_stances)
        if shares is not None:
            cohesion[key] = shares
    groups_of: dict[str, list[str]] = {}
    for key in cohesion:
        for member in group_members.get(key, ()):
            groups_of.setdefault(member, []).append(key)
    via: dict[str, int] = {}
    rows = np.empty((len(parties), 4))
    for i, code in enumerate(parties):
        own = party_stances.get(code)
        if own in _STANCE_OUTCOME:
            rows[i] = 0.0
            rows[i, _STANCE_OUTCOME[own]] = 1.0
            continue
        counts = np.array(PRIOR)
        keys = groups_of.get(code, [])
        for key in keys:
            counts += GROUP_WEIGHT * cohesion[key]
        for vote in recorded_votes.get(code, ()):
            counts[VOTE_CASTS.index(vote)] += VOTE_WEIGHT
        rows[i] = counts / counts.sum()
        if keys:
            stances = {group_stances[k] for k in keys}
            label = stances.pop() if len(stances) == 1 else "mixed"
            via[label] = via.get(label, 0) + 1
    return rows, via


def _convolve(
    dist: Vector, p_yes: float, p_no: float, p_other: float, y: int, n: int, out: Vector
) -> None:
    # out[s] = p_other·dist[s] + p_yes·dist[s - y] + p_no·dist[s - n]   (n < 0 < y)
    out[:] = p_other * dist
    out[y:] += p_yes * dist[:-y]
    out[:n] += p_no * dist[-n:]


def _score_distributions(
    p_yes: Vector, p_no: Vector, p_other: Vector, y: int, n: int
) -> tuple[Vector, Vector, Vector, int, int]:
    """The distribution of the parties' summed score (yes scores y, no n, else 0), with the
    prefix and suffix distributions the swings need, the lowest score and the array size."""
    m = len(p_yes)
    low = n * m  # the lowest possible score; index 0 of every distribution
    size = (y - n) * m + 1
    # prefix[k]: distribution of the score of the first k parties; suffix[k]: of parties k..m-1.
    prefix = np.zeros((m + 1, size))
    suffix = np.zeros((m + 2, size))
    prefix[0, -low] = 1.0
    suffix[m, -low] = 1.0
    zero = -low  # index of score 0
    for k in range(m):
        # Only scores reachable by k + 1 parties can be non-zero: work on that window alone.
        a, b = zero + n * (k + 1), zero + y * (k + 1) + 1
        _convolve(prefix[k, a:b], p_yes[k], p_no[k], p_other[k], y, n, prefix[k + 1, a:b])
    for k in range(m - 1, -1, -1):
        a, b = zero + n * (m - k), zero + y * (m - k) + 1
        _convolve(suffix[k + 1, a:b], p_yes[k], p_no[k], p_other[k], y, n, suffix[k, a:b])
    return prefix[m], prefix, suffix, low, size


def _tail(distribution: Vector, index: int) -> float:
    """P(score >= the score at `index`) of `distribution` (index below 0: every score)."""
    return float(distribution[max(index, 0) :].sum())


def forecast(
    rule: str,
    parties: Sequence[str],
    party_stances: Mapping[str, str],
    group_stances: Mapping[str, str] | None = None,
    group_members: Mapping[str, Collection[str]] | None = None,
    recorded_votes: Mapping[str, Sequence[str]] | None = None,
    swing_limit: int = 10,
) -> Forecast:
    """Forecast a vote under `rule` among `parties` (those eligible on the day).

    `party_stances` and `group_stances` map codes and group keys to support, oppose, abstain or
    undecided (a party's own stance overrides its groups'); `group_members` gives each group's
    members on the day; `recorded_votes` each party's earlier votes in the same process (yes,
    no, abstain, absent). Stances of parties not in `parties` are ignored. Bad values raise
    InvalidFields naming the field. The swing list holds the `swing_limit` parties whose vote
    moves `p_pass` most, largest first, ties by code.
    """
    group_stances = group_stances or {}
    group_members = group_members or {}
    recorded_votes = recorded_votes or {}
    _check(rule, parties, party_stances, group_stances, recorded_votes)
    order = sorted(parties)  # a fixed order: the same inputs give the same floating sums
    rows, via = _distributions(order, party_stances, group_stances, group_members, recorded_votes)
    y, n, threshold = _SCORES[rule]
    p_yes, p_no = rows[:, 0], rows[:, 1]
    p_other = rows[:, 2] + rows[:, 3]
    # A party whose vote is certain (a declared stance) moves every score by the same amount:
    # a shift, not a convolution. Only the uncertain parties are convolved, which is most of
    # the cost once stances are declared; the shift is added to their scores afterwards.
    certain = rows.max(axis=1) == 1.0
    shift = int(y * np.count_nonzero(certain & (p_yes == 1.0)))
    shift += int(n * np.count_nonzero(certain & (p_no == 1.0)))
    uncertain = [k for k in range(len(order)) if not certain[k]]
    final, prefix, suffix, low, size = _score_distributions(
        p_yes[uncertain], p_no[uncertain], p_other[uncertain], y, n
    )
    p_pass = _tail(final, threshold - shift - low)
    if threshold <= 0:
        # Nobody voting scores 0 but is no decision: take out the chance that all abstain/absent.
        p_pass -= float(np.prod(p_other))
    p_pass = min(1.0, max(0.0, p_pass))
    undecided = [order[k] for k in uncertain]
    swings = _swings(undecided, prefix, suffix, y, n, threshold - shift, low, size)
    for k in np.flatnonzero(certain):
        # The others' score is the uncertain parties' plus the shift without this party's part.
        part = y if p_yes[k] == 1.0 else n if p_no[k] == 1.0 else 0
        rest = threshold - (shift - part) - low
        if_yes = min(1.0, max(0.0, _tail(final, rest - y)))
        if_no = min(1.0, max(0.0, _tail(final, rest - n)))
        swings.append(Swing(order[k], if_yes - if_no, if_yes, if_no))
    ranked = sorted(swings, key=lambda s: (-round(s.swing, _ROUND), s.party))[:swing_limit]
    expected = {name: float(rows[:, i].sum()) for i, name in enumerate(OUTCOMES)}
    voting = expected["yes"] + expected["no"]
    turnout = int(np.floor(voting + 0.5))
    declared = {s: 0 for s in STANCES}
    for code in order:
        own = party_stances.get(code)
        if own is not None:
            declared[own] += 1
    return Forecast(
        rule=rule,
        p_pass=p_pass,
        expected=expected,
        expected_voting=voting,
        required_yes=required_yes(rule, turnout, 0),
        declared=declared,
        via_groups=dict(sorted(via.items())),
        undeclared=tuple(c for c in order if c not in party_stances),
        swing=tuple(ranked),
    )


def _swings(
    order: Sequence[str],
    prefix: Vector,
    suffix: Vector,
    y: int,
    n: int,
    threshold: int,
    low: int,
    size: int,
) -> list[Swing]:
    """p_pass if each party votes yes and if it votes no, from the other parties' scores.

    The others' score T = A + B (A: parties before, B: parties after). Passing needs
    T >= threshold - y if the party votes yes, T >= threshold - n if no; a yes or no vote means
    someone voted, so the nobody-voting case never arises. P(T >= t) for all parties at once:
    for each value a of A, P(B >= t - a) is a suffix tail sum, so P(T >= t) is one dot product.
    """
    m = len(order)
    if m == 0:
        return []
    before = prefix[:m]  # row k: parties 0..k-1
    after = suffix[1 : m + 1]  # row k: parties k+1..m-1
    # tails[k, j] = P(B_k >= j + low), with a zero column past the end.
    tails = np.zeros((m, size + 1))
    tails[:, :size] = np.cumsum(after[:, ::-1], axis=1)[:, ::-1]
    a_values = np.arange(size) + low

    def p_at_least(t: int) -> Vector:
        # index of t - a in the B layout, clipped: below 0 means every B qualifies.
        idx = t - a_values - low
        col = np.clip(idx, 0, size)
        return np.asarray((before * tails[:, col]).sum(axis=1), dtype=np.float64)

    if_yes = np.clip(p_at_least(threshold - y), 0.0, 1.0)
    if_no = np.clip(p_at_least(threshold - n), 0.0, 1.0)
    return [
        Swing(code, float(if_yes[k] - if_no[k]), float(if_yes[k]), float(if_no[k]))
        for k, code in enumerate(order)
    ]
