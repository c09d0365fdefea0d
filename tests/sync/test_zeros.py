"""Every value arrives as it was written: zero and false included."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from tests.sync.bundles import content, send
from workbench.domain.clock import FixedClock
from workbench.domain.models import Activity, Customer, Deal, Stage
from workbench.store.database import Store, open_store
from workbench.store.pipeline import add_stage

AT = datetime(2026, 11, 20, 8, tzinfo=UTC)


def test_zeros_reach_the_other_replica(pair: tuple[Store, Store], tmp_path: Path) -> None:
    a, b = pair
    acme = a.add(Customer(name="Acme"))
    deal = a.add(
        Deal(
            customer_id=acme.id,
            title="Free trial",
            currency="CNY",
            amount=0,
            stage="proposal",
            probability=0,
        )
    )
    call = a.add(Activity(kind="call", customer_id=acme.id, at=AT, duration_min=0))
    add_stage(a, "parked", "Parked", 0)
    send(a, b, tmp_path)
    assert b.require(Deal, deal.id).probability == 0  # not the stage's 60%
    assert b.require(Deal, deal.id).amount == 0
    assert b.require(Activity, call.id).duration_min == 0  # not "no duration"
    assert b.require(Stage, "parked").probability == 0
    assert [s.key for s in b.stages()] == [s.key for s in a.stages()]
    assert content(a) == content(b)


def test_an_older_writers_unlogged_zeros_are_logged_on_upgrade(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Before 0009 a zero stayed in the writer's table and out of its log;
    upgrading logs it, so the next bundle carries it."""
    path = tmp_path / "old.db"
    old = open_store(path, clock=clock)
    acme = old.add(Customer(name="Acme"))
    deal = old.add(
        Deal(customer_id=acme.id, title="Trial", currency="CNY", stage="lead", probability=0)
    )
    old.close()
    conn = sqlite3.connect(path, isolation_level=None)  # back to 0008 (0011 is unrelated)
    conn.execute("DELETE FROM changes WHERE row_id = ? AND field = 'probability'", [deal.id])
    conn.execute("DELETE FROM changes WHERE origin = 'seed'")
    conn.execute("DROP TABLE incomplete")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name >= '0009' AND name < '0011'")
    conn.close()
    upgraded = open_store(path, clock=clock)
    fresh = open_store(tmp_path / "fresh.db", clock=clock)
    send(upgraded, fresh, tmp_path)
    assert fresh.require(Deal, deal.id).probability == 0
    again = open_store(tmp_path / "again.db", clock=clock)
    assert again.db.execute("SELECT count(*) FROM changes WHERE origin <> 'seed'").fetchone() == (
        0,
    ), "a new database has nothing to repair"
    for store in (upgraded, fresh, again):
        store.close()
