"""Sales KPIs for a period, and the gauge's figures: how far along, the
forecast, the gap, and the activity it takes to close it.

The formulas (also in docs/command-line.md):
- won revenue / won count: deals won (closed_on) in the period; revenue in the
  home currency (other currencies' revenue is shown apart, never converted),
  counts in every currency;
- win rate: won ÷ (won + lost) among deals closed in the period, every
  currency; None with none closed;
- average won deal size: won revenue ÷ the count of deals won in the home currency;
- median sales cycle: the median of days from a won deal's creation to its close;
- stage conversion: of the deals that entered stage k in the period, the share
  that later reached a stage further along the pipeline (by position; Lost is
  not further);
- forecast: achieved + the weighted value of open deals expected to close in
  the period; gap: target − achieved (never below 0); coverage: weighted open
  pipeline ÷ the gap;
- activity needed: the rep's own history (calls and visits per won deal,
  average won deal size) turned into calls and visits per remaining working day.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ClosedDeal:
    amount: int
    won: bool  # else lost
    created: date
    closed: date
    currency: str


@dataclass(frozen=True)
class Results:
    won_revenue: int  # in the home currency
    won_count: int  # in every currency, as is lost_count
    lost_count: int
    cycle_days: float | None  # median, won deals
    won_at_home: int = 0  # deals won in the home currency (won_revenue's)
    # Won revenue in other currencies: not converted, never added to won_revenue.
    won_elsewhere: tuple[tuple[str, int], ...] = ()

    @property
    def win_rate(self) -> float | None:
        closed = self.won_count + self.lost_count
        return self.won_count / closed if closed else None

    @property
    def average_won(self) -> float | None:
        return self.won_revenue / self.won_at_home if self.won_at_home else None


def results(closed: Iterable[ClosedDeal], home: str) -> Results:
    deals = list(closed)
    won = [deal for deal in deals if deal.won]
    # (an imported deal closed before the day it was entered has no known cycle)
    cycles = [(deal.closed - deal.created).days for deal in won if deal.created <= deal.closed]
    elsewhere = Counter[str]()
    for deal in won:
        if deal.currency != home:
            elsewhere[deal.currency] += deal.amount
    at_home = [deal.amount for deal in won if deal.currency == home]
    return Results(
        sum(at_home),
        len(won),
        len(deals) - len(won),
        statistics.median(cycles) if cycles else None,
        len(at_home),
        tuple(sorted(elsewhere.items())),
    )


@dataclass(frozen=True)
class Move:
    deal_id: str
    to_stage: str
    on: date


def stage_conversion(
    moves: Sequence[Move], order: Sequence[str], start: date, end: date
) -> dict[str, tuple[int, int]]:
    """For each stage in `order` (open stages, then won): (deals that entered it
    in [start, end), how many of those later reached a further stage)."""
    position = {stage: index for index, stage in enumerate(order)}
    by_deal: dict[str, list[Move]] = {}
    for move in sorted(moves, key=lambda m: m.on):
        by_deal.setdefault(move.deal_id, []).append(move)
    entered: Counter[str] = Counter()
    advanced: Counter[str] = Counter()
    for history in by_deal.values():
        for index, move in enumerate(history):
            if move.to_stage not in position or not start <= move.on < end:
                continue
            entered[move.to_stage] += 1
            later = (position.get(m.to_stage, -1) for m in history[index + 1 :])
            if any(p > position[move.to_stage] for p in later):
                advanced[move.to_stage] += 1
    return {stage: (entered[stage], advanced[stage]) for stage in order}


@dataclass(frozen=True)
class History:
    """The rep's record over a past stretch, to say what a won deal takes."""

    calls: int
    visits: int
    won_count: int
    won_revenue: int

    def per_won(self, count: int) -> float | None:
        return count / self.won_count if self.won_count else None


@dataclass(frozen=True)
class Needed:
    deals: int  # won deals still needed, rounded up
    calls_per_day: float | None
    visits_per_day: float | None


def needed(gap: float, history: History, days_left: int) -> Needed | None:
    """What closing `gap` takes at the rep's own rates; None when history cannot say."""
    if gap <= 0 or not history.won_count or not history.won_revenue:
        return None
    deals = math.ceil(gap / (history.won_revenue / history.won_count))
    days = max(1, days_left)
    calls, visits = history.per_won(history.calls), history.per_won(history.visits)
    return Needed(
        deals,
        deals * calls / days if calls is not None else None,
        deals * visits / days if visits is not None else None,
    )


@dataclass(frozen=True)
class Gauge:
    target: float | None
    achieved: float
    weighted_open: float  # open deals expected to close in the period, weighted

    @property
    def forecast(self) -> float:
        return self.achieved + self.weighted_open

    @property
    def gap(self) -> float | None:
        return max(0.0, self.target - self.achieved) if self.target is not None else None

    @property
    def progress(self) -> float | None:
        return self.achieved / self.target if self.target else None

    @property
    def coverage(self) -> float | None:
        gap = self.gap
        return self.weighted_open / gap if gap else None
