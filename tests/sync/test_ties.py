"""Every answer depends only on the synced rows: two replicas holding the
same rows in a different storage order list, page and count alike."""

from datetime import date, timedelta
from pathlib import Path

from tests.sync.bundles import content, send
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, Deal, FollowUp, Metric, Rep
from workbench.domain.periods import Period
from workbench.store.actions import set_target
from workbench.store.database import Store, open_store
from workbench.store.pipeline import move_deal
from workbench.store.queries import customer_list, customers, deals, today_agenda
from workbench.store.report import build_report
from workbench.store.schema import ENTITIES


def _team(store: Store) -> None:
    """Rows that tie on everything they are sorted by but their ids."""
    rep = store.add(Rep(name="Li Wei"))
    settings = store.settings()
    settings.me = rep.id
    store.save_settings(settings)
    for _ in range(6):
        twin = store.add(Customer(name="Same Name", tier="A"))
        store.add(FollowUp(customer_id=twin.id, title="Call", due_date=date(2026, 11, 23)))
        deal = store.add(
            Deal(customer_id=twin.id, title="Same deal", currency="CNY", stage="lead", amount=100)
        )
        move_deal(store, deal.id, "qualified")  # these moves share one moment
        move_deal(store, deal.id, "lead")


def _copy(source: Path, path: Path, clock: FixedClock, order: str) -> Store:
    """The same synced rows as `source`, stored in their first column's `order`."""
    copy = open_store(path, clock=clock)
    copy.db.execute("ATTACH ? AS source", [str(source)])
    with copy.transaction():
        for table in [*ENTITIES, "changes"]:
            copy.db.execute(f"DELETE FROM {table}")
            copy.db.execute(f"INSERT INTO {table} SELECT * FROM source.{table} ORDER BY 1 {order}")
    copy.db.execute("DETACH source")
    copy.save_settings(open_store(source, clock=clock).settings())
    return copy


def _answers(store: Store) -> list[object]:
    period = Period.parse("2026-11")
    return [
        [row.id for row in customers(store, limit=3)],
        [row.id for row in customers(store, "Same", limit=3)],
        [row.id for row in customer_list(store, "CNY", limit=3)],
        [row.id for row in deals(store, None)],
        [item.key for item in today_agenda(store)],
        build_report(store, None, period).conversion,
    ]


def test_ties_come_out_alike_whatever_the_storage_order(tmp_path: Path, clock: FixedClock) -> None:
    original = open_store(tmp_path / "a.db", clock=clock)
    _team(original)
    up = _copy(tmp_path / "a.db", tmp_path / "up.db", clock, "ASC")
    down = _copy(tmp_path / "a.db", tmp_path / "down.db", clock, "DESC")
    stored = "SELECT id FROM customers WHERE rowid > 0"
    assert down.db.execute(stored).fetchall() == up.db.execute(stored).fetchall()[::-1]
    assert _answers(up) == _answers(down) == _answers(original)


def test_the_same_target_set_on_two_machines_conflicts_on_its_amount_alone(
    tmp_path: Path, pair: tuple[Store, Store], clocks: tuple[FixedClock, FixedClock]
) -> None:
    a, b = pair
    rep = a.add(Rep(name="Li Wei"))
    send(a, b, tmp_path)
    set_target(a, rep.id, Metric.CALLS, "2026-12", 40)
    clocks[1].advance(timedelta(minutes=5))  # made later, by someone else
    set_target(b, rep.id, Metric.CALLS, "2026-12", 50)
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    assert content(a) == content(b)
    fields = {row[0] for row in a.db.execute("SELECT field FROM conflicts")}
    assert fields == {"amount"}  # owner and created_at were never edited
    (created,) = a.db.execute("SELECT created_at FROM targets").fetchone()
    assert created.startswith("2026-11-23T01:30")  # the first one made
