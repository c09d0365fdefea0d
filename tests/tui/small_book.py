"""A small book of business for the snapshot tests, written record by record:
what each pane shows is this file, not the demo generator's dice, so a change
to the demo never moves a snapshot.

Li Wei's four months, from 1 August to Monday 23 November 2026, 09:30 in
Shanghai: eight customers (Chinese and Latin names, tiers A to C, one of them
a teammate's), deals in every stage with one stale, won and lost ones,
overdue, due and coming follow-ups (one recurring), calls and visits with
scores, an open complaint, and targets for the month and the week."""

from datetime import date, datetime, timedelta
from pathlib import Path

from workbench.domain.clock import FixedClock
from workbench.domain.models import (
    ActivityKind,
    Contact,
    Customer,
    Deal,
    Metric,
    Outcome,
    Rep,
)
from workbench.domain.when import parse_when
from workbench.store import actions, pipeline
from workbench.store.database import Store, open_store

NOW = "2026-11-23T09:30:00+08:00"
START = "2026-08-01T09:30:00+08:00"

# name, tier, industry, segment, address
CUSTOMERS = (
    ("恒泰泵业有限公司", "A", "Manufacturing", "Enterprise", "上海"),
    ("Baotou Steel Works", "A", "Manufacturing", "Enterprise", "Baotou"),
    ("Zhonglong Machinery Co., Ltd.", "A", "Manufacturing", "Mid-market", "Wuxi"),
    ("Acme Tools Ltd", "B", "Retail", "Mid-market", "Suzhou"),
    ("Müller Logistik GmbH", "B", "Logistics", "Mid-market", "Hamburg"),
    ("深圳瑞通软件有限公司", "C", "Software", "SMB", "深圳"),
    ("Northwind Traders", "C", "Retail", "SMB", "Ningbo"),
)

# customer (index into CUSTOMERS), title, amount in yuan, stages walked after lead
DEALS = (
    (0, "Pump upgrade", 1_250_000, ("qualified", "needs", "proposal", "negotiation")),
    (0, "Spare parts framework", 380_000, ("qualified", "needs")),
    (1, "Conveyor line", 2_400_000, ("qualified", "needs", "proposal")),
    (2, "Warehouse automation", 860_000, ("qualified",)),
    (3, "Training package", 52_000, ()),
    (4, "Cold-chain fleet", 307_000, ("qualified", "needs", "proposal")),
    (5, "ERP rollout", 420_000, ("qualified",)),
)


def small_book(tmp_path: Path) -> Store:
    """Li Wei's database at NOW, every record written as a rep would."""
    clock = FixedClock.at(START)
    store = open_store(tmp_path / "book.db", clock=clock)
    actions.set_me(store, "Li Wei")
    sam = store.add(Rep(name="Sam Patel", team="East"))
    customers = [
        store.add(
            Customer(name=name, tier=tier, industry=industry, segment=segment, address=address)
        )
        for name, tier, industry, segment, address in CUSTOMERS
    ]
    store.add(Customer(name="Huaxin Construction", tier="B", owner=sam.id))
    store.add(Contact(customer_id=customers[0].id, name="李慧", title="采购经理"))
    store.add(Contact(customer_id=customers[1].id, name="Wang Jun", title="Plant manager"))
    deals = [
        actions.new_deal(store, customers[c].id, title, amount=yuan * 100)
        for c, title, yuan, _ in DEALS
    ]
    clock.advance(timedelta(days=20))  # the spare parts deal idles in Needs from here
    for deal, (_, _, _, stages) in zip(deals, DEALS, strict=True):
        for stage in stages:
            pipeline.move_deal(store, deal.id, stage)
    _history(store, clock, customers)
    clock.advance(datetime.fromisoformat(NOW) - clock.now())
    _closed(store, customers)
    _plans(store, customers, deals)
    _targets(store)
    return store


def _history(store: Store, clock: FixedClock, customers: list[Customer]) -> None:
    """Calls, visits and a meeting, each scored, then an open complaint."""
    hengtai, baotou, _, acme, muller, ruitong, northwind = customers
    for days, kind, customer, outcome, note, score in (
        (30, ActivityKind.VISIT, hengtai, Outcome.MEETING_HELD, "Walked the plant with 李慧", 5),
        (2, ActivityKind.EMAIL, hengtai, Outcome.REPLIED, "Sent the first quote", None),
        (8, ActivityKind.CALL, baotou, Outcome.CONNECTED, "Budget approved for Q1", 4),
        (15, ActivityKind.CALL, acme, Outcome.NO_ANSWER, None, None),
        (5, ActivityKind.CALL, muller, Outcome.CONNECTED, "Wants the fleet in two lots", 3),
        (10, ActivityKind.MEETING, ruitong, Outcome.MEETING_HELD, "需求评审，下周出方案", 4),
    ):
        clock.advance(timedelta(days=days))
        actions.log_activity(store, kind, customer, note=note, outcome=outcome, satisfaction=score)
    clock.advance(timedelta(days=4))
    actions.log_activity(
        store, ActivityKind.COMPLAINT, northwind, note="Late delivery of the October order"
    )


def _closed(store: Store, customers: list[Customer]) -> None:
    """Deals won and one lost this month, and this morning's first call."""
    hengtai, acme, muller, northwind = (customers[i] for i in (0, 3, 4, 6))
    actions.log_activity(
        store, ActivityKind.CALL, muller, note="Lot one in January", outcome=Outcome.CONNECTED
    )
    valves = actions.new_deal(store, hengtai.id, "Valve retrofit", amount=480_000_00)
    pipeline.move_deal(store, valves.id, "won", closed_on=date(2026, 11, 18))
    won = actions.new_deal(store, northwind.id, "Shelving refit", amount=96_000_00)
    pipeline.move_deal(store, won.id, "won", closed_on=date(2026, 11, 12))
    lost = actions.new_deal(store, acme.id, "Store fit-out", amount=210_000_00)
    pipeline.move_deal(store, lost.id, "lost", closed_on=date(2026, 11, 16), reason="Lost on price")


def _plans(store: Store, customers: list[Customer], deals: list[Deal]) -> None:
    """Follow-ups: two overdue, one today, two this week (one every week)."""
    # (Zhonglong, an A account left alone since August, gets none: Today suggests it.)
    hengtai, baotou, _, acme, muller, ruitong, _ = customers
    now = store.clock.now()
    for customer, title, when, deal in (
        (hengtai, "Send the revised quote", "2026-11-20", deals[0]),
        (acme, "Call back about the training dates", "2026-11-13", deals[4]),
        (baotou, "Confirm budget approval", "today 14:00", deals[2]),
        (muller, "Check the fleet specification", "wed", deals[5]),
        (ruitong, "方案汇报", "every week on fri", deals[6]),
    ):
        parsed = parse_when(when, now, allow_past=True)
        actions.add_follow_up(store, customer.id, title, parsed, deal.id)


def _targets(store: Store) -> None:
    me = store.me
    assert me is not None
    actions.set_target(store, me, Metric.REVENUE, "2026-11", 2_000_000_00)
    actions.set_target(store, me, Metric.CALLS, "2026-11", 40)
    actions.set_target(store, me, Metric.VISITS, "2026-W48", 5)
