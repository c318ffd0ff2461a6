"""The one clock of the service. Domain code never calls it: callers pass `today` in."""

from __future__ import annotations

import datetime as dt

__all__ = ["today", "utcnow"]


def utcnow() -> dt.datetime:
    """The current moment in UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in UTC."""
    return utcnow().date()
