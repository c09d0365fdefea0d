"""Target periods: a year, quarter, month or ISO week, written as a key.

`2026`, `2026-Q4`, `2026-11`, `2026-W48`. Keys sort within a kind and
name one exact date range, so a target's period is just its key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from workbench.i18n import tr


class PeriodKind(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"


# The years a period or a moment may fall in: Python's dates end at the years
# 1 and 9999, and a moment shown in a time zone, or a period's neighbour, may
# cross those ends.
FIRST_YEAR, LAST_YEAR = 1000, 9998

_FORMS = (
    (PeriodKind.YEAR, re.compile(r"^(\d{4})$")),
    (PeriodKind.QUARTER, re.compile(r"^(\d{4})-Q([1-4])$")),
    (PeriodKind.MONTH, re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
    (PeriodKind.WEEK, re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")),
)


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # exclusive

    @property
    def key(self) -> str:
        s = self.start
        match self.kind:
            case PeriodKind.YEAR:
                return f"{s.year}"
            case PeriodKind.QUARTER:
                return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
            case PeriodKind.MONTH:
                return f"{s.year}-{s.month:02d}"
            case PeriodKind.WEEK:
                year, week, _ = s.isocalendar()
                return f"{year}-W{week:02d}"

    def __str__(self) -> str:
        return self.key

    @classmethod
    def parse(cls, key: str) -> Period:
        key = key.strip().upper()
        for kind, pattern in _FORMS:
            if match := pattern.match(key):
                year, part = int(match[1]), int(match[2]) if match.lastindex == 2 else 1
                if FIRST_YEAR <= year <= LAST_YEAR:
                    return cls._build(kind, year, part)
        raise ValueError(
            tr("{key!r} is not a period (e.g. 2026, 2026-Q4, 2026-11, 2026-W48)", key=key)
        )

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        return _containing(kind, day)

    @classmethod
    def _containing(cls, kind: PeriodKind, day: date) -> Period:
        match kind:
            case PeriodKind.YEAR:
                return cls._build(kind, day.year, 1)
            case PeriodKind.QUARTER:
                return cls._build(kind, day.year, (day.month - 1) // 3 + 1)
            case PeriodKind.MONTH:
                return cls._build(kind, day.year, day.month)
            case PeriodKind.WEEK:
                year, week, _ = day.isocalendar()
                return cls._build(kind, year, week)

    @classmethod
    def _build(cls, kind: PeriodKind, year: int, part: int) -> Period:
        match kind:
            case PeriodKind.YEAR:
                start = date(year, 1, 1)
                return cls(kind, start, start + relativedelta(years=1))
            case PeriodKind.QUARTER:
                start = date(year, 3 * part - 2, 1)
                return cls(kind, start, start + relativedelta(months=3))
            case PeriodKind.MONTH:
                start = date(year, part, 1)
                return cls(kind, start, start + relativedelta(months=1))
            case PeriodKind.WEEK:
                try:
                    start = date.fromisocalendar(year, part, 1)
                except ValueError:
                    raise ValueError(
                        tr("{year} has no ISO week {week}", year=year, week=part)
                    ) from None
                return cls(kind, start, start + timedelta(days=7))


@lru_cache(maxsize=8192)
def _containing(kind: PeriodKind, day: date) -> Period:
    """Periods are asked for day by day when targets are broken down: remembered."""
    return Period._containing(kind, day)


_RELATIVE = {"this": 0, "next": 1, "last": -1}


def period_named(text: str, today: date) -> Period:
    """A period key ("2026-Q4") or words relative to today ("this month",
    "next quarter", "last week")."""
    words = text.strip().lower().split()
    if len(words) == 2 and words[0] in _RELATIVE and words[1] in PeriodKind.__members__.values():
        kind = PeriodKind(words[1])
        period = Period.containing(kind, today)
        for _ in range(abs(_RELATIVE[words[0]])):
            step = period.end if _RELATIVE[words[0]] > 0 else period.start - timedelta(days=1)
            period = Period.containing(kind, step)
        return period
    try:
        return Period.parse(text)
    except ValueError:
        raise ValueError(
            tr(
                "{text!r} is not a period (e.g. this month, next quarter, 2026-Q4, 2026-11)",
                text=text.strip(),
            )
        ) from None
