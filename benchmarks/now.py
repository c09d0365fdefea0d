"""The moment every benchmark runs at: the Monday the tests pin too. Apart
from data.py so a timed start-up imports nothing it would not."""

from workbench.domain.clock import FixedClock

NOW = "2026-11-23T09:30:00+08:00"


def clock() -> FixedClock:
    return FixedClock.at(NOW)
