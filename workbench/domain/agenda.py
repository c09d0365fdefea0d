"""The Today agenda: what a rep should do, in sections, most important first.

Sections: Overdue, Today, Next 7 days, then Suggested — work nobody
scheduled: deals idle in their stage past its rot days with no follow-up
ahead, accounts untouched longer than their tier allows, open deals with
no next step.

Within a section, rows are ordered by a priority score (higher first):

    score = urgency + value + tier
    urgency  overdue: 10 a day late (at most 300); due today: 20;
             ahead: 10 minus the days to go; suggested: 1 a day past the limit (at most 30)
    value    10 × log10(1 + weighted deal value in major units)
             (weighted = amount × the deal's or its stage's probability):
             ¥10,000 weighted adds 40, ¥1,000,000 adds 60
    tier     A 30, B 15, C 0
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from workbench.domain.display import deal_customer
from workbench.domain.pipeline import CardLike
from workbench.domain.when import describe_due
from workbench.i18n import Worded, later, tr

TIER_POINTS = {"A": 30, "B": 15, "C": 0}
WINDOW_DAYS = 7


class Section(Worded):
    OVERDUE = later("Overdue")
    TODAY = later("Today")
    NEXT = later("Next 7 days")
    SUGGESTED = later("Suggested")


class FollowUpRow(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def due_time(self) -> time | None: ...
    @property
    def recurrence(self) -> str | None: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def customer_name(self) -> str | None: ...
    @property
    def deal_id(self) -> str | None: ...
    @property
    def deal_title(self) -> str | None: ...
    @property
    def amount(self) -> int | None: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def tier(self) -> str | None: ...
    @property
    def probability(self) -> int | None: ...
    @property
    def shown_on(self) -> date: ...


class DealRow(CardLike, Protocol):
    """A pipeline card, plus what Today needs to judge it."""

    @property
    def id(self) -> str: ...
    @property
    def customer_id(self) -> str | None: ...
    @property
    def customer_name(self) -> str | None: ...
    @property
    def tier(self) -> str | None: ...
    @property
    def stage_label(self) -> str: ...
    @property
    def rot_days(self) -> int | None: ...
    @property
    def next_step(self) -> str | None: ...
    @property
    def has_future_follow_up(self) -> bool: ...
    @property
    def has_open_follow_up(self) -> bool: ...


class AccountRow(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def tier(self) -> str | None: ...
    @property
    def last_contact(self) -> datetime | None: ...
    @property
    def has_open_follow_up(self) -> bool: ...


@dataclass(frozen=True)
class Item:
    """One row of the agenda."""

    key: str  # unique in the agenda: "follow_up:<id>", "stale:<deal id>", ...
    section: Section
    customer_id: str | None  # None: a deal with no customer yet
    customer: str
    what: str
    due: str  # as a rep scans it: "2d overdue", "today 14:00", "idle 12d"
    score: float
    deal_id: str | None = None
    deal: str | None = None
    amount: int | None = None
    currency: str | None = None
    follow_up_id: str | None = None
    recurrence: str | None = None


def priority(urgency: float, weighted_minor: int, tier: str | None) -> float:
    value = 10 * math.log10(1 + max(weighted_minor, 0) / 100)
    return round(urgency + value + TIER_POINTS.get(tier or "", 0), 1)


def _weighted(amount: int | None, probability: int | None) -> int:
    return (amount or 0) * (probability or 0) // 100


def build(
    today: date,
    follow_ups: Iterable[FollowUpRow],
    deals: Iterable[DealRow],
    accounts: Iterable[AccountRow],
    touch_days: dict[str, int],
) -> list[Item]:
    """Every agenda row, in section order, highest priority first within each."""
    items = [_follow_up(row, today) for row in follow_ups if row.shown_on <= _horizon(today)]
    items += _suggested_deals(deals, today)
    items += _suggested_accounts(accounts, today, touch_days)
    order = list(Section)
    return sorted(
        items, key=lambda item: (order.index(item.section), -item.score, item.customer, item.key)
    )


def _horizon(today: date) -> date:
    return today + timedelta(days=WINDOW_DAYS)


def _follow_up(row: FollowUpRow, today: date) -> Item:
    late = (today - row.shown_on).days
    if late > 0:
        section, urgency = Section.OVERDUE, 10.0 * min(late, 30)
    elif late == 0:
        section, urgency = Section.TODAY, 20.0
    else:
        section, urgency = Section.NEXT, float(max(0, 10 + late))
    return Item(
        key=f"follow_up:{row.id}",
        section=section,
        customer_id=row.customer_id,
        customer=row.customer_name or "?",
        what=row.title,
        due=describe_due(row.shown_on, row.due_time, today),
        score=priority(urgency, _weighted(row.amount, row.probability), row.tier),
        deal_id=row.deal_id,
        deal=row.deal_title,
        amount=row.amount if row.deal_id else None,
        currency=row.currency,
        follow_up_id=row.id,
        recurrence=row.recurrence,
    )


def _suggested_deals(deals: Iterable[DealRow], today: date) -> list[Item]:
    found = []
    for deal in deals:
        idle = (today - deal.entered_stage.date()).days if deal.entered_stage else 0
        if deal.rot_days is not None and idle > deal.rot_days and not deal.has_future_follow_up:
            what, due, urgency = (
                tr("Stale in {stage}: plan the next step", stage=tr(deal.stage_label)),
                tr("idle {days}d", days=idle),
                min(idle - deal.rot_days, 30),
            )
            kind = "stale"
        elif not deal.next_step and not deal.has_open_follow_up:
            what, due, urgency = tr("No next step for this deal"), tr("no step"), 0
            kind = "no_step"
        else:
            continue
        found.append(
            Item(
                key=f"{kind}:{deal.id}",
                section=Section.SUGGESTED,
                customer_id=deal.customer_id,
                customer=deal_customer(deal.customer_name, deal.customer_id),
                what=what,
                due=due,
                score=priority(urgency, _weighted(deal.amount, deal.probability), deal.tier),
                deal_id=deal.id,
                deal=deal.title,
                amount=deal.amount,
                currency=deal.currency,
            )
        )
    return found


def _suggested_accounts(
    accounts: Iterable[AccountRow], today: date, touch_days: dict[str, int]
) -> list[Item]:
    found = []
    for account in accounts:
        limit = touch_days.get(account.tier or "")
        if limit is None or account.has_open_follow_up:
            continue
        quiet = (today - account.last_contact.date()).days if account.last_contact else None
        if quiet is not None and quiet <= limit:
            continue
        found.append(
            Item(
                key=f"untouched:{account.id}",
                section=Section.SUGGESTED,
                customer_id=account.id,
                customer=account.name,
                what=tr("Tier {tier} account: get in touch", tier=account.tier),
                due=tr("{days}d quiet", days=quiet) if quiet is not None else tr("never contacted"),
                score=priority(min((quiet or limit) - limit, 30), 0, account.tier),
            )
        )
    return found
