"""Parties, groups with dated membership, and which stance holds for a party on a day."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from timeline.domain.errors import FieldError, InvalidFields

__all__ = [
    "DECISIVE_STANCES",
    "PARTY_KINDS",
    "REGIONAL_GROUPS",
    "ROLES",
    "STANCES",
    "Group",
    "Membership",
    "Party",
    "PartyKind",
    "ResolvedStance",
    "Role",
    "Stance",
    "members_on",
    "resolve_stances",
    "validate_stances",
]

PartyKind = Literal["member_state", "observer_state", "reio"]
Role = Literal["member", "observer"]
Stance = Literal["support", "oppose", "abstain", "undecided"]

PARTY_KINDS: tuple[str, ...] = ("member_state", "observer_state", "reio")
ROLES: tuple[str, ...] = ("member", "observer")
STANCES: tuple[str, ...] = ("support", "oppose", "abstain", "undecided")
# "undecided" is a declaration, but not of a vote: it says nothing about yes or no.
DECISIVE_STANCES: tuple[str, ...] = ("support", "oppose", "abstain")
REGIONAL_GROUPS: tuple[str, ...] = (
    "african",
    "asia_pacific",
    "eastern_european",
    "latin_american_caribbean",
    "weog",
)


@dataclass(frozen=True, slots=True)
class Party:
    """A state or organization that can take a position: a stable code, a name, a kind.

    `regional_group` is the UN regional group the party counts in for electoral (voting)
    purposes, or None (Kiribati, the observer States, the EU).
    """

    code: str
    name: str
    kind: PartyKind
    regional_group: str | None = None
    also_participates_in: tuple[str, ...] = ()
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A plain dict for the API."""
        return {**asdict(self), "also_participates_in": list(self.also_participates_in)}


@dataclass(frozen=True, slots=True)
class Membership:
    """One party's membership of a group: from `joined` to `left`, both days included.

    `joined` None means the membership is known to hold now but its first day is not
    recorded (the source gives current membership only): it counts on every day up to `left`.
    """

    party: str
    joined: date | None = None
    left: date | None = None
    role: Role = "member"
    note: str | None = None

    def active_on(self, day: date) -> bool:
        """Whether the party belongs to the group on `day`."""
        if self.joined is not None and day < self.joined:
            return False
        return self.left is None or day <= self.left

    def to_json(self) -> dict[str, Any]:
        """A plain dict for the API (dates as ISO strings)."""
        return {
            "party": self.party,
            "joined": self.joined.isoformat() if self.joined else None,
            "left": self.left.isoformat() if self.left else None,
            "role": self.role,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Group:
    """A named set of parties whose membership changes over time (a bloc, a treaty's parties)."""

    key: str
    name: str
    kind: str
    memberships: tuple[Membership, ...]
    sources: tuple[Mapping[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    _by_party: Mapping[str, tuple[Membership, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        index: dict[str, list[Membership]] = {}
        for m in self.memberships:
            index.setdefault(m.party, []).append(m)
        object.__setattr__(self, "_by_party", {k: tuple(v) for k, v in index.items()})

    def members_on(self, day: date, roles: Collection[str] = ("member",)) -> frozenset[str]:
        """The codes of the parties in the group on `day`, with one of `roles` (members only
        by default; pass `ROLES` to include observers)."""
        return frozenset(m.party for m in self.memberships if m.role in roles and m.active_on(day))

    def is_member(self, party: str, day: date, roles: Collection[str] = ("member",)) -> bool:
        """Whether `party` is in the group on `day` with one of `roles`."""
        return any(m.role in roles and m.active_on(day) for m in self._by_party.get(party, ()))

    def to_json(self, as_of: date | None = None) -> dict[str, Any]:
        """A plain dict for the API: every membership, or only those active on `as_of`."""
        shown = [m for m in self.memberships if as_of is None or m.active_on(as_of)]
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "as_of": as_of.isoformat() if as_of else None,
            "members": [m.to_json() for m in shown],
            "sources": [dict(s) for s in self.sources],
            "notes": list(self.notes),
        }


def members_on(groups: Iterable[Group], day: date) -> dict[str, frozenset[str]]:
    """Each group's members (role member) on `day`, keyed by group key."""
    return {g.key: g.members_on(day) for g in groups}


@dataclass(frozen=True, slots=True)
class ResolvedStance:
    """The stance that holds for one party: its own, else its groups' when they agree.

    `source` is "party" (its own), "group" (every group of it that declared agrees), "mixed"
    (its groups declared different stances: stance is None) or None (nobody declared).
    `holders` names who holds the stance: the party itself or the group keys.
    """

    party: str
    stance: Stance | None
    source: Literal["party", "group", "mixed"] | None
    holders: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A plain dict for the API."""
        return {
            "party": self.party,
            "stance": self.stance,
            "source": self.source,
            "holders": list(self.holders),
        }


def validate_stances(stances: Mapping[str, str], known: Collection[str], field_name: str) -> None:
    """Raise InvalidFields naming `field_name.KEY` for every unknown key or stance value."""
    errors: list[FieldError] = []
    for key, value in stances.items():
        if key not in known:
            errors.append(FieldError(f"{field_name}.{key}", f"unknown code {key!r}"))
        if value not in STANCES:
            errors.append(
                FieldError(f"{field_name}.{key}", f"stance must be one of {', '.join(STANCES)}")
            )
    if errors:
        raise InvalidFields(errors)


def resolve_stances(
    parties: Iterable[str],
    party_stances: Mapping[str, Stance],
    group_stances: Mapping[str, Stance],
    group_members: Mapping[str, Collection[str]],
) -> dict[str, ResolvedStance]:
    """Which stance holds for each party: a party's own stance overrides its groups'.

    `group_members` gives each group's members on the day in question (see `members_on`).
    A party without its own stance takes the stance of the groups it belongs to that declared
    one; when those groups disagree the result is "mixed" with no stance.
    """
    result: dict[str, ResolvedStance] = {}
    for code in sorted(set(parties)):
        own = party_stances.get(code)
        if own is not None:
            result[code] = ResolvedStance(code, own, "party", (code,))
            continue
        held = sorted(
            (key, stance)
            for key, stance in group_stances.items()
            if code in group_members.get(key, ())
        )
        if not held:
            result[code] = ResolvedStance(code, None, None)
            continue
        distinct = {stance for _, stance in held}
        holders = tuple(key for key, _ in held)
        if len(distinct) == 1:
            result[code] = ResolvedStance(code, held[0][1], "group", holders)
        else:
            result[code] = ResolvedStance(code, None, "mixed", holders)
    return result
