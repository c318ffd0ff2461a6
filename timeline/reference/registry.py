"""Load the packaged party registry and groups (reference data shipped with timeline)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from timeline.domain.errors import NotFound
from timeline.domain.parties import PARTY_KINDS, ROLES, Group, Membership, Party

__all__ = ["Registry", "load_registry"]


@dataclass(frozen=True, slots=True)
class Registry:
    """Every known party and group, with the sources the data files cite."""

    parties: tuple[Party, ...]
    groups: tuple[Group, ...]
    sources: tuple[dict[str, str], ...]
    expected_counts: dict[str, int]

    @property
    def codes(self) -> frozenset[str]:
        """The codes of every party."""
        return frozenset(p.code for p in self.parties)

    def party(self, code: str) -> Party:
        """The party with `code`; NotFound when there is none."""
        for p in self.parties:
            if p.code == code:
                return p
        raise NotFound(f"no party with code {code!r}")

    def group(self, key: str) -> Group:
        """The group with `key`; NotFound when there is none."""
        for g in self.groups:
            if g.key == key:
                return g
        raise NotFound(f"no group with key {key!r}")

    def groups_on(self, day: date) -> dict[str, frozenset[str]]:
        """Each group's members on `day`, keyed by group key."""
        return {g.key: g.members_on(day) for g in self.groups}

    def groups_of(self, code: str, day: date) -> tuple[str, ...]:
        """The keys of the groups `code` belongs to (as a member) on `day`."""
        return tuple(g.key for g in self.groups if g.is_member(code, day))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _party(raw: dict[str, Any]) -> Party:
    if raw["kind"] not in PARTY_KINDS:
        raise ValueError(f"party {raw['code']}: unknown kind {raw['kind']!r}")
    return Party(
        code=raw["code"],
        name=raw["name"],
        kind=raw["kind"],
        regional_group=raw.get("regional_group"),
        also_participates_in=tuple(raw.get("also_participates_in", ())),
        note=raw.get("note"),
    )


def _group(raw: dict[str, Any], codes: frozenset[str]) -> Group:
    memberships = []
    for m in raw["members"]:
        # A data file naming an unknown party or role is a packaging bug: fail loudly.
        if m["party"] not in codes:
            raise ValueError(f"group {raw['key']}: unknown party {m['party']!r}")
        if m["role"] not in ROLES:
            raise ValueError(f"group {raw['key']}: unknown role {m['role']!r}")
        memberships.append(
            Membership(m["party"], _day(m["joined"]), _day(m["left"]), m["role"], m.get("note"))
        )
    return Group(
        key=raw["key"],
        name=raw["name"],
        kind=raw["kind"],
        memberships=tuple(memberships),
        sources=tuple(raw.get("sources", ())),
        notes=tuple(raw.get("notes", ())),
    )


def _read(name: str) -> Any:
    return json.loads(resources.files("timeline.reference").joinpath(name).read_text("utf-8"))


@cache
def load_registry() -> Registry:
    """The registry from the packaged `parties.json` and `groups.json` (read once, then cached).

    Raises ValueError when the files contradict each other (a group naming an unknown party).
    """
    parties_doc = _read("parties.json")
    parties = tuple(_party(p) for p in parties_doc["parties"])
    codes = frozenset(p.code for p in parties)
    groups = tuple(_group(g, codes) for g in _read("groups.json")["groups"])
    return Registry(
        parties=parties,
        groups=groups,
        sources=tuple(parties_doc["sources"]),
        expected_counts=dict(parties_doc["counts_for_electoral_purposes"]),
    )
