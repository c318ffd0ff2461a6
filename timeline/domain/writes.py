"""What every write records besides its document: when it became public, who made it, when."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

__all__ = ["GuardedWrite", "WriteStamp"]


class WriteStamp(TypedDict):
    """The stamp of one write, passed on as keywords (`**stamp`) from the API to the revision
    it appends: the day the change became public (`known_on`), who made it (`actor`) and when
    it was recorded (`now`)."""

    known_on: dt.date
    actor: str
    now: dt.datetime


class GuardedWrite(WriteStamp):
    """The stamp of a write to something that may exist already, with the version the writer
    last read (`expected_version`, from If-Match; None when it sent none)."""

    expected_version: int | None
