"""The parties service: the packaged registry of parties and groups, the groups editors add to
a process, and who belongs to which group on a day (both kinds together)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from sqlmodel.ext.asyncio.session import AsyncSession

from timeline.domain.errors import FieldError, InvalidFields
from timeline.domain.parties import Group, Membership, Party
from timeline.domain.writes import WriteStamp
from timeline.reference import Registry, load_registry
from timeline.store import positions as store
from timeline.store.db import Database
from timeline.store.processes import get_process
from timeline.store.tables import Process

__all__ = [
    "HolderKind",
    "create_process_group",
    "group_from_record",
    "holder_kind",
    "list_parties",
    "list_process_groups",
    "members_on",
    "process_groups",
    "read_party",
    "read_process_group",
    "read_registry_group",
    "registry",
]

HolderKind = str
""""party" or "group": what kind of holder a stance or placement names."""


def registry() -> Registry:
    """The packaged registry (read once per process)."""
    return load_registry()


def list_parties() -> dict[str, Any]:
    """Every party with the registry's sources and its counts per regional group."""
    reg = registry()
    return {
        "parties": [p.to_json() for p in reg.parties],
        "sources": [dict(s) for s in reg.sources],
        "counts_for_electoral_purposes": dict(reg.expected_counts),
    }


def read_party(code: str) -> Party:
    """The party with `code`; NotFound when there is none."""
    return registry().party(code)


def read_registry_group(key: str) -> Group:
    """The registry group with `key`; NotFound when there is none."""
    return registry().group(key)


def group_from_record(document: Mapping[str, Any]) -> Group:
    """The domain group a stored process group describes."""
    return Group(
        key=str(document["key"]),
        name=str(document["name"]),
        kind="process",
        memberships=tuple(
            Membership(
                m["party"],
                dt.date.fromisoformat(m["joined"]) if m.get("joined") else None,
                dt.date.fromisoformat(m["left"]) if m.get("left") else None,
            )
            for m in document.get("members", ())
        ),
        sources=tuple(document.get("sources", ())),
        notes=tuple(document.get("notes", ())),
    )


def _check_group(document: Mapping[str, Any]) -> None:
    reg = registry()
    errors: list[FieldError] = []
    if document["key"] in {g.key for g in reg.groups}:
        errors.append(FieldError("key", f"{document['key']!r} is a registry group"))
    seen: set[str] = set()
    for i, member in enumerate(document.get("members", ())):
        party = member.get("party")
        if party not in reg.codes:
            errors.append(FieldError(f"members.{i}.party", f"unknown party code {party!r}"))
        joined, left = member.get("joined"), member.get("left")
        if joined and left and left < joined:
            errors.append(FieldError(f"members.{i}.left", "is before joined"))
        if party in seen:
            errors.append(FieldError(f"members.{i}.party", f"{party} is listed twice"))
        seen.add(str(party))
    if errors:
        raise InvalidFields(errors)


async def create_process_group(
    db: Database,
    slug: str,
    document: dict[str, Any],
    **stamp: Unpack[WriteStamp],
) -> tuple[Group, store.RecordState]:
    """Store a new group of process `slug`; InvalidFields naming unknown members, Conflict
    when the key is taken."""
    _check_group(document)
    async with db.write() as session:
        process = await get_process(session, slug)
        state, _ = await store.put_record(
            session, process, "group", document["key"], document, create=True, **stamp
        )
    return group_from_record(state.document), state


async def process_groups(
    session: AsyncSession, process: Process, as_of: dt.date | None
) -> list[Group]:
    """The process's own groups, as known on `as_of` (now when None)."""
    documents = await store.replay_documents(session, process, "group", as_of=as_of)
    return [group_from_record(d) for d in documents.values()]


async def read_process_group(
    db: Database, slug: str, key: str, as_of: dt.date | None
) -> tuple[Group, store.RecordState]:
    """One group of process `slug` as known on `as_of`; NotFound when unknown then."""
    async with db.read() as session:
        process = await get_process(session, slug)
        state = await store.get_record(session, process, "group", key, as_of=as_of)
    return group_from_record(state.document), state


async def list_process_groups(db: Database, slug: str, as_of: dt.date | None) -> list[Group]:
    """The groups of process `slug`, as known on `as_of`."""
    async with db.read() as session:
        process = await get_process(session, slug)
        return await process_groups(session, process, as_of)


def members_on(groups: Sequence[Group], day: dt.date) -> dict[str, frozenset[str]]:
    """Each group's members on `day`: the registry's groups and the given process groups."""
    members = registry().groups_on(day)
    for group in groups:
        members[group.key] = group.members_on(day)
    return members


def holder_kind(holder: str, groups: Sequence[Group]) -> HolderKind:
    """ "party" for a party code, "group" for a registry or process group key; InvalidFields
    naming `holder` otherwise."""
    reg = registry()
    if holder in reg.codes:
        return "party"
    if holder in {g.key for g in reg.groups} or holder in {g.key for g in groups}:
        return "group"
    raise InvalidFields.one("holder", f"unknown party code or group key {holder!r}")
