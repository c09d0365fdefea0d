"""Targets broken down from a year to quarters, months and weeks, by working day.

A rep sets targets for some periods (usually the year, sometimes a quarter or
month too). Any period's target is then worked out day by day: each working
day takes its share from the *shortest* period with a target that holds it,
so a month set by hand overrides its share of the year, and a week that
straddles two months takes from each. Within a period a working day's share is
- even: 1 / the period's working days, or
- by last year: each month gets the share of last year's won revenue it had,
  spread evenly over its working days (falling back to even when there was
  none).
Working days are Monday to Friday except the configured holidays.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from workbench.domain.periods import Period, PeriodKind
from workbench.i18n import tr


class Split(StrEnum):
    EVEN = "even"
    LAST_YEAR = "last year"


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = frozenset()

    def is_working(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def working_days(self, start: date, end: date) -> list[date]:
        """The working days from `start` up to, not including, `end`."""
        return [day for day in _days(start, end) if self.is_working(day)]

    def count(self, start: date, end: date) -> int:
        """How many working days [start, end) has (asked once per day of a breakdown)."""
        return _count(self, start, end)


@lru_cache(maxsize=4096)
def _count(calendar: Calendar, start: date, end: date) -> int:
    return len(calendar.working_days(start, end))


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


# Shortest first: the shortest period with a target decides a day's share.
_NESTING = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)


@dataclass(frozen=True)
class Breakdown:
    """One metric's targets for one rep, and how to spread them over days."""

    targets: Mapping[str, int]  # period key -> amount set by the rep
    calendar: Calendar = Calendar()
    split: Split = Split.EVEN
    month_weights: Mapping[int, int] | None = None  # month -> last year's won revenue

    def _source(self, day: date) -> Period | None:
        """The shortest period holding `day` that has a target."""
        for kind in _NESTING:
            period = Period.containing(kind, day)
            if period.key in self.targets:
                return period
        return None

    def daily(self, day: date) -> float:
        """The share of target that falls on `day` (0 on a day off or with no target)."""
        source = self._source(day) if self.calendar.is_working(day) else None
        return self.targets[source.key] * self._weight(day, source) if source else 0.0

    def _weight(self, day: date, period: Period) -> float:
        """`day`'s share of `period` (the shares of its working days add up to 1)."""
        weights = self.month_weights or {}
        months = (
            [] if self.split == Split.EVEN or period.kind == PeriodKind.WEEK else _months(period)
        )
        if len(months) < 2 or not sum(weights.get(m.start.month, 0) for m in months):
            return 1 / max(1, self.calendar.count(period.start, period.end))
        total = sum(weights.get(m.start.month, 0) for m in months)
        month = Period.containing(PeriodKind.MONTH, day)
        in_month = self.calendar.count(month.start, month.end)
        return weights.get(day.month, 0) / total / max(1, in_month)

    def target(self, period: Period) -> float | None:
        """The period's target: set by hand, or summed from its days' shares.
        None when no target covers any of it."""
        if period.key in self.targets:
            return float(self.targets[period.key])
        if not self._covered(period):
            return None
        return sum(self.daily(day) for day in _days(period.start, period.end))

    def to_date(self, period: Period, today: date) -> float:
        """How much of the period's target falls on or before `today`: where
        the rep should be by now to be on pace."""
        end = min(period.end, today + timedelta(days=1))
        scale = 1.0
        if period.key in self.targets:  # set by hand: its own days' shares, rescaled to it
            whole = sum(self.daily(day) for day in _days(period.start, period.end))
            scale = self.targets[period.key] / whole if whole else 0.0
        return scale * sum(self.daily(day) for day in _days(period.start, end))

    def _covered(self, period: Period) -> bool:
        return any(self._source(day) for day in _days(period.start, period.end))


def combined(breakdowns: Iterable[Breakdown]) -> list[Breakdown]:
    """Fewer breakdowns with the same total target for any period: evenly split
    ones with targets for the same periods add up to one with summed amounts
    (a share of an even split does not depend on the amount)."""
    groups: dict[tuple[frozenset[str], Calendar], dict[str, int]] = {}
    kept: list[Breakdown] = []
    for item in breakdowns:
        if item.split != Split.EVEN:
            kept.append(item)
            continue
        summed = groups.setdefault((frozenset(item.targets), item.calendar), {})
        for key, amount in item.targets.items():
            summed[key] = summed.get(key, 0) + amount
    return kept + [Breakdown(summed, calendar) for (_, calendar), summed in groups.items()]


@lru_cache(maxsize=1024)
def _months(period: Period) -> list[Period]:
    found: list[Period] = []
    day = period.start
    while day < period.end:
        month = Period.containing(PeriodKind.MONTH, day)
        found.append(month)
        day = month.end
    return found


@dataclass(frozen=True)
class Pace:
    working_day: int  # today is the nth working day of the period (0 before it starts)
    working_days: int  # in the whole period
    expected: float  # the share of target due by today, 0..1

    def describe(self) -> str:
        return tr(
            "working day {day} of {days}: on pace at {share}",
            day=self.working_day,
            days=self.working_days,
            share=f"{self.expected:.0%}",
        )


def pace(breakdown: Breakdown, period: Period, today: date) -> Pace:
    days = breakdown.calendar.working_days(period.start, period.end)
    done = sum(1 for day in days if day <= today)
    total = breakdown.target(period) or 0.0
    expected = breakdown.to_date(period, today) / total if total else done / max(1, len(days))
    return Pace(done, len(days), min(1.0, expected))


def remaining_working_days(calendar: Calendar, period: Period, today: date) -> int:
    """Working days left after today (today counts as spent)."""
    return len(calendar.working_days(max(period.start, today + timedelta(days=1)), period.end))


def month_weights(won: Iterable[tuple[date, int]], year: int) -> dict[int, int]:
    """Last year's won revenue per month, from (closed on, amount) pairs."""
    weights: dict[int, int] = {}
    for day, amount in won:
        if day.year == year:
            weights[day.month] = weights.get(day.month, 0) + amount
    return weights
