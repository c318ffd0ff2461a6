"""What an imported history must keep to be read back: the revision rules of the API.

A bundle's revisions are replayed by every reader (feeds, `as_of` pages, item histories), so
each revision is held to what the API would have written: field diffs shaped `{name: [old,
new]}` with values the API's own models accept, item snapshots the item model accepts, no
day known in the future or before the record was first known. Every error names the record
and the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import ValidationError

from timeline.domain.errors import FieldError
from timeline.domain.events import DOCUMENT_FIELDS
from timeline.domain.items import ITEM_STATUSES
from timeline.domain.text import text_problem
from timeline.schemas import EventPatch, ItemCreate

__all__ = ["check_event_fields", "check_item_revisions", "check_known_days", "pydantic_errors"]

_ITEM_FIELDS = ("key", "title", "chapter", "status")
_STATUS_MESSAGE = f"must be one of {', '.join(ITEM_STATUSES)}"


class _Revision(Protocol):
    known_on: dt.date
    fields: dict[str, Any]
    snapshot: dict[str, Any]


def pydantic_errors(error: ValidationError, where: str) -> list[FieldError]:
    """Each error of a pydantic validation, its field named under `where`."""
    found = []
    for e in error.errors():
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])
        found.append(FieldError(f"{where}{path}", e["msg"]))
    return found


def check_known_days(
    revisions: Sequence[_Revision], where: str, today: dt.date
) -> list[FieldError]:
    """Every revision known on or before `today` (as the API allows), and none known before
    the first revision (which would show the record on days before anyone knew of it)."""
    errors: list[FieldError] = []
    first = revisions[0].known_on
    for index, revision in enumerate(revisions):
        here = f"{where}.revisions[{index}].known_on"
        if revision.known_on > today:
            errors.append(FieldError(here, "cannot be later than today"))
        elif revision.known_on < first:
            errors.append(FieldError(here, f"is before {first.isoformat()}, the first revision's"))
    return errors


def _pairs(fields: dict[str, Any], names: Sequence[str], where: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for name, pair in fields.items():
        if name not in names:
            errors.append(FieldError(f"{where}.{name}", f"is not one of {', '.join(names)}"))
        elif not isinstance(pair, list) or len(pair) != 2:
            errors.append(FieldError(f"{where}.{name}", "must be [old value, new value]"))
    return errors


def check_event_fields(fields: dict[str, Any], where: str) -> list[FieldError]:
    """Problems with an event revision's `fields`: `{name: [old, new]}` for document fields,
    each value null (absent) or one a merge patch of the API would accept."""
    errors = _pairs(fields, DOCUMENT_FIELDS, where)
    if errors:
        return errors
    for name, pair in fields.items():
        for index, value in enumerate(pair):
            if value is None:
                continue
            try:
                EventPatch.model_validate({name: value})
            except ValidationError as error:
                errors += [FieldError(f"{where}.{name}[{index}]", e["msg"]) for e in error.errors()]
    return errors


def check_item_revisions(key: str, revisions: Sequence[_Revision], where: str) -> list[FieldError]:
    """Problems with an item's revisions: each snapshot an item the API would accept (with
    this item's key), each `fields` `{name: [old, new]}` of item fields with legal text."""
    errors: list[FieldError] = []
    for index, revision in enumerate(revisions):
        here = f"{where}.revisions[{index}]"
        try:
            snapshot = ItemCreate.model_validate(revision.snapshot)
        except ValidationError as error:
            errors += pydantic_errors(error, f"{here}.snapshot")
        else:
            if snapshot.key != key:
                errors.append(FieldError(f"{here}.snapshot.key", f"is not the item's key {key!r}"))
        found = _pairs(revision.fields, _ITEM_FIELDS, f"{here}.fields")
        if not found and (problem := text_problem(revision.fields)) is not None:
            found.append(FieldError(f"{here}.fields", problem))
        for name, pair in revision.fields.items() if not found else ():
            if name == "status" and any(v not in (None, *ITEM_STATUSES) for v in pair):
                found.append(FieldError(f"{here}.fields.status", _STATUS_MESSAGE))
        errors += found
    return errors
