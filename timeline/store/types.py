"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["JSONValue", "UTCDateTime", "as_utc"]

JSONValue = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime; SQLite drops zones, so it is restored on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def as_utc(value: datetime | str) -> datetime:
    """A stored moment as an aware UTC datetime: SQLite keeps it as zone-less UTC (a datetime,
    or the text itself when read raw), PostgreSQL as an aware one."""
    if isinstance(value, str):
        try:
            # SQLite's text is zone-less UTC: parsed with the offset written on, the moment
            # comes out aware in one call, where `replace(tzinfo=)` cost ten times the parse
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # it carried an offset of its own
            value = datetime.fromisoformat(value)
    moment = value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)
