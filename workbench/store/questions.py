"""Every question a pane (or a command) asks the store, ready to call.

One list, two users: a test checks that each is answered through an index
(no full scan of a big table), and the benchmark times the panes' ones on
the reference data against the budgets of shared/DESIGN.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from workbench.domain import agenda
from workbench.domain.periods import Period
from workbench.store import duplicates, queries
from workbench.store.account import load_account
from workbench.store.database import Store
from workbench.store.report import build_report


@dataclass(frozen=True)
class Subject:
    """The records a question about one customer or deal is asked of."""

    customer: str
    deal: str


Question = Callable[[Store, Subject], object]


def _today(store: Store) -> datetime:
    return datetime.combine(store.clock.today(), time(), store.clock.now().tzinfo)


def _month(store: Store) -> Period:
    return Period.parse(f"{store.clock.today():%Y-%m}")


def _week(store: Store) -> Period:
    year, week, _ = store.clock.today().isocalendar()
    return Period.parse(f"{year}-W{week:02d}")


PANES: dict[str, dict[str, Question]] = {
    "Today": {
        "follow-ups due": lambda s, _: queries.follow_ups_due(
            s, s.clock.today() + timedelta(days=agenda.WINDOW_DAYS), owner=s.me
        ),
        "open deal cards": lambda s, _: queries.deal_cards(s, s.clock.today(), s.me),
        "accounts' last contact": lambda s, _: queries.accounts_last_contact(s, s.me),
    },
    "Pipeline": {
        "pipeline with recent wins and losses": lambda s, _: queries.deal_cards(
            s, s.clock.today(), s.me, closed_since=s.clock.today() - timedelta(days=90)
        ),
        "a deal's history": lambda s, it: queries.deal_history(s, it.deal),
        "a deal's activities": lambda s, it: queries.deal_activities(s, it.deal),
        "a deal's follow-ups": lambda s, it: queries.deal_follow_ups(s, it.deal),
    },
    "Customers": {
        "customers in order": lambda s, _: queries.customers(s, limit=50),
        "my customers with figures": lambda s, _: queries.customer_list(s, "CNY", owner=s.me),
        "everyone's customers by name": lambda s, _: queries.customer_list(s, "CNY"),
        "customers searched, by revenue": lambda s, _: queries.customer_list(
            s, "CNY", search="heng", sort=queries.CustomerSort.REVENUE
        ),
        "a new customer's look-alikes": lambda s, _: duplicates.look_alikes(
            s, {"name": "Hengtai Pumps", "email": "a@hengtai.cn", "phone": "+86 21 5555 0100"}
        ),
    },
    "Customer 360": {
        "a customer's 360 view": lambda s, it: load_account(s, it.customer),
        "a customer's timeline": lambda s, it: queries.customer_timeline(s, it.customer),
    },
    "Search": {
        "customer search": lambda s, _: queries.customers(s, "heng ta"),
        "customer search in Chinese": lambda s, _: queries.customers(s, "恒泰"),
        "customers by name": lambda s, _: queries.customers_named(s, "Heng"),
        "deals by title": lambda s, _: queries.deals_titled(s, "Pump"),
        "customer by id prefix": lambda s, it: queries.customers_by_id_prefix(s, it.customer[:8]),
    },
    "Targets": {
        "my month's report": lambda s, _: build_report(s, s.me, _month(s)),
        "the team's week": lambda s, _: build_report(s, None, _week(s)),
    },
    "Calendar": {
        "planned visits": lambda s, _: queries.planned_visits(
            s, s.clock.now(), _today(s) + timedelta(days=31), s.me
        ),
    },
}

# Lists printed by `workbench`: whole answers, not a pane's page.
COMMANDS: dict[str, Question] = {
    "my deals": lambda s, _: queries.deals(s, owner=s.me),
    "my deals in a stage": lambda s, _: queries.deals(s, owner=s.me, stage="proposal"),
    "a customer's deals": lambda s, it: queries.deals(s, owner=None, customer_id=it.customer),
}

QUESTIONS: dict[str, Question] = {
    name: question
    for questions in [*PANES.values(), COMMANDS]
    for name, question in questions.items()
}
