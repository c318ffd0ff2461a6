"""Errors the domain raises; the API layer maps each to one HTTP problem type."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Conflict",
    "DomainError",
    "FieldError",
    "InvalidFields",
    "NotFound",
    "PreconditionFailed",
    "PreconditionRequired",
]


class DomainError(Exception):
    """Base of every error that is the caller's to fix (never a server fault)."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One rejected field: a dotted path (`attributes.rule`, `sources.0.url`) and why."""

    field: str
    message: str


class InvalidFields(DomainError):
    """The request names fields whose values cannot be accepted; nothing was stored."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: str) -> InvalidFields:
        """An error naming a single field."""
        return cls([FieldError(field, message)])


class NotFound(DomainError):
    """The named resource does not exist (or did not exist on the `as_of` day)."""


class Conflict(DomainError):
    """The request clashes with what is stored (a slug or key already taken)."""


class PreconditionRequired(DomainError):
    """A write that must name the version it changes (If-Match) did not."""


class PreconditionFailed(DomainError):
    """The version named by If-Match is no longer the current one; nothing changed."""
