"""Every question a pane asks is answered through an index (shared/DESIGN.md:
a full scan of a big table turns 0.2 ms into 100 ms at 100k customers)."""

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from workbench.demo import Shape, generate
from workbench.domain.clock import FixedClock
from workbench.domain.periods import Period
from workbench.store import duplicates, queries
from workbench.store.account import load_account
from workbench.store.database import Store, open_store
from workbench.store.report import build_report

BIG_TABLES = ("activities", "deals", "follow_ups", "customers", "contacts", "changes")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path: Path = tmp_path_factory.mktemp("plans") / "demo.db"
    store = open_store(path, clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    generate(store, shape=Shape(customers=50))
    return store


QUESTIONS: dict[str, Callable[[Store, str], object]] = {
    "follow-ups due": lambda s, _: queries.follow_ups_due(s, date(2026, 11, 30), owner=s.me),
    "my deals": lambda s, _: queries.deals(s, owner=s.me),
    "my deals in a stage": lambda s, _: queries.deals(s, owner=s.me, stage="proposal"),
    "a customer's timeline": lambda s, customer: queries.customer_timeline(s, customer),
    "customers by name": lambda s, _: queries.customers_named(s, "Heng"),
    "deals by title": lambda s, _: queries.deals_titled(s, "Pump"),
    "a deal's history": lambda s, _: queries.deal_history(s, "some-deal"),
    "a deal's activities": lambda s, _: queries.deal_activities(s, "some-deal"),
    "a deal's follow-ups": lambda s, _: queries.deal_follow_ups(s, "some-deal"),
    "customer by id prefix": lambda s, customer: queries.customers_by_id_prefix(s, customer[:8]),
    "customers in order": lambda s, _: queries.customers(s, limit=50),
    "customer search": lambda s, _: queries.customers(s, "heng ta"),
    "customer search in Chinese": lambda s, _: queries.customers(s, "恒泰"),
    "my customers with figures": lambda s, _: queries.customer_list(s, "CNY", owner=s.me),
    "everyone's customers by name": lambda s, _: queries.customer_list(s, "CNY"),
    "customers searched, by revenue": lambda s, _: queries.customer_list(
        s, "CNY", search="heng", sort=queries.CustomerSort.REVENUE
    ),
    "open deal cards": lambda s, _: queries.deal_cards(s, date(2026, 11, 23), s.me),
    "pipeline with recent wins and losses": lambda s, _: queries.deal_cards(
        s, date(2026, 11, 23), s.me, closed_since=date(2026, 8, 1)
    ),
    "accounts' last contact": lambda s, _: queries.accounts_last_contact(s, s.me),
    "a customer's 360 view": lambda s, customer: load_account(s, customer),
    "a new customer's look-alikes": lambda s, _: duplicates.look_alikes(
        s, {"name": "Hengtai Pumps", "email": "a@hengtai.cn", "phone": "+86 21 5555 0100"}
    ),
    "my month's report": lambda s, _: build_report(s, s.me, Period.parse("2026-11")),
    "the team's week": lambda s, _: build_report(s, None, Period.parse("2026-W48")),
}


_TABLE_AS = re.compile(
    r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(?!WHERE|ON|LEFT|JOIN|ORDER)(\w+))?", re.IGNORECASE
)


def full_scans(plan: list[str], sql: str) -> list[str]:
    """Steps that read a whole big table (plans name a table by its alias).
    Walking an index in order is fine when a LIMIT stops it early."""
    tables = {alias or table: table for table, alias in _TABLE_AS.findall(sql)}
    limited = " LIMIT " in sql.upper()
    return [
        step
        for step in plan
        if step.startswith("SCAN")
        and tables.get(step.split()[1], step.split()[1]) in BIG_TABLES
        and not (limited and "USING" in step and "INDEX" in step)
    ]


@pytest.mark.parametrize("question", QUESTIONS)
def test_no_full_scan_of_a_big_table(demo: Store, question: str) -> None:
    customer = demo.db.execute("SELECT id FROM customers LIMIT 1").fetchone()[0]
    statements: list[str] = []
    demo.db.conn.set_trace_callback(statements.append)
    try:
        QUESTIONS[question](demo, customer)
    finally:
        demo.db.conn.set_trace_callback(None)
    selects = [sql for sql in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert selects
    for sql in selects:
        plan = [row[-1] for row in demo.db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()]
        assert not full_scans(plan, sql), f"{question}: {plan} in\n{sql}"
