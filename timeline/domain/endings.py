"""How negotiations end: the base rates and allowances the deadline model adds to the item pace.

The item pace (`timeline.domain.risk`) says how likely the open items are to be settled in the
negotiating days left. It says nothing when no items are tracked, and little in a package
negotiation ("nothing is agreed until everything is agreed"), where no item settles before the
last night. There the chance comes from how such deadlines ended in the library of real
negotiations (`timeline/seed/*.json`), counting only the outcomes known on the day asked about
(`LIBRARY_ENDINGS`, each with the day a replay of its process first knows it): a replay of
2012 cannot learn from how Paris ended in 2015. With one imagined success and one imagined
failure added (so that a small library never says "always" or "never"), all 14 outcomes known
give 10 in 16. `timeline backtest --library` also leaves out the process being replayed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

__all__ = [
    "CONCLUDING_BASE_RATE",
    "LIBRARY_ENDINGS",
    "OVERRUN_DAYS",
    "POSTPONED_SHARE",
    "P_FLOOR",
    "Ending",
    "base_rate",
    "base_rate_known",
    "bounded",
]

# Final sessions often run past their scheduled close (the last night becomes the next
# morning, or a few extra days): a meeting that concludes within this many days after a
# deadline's last day still meets it, and the deadline is not missed before they have passed.
OVERRUN_DAYS: Final = 3

# Before the outcome is known a chance is never reported as 0 or 1 unless the arithmetic forces
# it (open items and no negotiating day left): observers always give a final round some chance.
P_FLOOR: Final = 0.005

# A predecessor postponed or suspended with no new date: the deadline can still be met if it is
# rescheduled in time, which the library shows rarely happens (a quarter of the base rate).
POSTPONED_SHARE: Final = 0.25


def base_rate(met: int, missed: int) -> float:
    """The chance that a deadline set for a concluding session is met, from `met` and `missed`
    outcomes of comparable deadlines, with one success and one failure added."""
    return (met + 1) / (met + missed + 2)


@dataclass(frozen=True, slots=True)
class Ending:
    """How one deadline of the library ended, and the first day a replay of it knows."""

    process: str  # the data set, `timeline/seed/<process>.json`
    deadline: str  # the deadline's key in that file
    decided: dt.date  # the first `as_of` on which the replay calls it met or missed
    met: bool


# Every deadline of the library decided by now, as its data files replay
# (tests/seed/test_library.py checks this table against them, day included).
LIBRARY_ENDINGS: Final[tuple[Ending, ...]] = (
    Ending("who-fctc", "deadline-wha56", dt.date(2003, 5, 21), True),
    Ending("wipo-broadcasting", "deadline-2007", dt.date(2007, 6, 22), False),
    Ending("copenhagen-cop15", "deadline-2009", dt.date(2009, 12, 19), False),
    Ending("arms-trade-treaty", "deadline-2012", dt.date(2012, 7, 27), False),
    Ending("copenhagen-cop15", "deadline-cop18", dt.date(2012, 12, 8), True),
    Ending("minamata", "deadline-negotiations", dt.date(2013, 1, 19), True),
    Ending("arms-trade-treaty", "deadline-2013", dt.date(2013, 3, 28), False),
    Ending("marrakesh-treaty", "deadline-2013", dt.date(2013, 6, 27), True),
    Ending("minamata", "deadline-adoption", dt.date(2013, 10, 10), True),
    Ending("paris-agreement", "deadline-2015", dt.date(2015, 12, 12), True),
    Ending("tpnw", "deadline-2017", dt.date(2017, 7, 7), True),
    Ending("tpnw", "deadline-session-2", dt.date(2017, 7, 7), True),
    Ending("global-compact-migration", "deadline-2018", dt.date(2018, 12, 11), True),
    Ending("ahc-cybercrime", "adoption-deadline", dt.date(2024, 1, 11), False),
)


def base_rate_known(as_of: dt.date, leave_out: str | None = None) -> float:
    """The base rate from the library's outcomes known on `as_of` (decided on or before it),
    without those of the process `leave_out`: nothing decided later informs an answer about
    `as_of`."""
    known = [e for e in LIBRARY_ENDINGS if e.decided <= as_of and e.process != leave_out]
    met = sum(1 for e in known if e.met)
    return base_rate(met, len(known) - met)


# The rate once every outcome of the library is known (10 in 16); answers about a day use
# `base_rate_known` instead.
CONCLUDING_BASE_RATE: Final = base_rate_known(dt.date.max)


def bounded(chance: float) -> float:
    """`chance` kept within [P_FLOOR, 1 - P_FLOOR]: the outcome is not known yet."""
    return min(1.0 - P_FLOOR, max(P_FLOOR, chance))
