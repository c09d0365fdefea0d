"""Every question a pane asks is answered through an index (shared/DESIGN.md:
a full scan of a big table turns 0.2 ms into 100 ms at 100k customers)."""

import re
from pathlib import Path

import pytest

from workbench.demo import Shape, generate
from workbench.domain.clock import FixedClock
from workbench.store.database import Store, open_store
from workbench.store.questions import QUESTIONS, Subject

BIG_TABLES = ("activities", "deals", "follow_ups", "customers", "contacts", "changes")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path: Path = tmp_path_factory.mktemp("plans") / "demo.db"
    store = open_store(path, clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    generate(store, shape=Shape(customers=50))
    return store


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
    customer, deal = demo.db.execute("SELECT customer_id, id FROM deals LIMIT 1").fetchone()
    statements: list[str] = []
    demo.db.set_trace_callback(statements.append)
    try:
        QUESTIONS[question](demo, Subject(customer, deal))
    finally:
        demo.db.set_trace_callback(None)
    selects = [sql for sql in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert selects
    for sql in selects:
        plan = [row[-1] for row in demo.db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()]
        assert not full_scans(plan, sql), f"{question}: {plan} in\n{sql}"
