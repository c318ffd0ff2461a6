"""Comparable treaties: how fast others reached their entry-into-force threshold, as of a day.

Reference data for the entry-into-force prior (`timeline.domain.eif`): each treaty with the day
it opened for signature and the day its threshold instrument was deposited. A replay of day D
uses only those whose threshold was reached before D: no look-ahead. The same holds for the
deposit waves seen at treaty events (`DEPOSIT_WAVES`), which size an announced event's wave.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "COMPARABLE_TREATIES",
    "DAYS_PER_MONTH",
    "DEPOSIT_WAVES",
    "FALLBACK_PER_MONTH",
    "PRIOR_WEIGHT_DAYS",
    "Comparable",
    "Wave",
    "comparables_known",
    "prior",
    "wave_size",
]

DAYS_PER_MONTH = 30.4375
PRIOR_WEIGHT_DAYS = 180


@dataclass(frozen=True, slots=True)
class Comparable:
    """A treaty whose road to entry into force informs the prior."""

    name: str
    instruments: int
    opened: dt.date  # opened for signature
    reached: dt.date  # the threshold instrument was deposited


# Public UN Treaty Collection facts: the day each opened for signature and the day its
# threshold instrument was deposited (entry into force minus the delay). The last seven are the
# library's own histories (timeline/seed/*.json; tests/domain/test_eif_comparables.py checks
# them against the files). Each is used only by replays after its `reached` day.
COMPARABLE_TREATIES: tuple[Comparable, ...] = (
    Comparable("UN Convention against Transnational Organized Crime", 40,
               dt.date(2000, 12, 12), dt.date(2003, 7, 1)),
    Comparable("UN Convention against Corruption", 30, dt.date(2003, 12, 9), dt.date(2005, 9, 15)),
    Comparable("Arms Trade Treaty", 50, dt.date(2013, 6, 3), dt.date(2014, 9, 25)),
    Comparable("Agreement on Marine Biological Diversity beyond National Jurisdiction", 60,
               dt.date(2023, 9, 20), dt.date(2025, 9, 19)),
    Comparable("WHO Framework Convention on Tobacco Control", 40,
               dt.date(2003, 6, 16), dt.date(2004, 11, 30)),
    Comparable("Marrakesh Treaty", 20, dt.date(2013, 6, 28), dt.date(2016, 6, 30)),
    Comparable("Paris Agreement", 55, dt.date(2016, 4, 22), dt.date(2016, 10, 5)),
    Comparable("Minamata Convention on Mercury", 50, dt.date(2013, 10, 10), dt.date(2017, 5, 18)),
    Comparable("Escazú Agreement", 11, dt.date(2018, 9, 27), dt.date(2021, 1, 22)),
    Comparable("Treaty on the Prohibition of Nuclear Weapons", 50,
               dt.date(2017, 9, 20), dt.date(2020, 10, 24)),
)  # fmt: skip

# The pace assumed when no comparable had reached its threshold yet (1.5 instruments a month,
# about the slowest of the comparables above).
FALLBACK_PER_MONTH = 1.5


def comparables_known(as_of: dt.date) -> tuple[Comparable, ...]:
    """The comparable treaties whose threshold was reached before `as_of` (no look-ahead)."""
    return tuple(c for c in COMPARABLE_TREATIES if c.reached < as_of)


def prior(as_of: dt.date) -> tuple[float, float]:
    """Gamma (shape, rate per day) with the known comparables' pooled pace, worth
    PRIOR_WEIGHT_DAYS; the fallback pace when none is known on `as_of`."""
    known = comparables_known(as_of)
    if not known:
        return FALLBACK_PER_MONTH / DAYS_PER_MONTH * PRIOR_WEIGHT_DAYS, float(PRIOR_WEIGHT_DAYS)
    instruments = sum(c.instruments for c in known)
    days = sum((c.reached - c.opened).days for c in known)
    return instruments / days * PRIOR_WEIGHT_DAYS, float(PRIOR_WEIGHT_DAYS)


@dataclass(frozen=True, slots=True)
class Wave:
    """Instruments deposited together at one treaty event of a library treaty."""

    treaty: str
    day: dt.date
    deposits: int


# The library's Arms Trade Treaty (timeline/seed/arms-trade-treaty.json, where each is sourced):
# 18 deposits at the first anniversary of adoption (UNRCPD, https://www.unrcpd.org/spotlight/
# secretary-general-bans-statement-one-year-anniversary-adoption-arms-trade-treaty), 8 at the
# first anniversary of signature (https://www.unrcpd.org/news-item/8-new-ratifications/) and 8
# at the September 2014 treaty event (https://www.oxfam.ca/news/arms-trade-treaty-set-to-enter-
# into-force-2014-09-25/).
DEPOSIT_WAVES: tuple[Wave, ...] = (
    Wave("Arms Trade Treaty", dt.date(2014, 4, 2), 18),
    Wave("Arms Trade Treaty", dt.date(2014, 6, 3), 8),
    Wave("Arms Trade Treaty", dt.date(2014, 9, 25), 8),
)


def wave_size(as_of: dt.date) -> int:
    """The deposits an announced treaty event is counted as bringing, on `as_of`: the smallest
    wave seen by then (on or before `as_of`), or none while no wave had been seen."""
    return min((w.deposits for w in DEPOSIT_WAVES if w.day <= as_of), default=0)
