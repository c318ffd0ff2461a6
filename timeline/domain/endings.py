"""How negotiations end: the base rates and allowances the deadline model adds to the item pace.

The item pace (`timeline.domain.risk`) says how likely the open items are to be settled in the
negotiating days left. It says nothing when no items are tracked, and little in a package
negotiation ("nothing is agreed until everything is agreed"), where no item settles before the
last night. There the chance comes from how such deadlines ended in the library of real
negotiations (`timeline/seed/*.json`): of the 13 deadlines its 11 processes set for a
concluding session or conference, 9 were met; with one imagined success and one imagined
failure added (so that a small library never says "always" or "never") that is 10 in 15, 67%.
`timeline backtest --library` refits this rate leaving out the process being replayed.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CONCLUDING_BASE_RATE",
    "OVERRUN_DAYS",
    "POSTPONED_SHARE",
    "P_FLOOR",
    "base_rate",
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


CONCLUDING_BASE_RATE: Final = base_rate(9, 4)


def bounded(chance: float) -> float:
    """`chance` kept within [P_FLOOR, 1 - P_FLOOR]: the outcome is not known yet."""
    return min(1.0 - P_FLOOR, max(P_FLOOR, chance))
