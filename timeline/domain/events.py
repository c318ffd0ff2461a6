"""The rules of an event: kinds, statuses, attributes by kind, dependencies, merge patches.

An event's *document* is the part a person writes (kind, title, date, ...); everything else
(start, end, outcome, ...) is derived from it here, so the same rules serve the live state and
the state replayed from a revision.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from timeline.domain.dates import DateError, DateSpan, check_supported, parse_date
from timeline.domain.errors import FieldError, InvalidFields
from timeline.domain.vocabulary import KINDS, STATUSES
from timeline.domain.votes import ADOPTIONS, VOTE_RULES, adoption_conflicts, outcome, required_yes

__all__ = [
    "DOCUMENT_FIELDS",
    "KINDS",
    "STATUSES",
    "apply_merge_patch",
    "derived_attributes",
    "diff_documents",
    "find_cycle",
    "validate_attributes",
    "validate_document_rules",
]


DOCUMENT_FIELDS: tuple[str, ...] = (
    "kind",
    "title",
    "date",
    "status",
    "location",
    "summary",
    "tags",
    "parent",
    "depends_on",
    "sources",
    "attributes",
)

_COMPUTED_ATTRIBUTES = ("outcome", "required_yes")


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be non-empty text"


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _count(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else "must be a whole number, 0 or more"


def _positive(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return None if ok else "must be a whole number, 1 or more"


def _rule(value: Any) -> str | None:
    return None if value in VOTE_RULES else f"must be one of {', '.join(VOTE_RULES)}"


def _adoption(value: Any) -> str | None:
    return None if value in ADOPTIONS else f"must be one of {', '.join(ADOPTIONS)}"


def _names(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    return None if ok else "must be a list of names"


_ATTRIBUTES: dict[str, dict[str, Any]] = {
    "session": {"number": _text, "formal": _boolean},
    "vote_point": {
        "rule": _rule,
        "subject": _text,
        "yes": _count,
        "no": _count,
        "abstain": _count,
        "adoption": _adoption,
    },
    "eif_threshold": {
        "instruments": _positive,
        "delay_days": _count,
        "delay_months": _count,
        "proposed_by": _names,
        "adopted": _boolean,
        "reio_counts": _boolean,
    },
    "signature": {"party": _text, "count": _count},
    "ratification": {"party": _text, "count": _count, "reio": _boolean},
    "document": {"symbol": _text},
    "deadline": {"hard": _boolean, "package": _boolean, "asap": _boolean},
}


def validate_attributes(kind: str, attributes: Mapping[str, Any]) -> list[FieldError]:
    """Every problem with `attributes` for an event of `kind` (empty when they are fine)."""
    allowed = _ATTRIBUTES.get(kind, {})
    errors: list[FieldError] = []
    for name, value in attributes.items():
        field = f"attributes.{name}"
        if name in _COMPUTED_ATTRIBUTES and kind == "vote_point":
            errors.append(FieldError(field, "is computed by the service and cannot be set"))
        elif name not in allowed:
            known = ", ".join(allowed) if allowed else "none"
            errors.append(FieldError(field, f"is not an attribute of a {kind} (allowed: {known})"))
        elif value is not None and (problem := allowed[name](value)):
            errors.append(FieldError(field, problem))
    if kind in ("signature", "ratification"):
        given = [k for k in ("party", "count") if attributes.get(k) is not None]
        if not given or (kind == "signature" and len(given) != 1):  # a deposit may carry its rank
            errors.append(
                FieldError("attributes", "a signature or ratification names one party or a count")
            )
    return errors


def derived_attributes(kind: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes as served: stored ones plus those computed for the kind."""
    served = dict(attributes)
    if kind == "vote_point":
        rule, yes, no = attributes.get("rule"), attributes.get("yes"), attributes.get("no")
        served["outcome"] = outcome(rule, yes, no, attributes.get("adoption"))
        served["required_yes"] = required_yes(rule, yes, no)
    elif kind == "eif_threshold":
        served.setdefault("delay_days", 90)
    elif kind == "session":
        served.setdefault("formal", True)
    return served


def validate_document_rules(document: Mapping[str, Any]) -> tuple[DateSpan, list[FieldError]]:
    """Check the cross-field rules of a document whose fields have the right types.

    Returns the parsed date span (or raises `InvalidFields` when the date is unreadable) and
    every other problem found.
    """
    try:
        span = check_supported(parse_date(document["date"]))
    except DateError as error:
        raise InvalidFields.one("date", str(error)) from None
    attributes = document.get("attributes") or {}
    errors = validate_attributes(document["kind"], attributes)
    if document["kind"] == "vote_point" and not errors:
        errors.extend(adoption_conflicts(attributes, document.get("status")))
    seen: set[str] = set()
    for index, dependency in enumerate(document.get("depends_on") or []):
        if dependency["event"] in seen:
            errors.append(FieldError(f"depends_on.{index}.event", "is listed twice"))
        seen.add(dependency["event"])
    return span, errors


def find_cycle(
    start: str, predecessors: Mapping[str, Iterable[str]], new_predecessors: Iterable[str]
) -> list[str] | None:
    """A dependency cycle through `start` if it took `new_predecessors`, else None.

    `predecessors` maps every other event id to the ids it depends on. The cycle is returned
    as the list of ids walked, starting and ending at `start`.
    """
    stack: list[tuple[str, list[str]]] = [(p, [start, p]) for p in new_predecessors]
    visited: set[str] = set()
    while stack:
        node, path = stack.pop()
        if node == start:
            return path
        if node in visited:
            continue
        visited.add(node)
        stack.extend((p, [*path, p]) for p in predecessors.get(node, ()))
    return None


def apply_merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: `patch` applied to a copy of `target`."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_merge_patch(result.get(key), value)
    return result


def diff_documents(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, list[Any]]:
    """Field-by-field changes between two documents: `{field: [old, new]}`, fields in order."""
    before = before or {}
    after = after or {}
    changes: dict[str, list[Any]] = {}
    for field in DOCUMENT_FIELDS:
        old, new = before.get(field), after.get(field)
        if old != new:
            changes[field] = [old, new]
    return changes
