"""One customer's figures, as the 360° view's strip shows them.

Money is kept per currency (a customer may buy in two); the view shows the
home currency first. Win rate counts deals, not money: won / (won + lost).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from workbench.domain.stages import StageKind


class DealLike(Protocol):
    @property
    def kind(self) -> StageKind: ...
    @property
    def amount(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def probability(self) -> int: ...


@dataclass(frozen=True)
class Feedback:
    """What the customer told us: satisfaction scores (1-5) and complaints."""

    ratings: int = 0
    rating_sum: int = 0
    complaints_open: int = 0
    complaints_resolved: int = 0

    @property
    def satisfaction(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None


@dataclass(frozen=True)
class Figures:
    won: Counter[str]  # lifetime won revenue, per currency
    open: Counter[str]  # open pipeline
    weighted: Counter[str]  # open pipeline times each deal's probability
    deals_won: int
    deals_lost: int
    last_contact: datetime | None
    days_since_contact: int | None
    next_follow_up: date | None
    feedback: Feedback

    @property
    def win_rate(self) -> float | None:
        closed = self.deals_won + self.deals_lost
        return self.deals_won / closed if closed else None


def figures(
    deals: Iterable[DealLike],
    *,
    last_contact: datetime | None,
    next_follow_up: date | None,
    feedback: Feedback,
    today: date,
) -> Figures:
    won: Counter[str] = Counter()
    open_: Counter[str] = Counter()
    weighted: Counter[str] = Counter()
    closed: Counter[StageKind] = Counter()
    for deal in deals:
        if deal.kind == StageKind.WON:
            won[deal.currency] += deal.amount
        elif deal.kind == StageKind.OPEN:
            open_[deal.currency] += deal.amount
            weighted[deal.currency] += deal.amount * deal.probability // 100
        closed[deal.kind] += 1
    days = (today - last_contact.date()).days if last_contact else None
    return Figures(
        won,
        open_,
        weighted,
        closed[StageKind.WON],
        closed[StageKind.LOST],
        last_contact,
        days,
        next_follow_up,
        feedback,
    )
