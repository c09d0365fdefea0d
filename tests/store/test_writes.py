import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from workbench.domain.clock import FixedClock
from workbench.domain.hlc import Stamp
from workbench.domain.models import Customer, Deal, Rep
from workbench.domain.settings import Settings, SettingsError
from workbench.domain.targets import Split
from workbench.store.database import NotFound, Store, fetch_all, open_store
from workbench.store.location import DeviceRegistry
from workbench.store.schema import dump


def changes(store: Store, row_id: str | None = None) -> list[dict]:
    """The changes this device wrote (not the seeded default stages)."""
    where, params = ("AND row_id = ?", [row_id]) if row_id else ("", [])
    return fetch_all(
        store.db,
        f"SELECT * FROM changes WHERE origin = ? {where} ORDER BY origin, seq",
        [store.device, *params],
    )


def test_add_logs_one_change_per_set_field(store: Store, me: Rep) -> None:
    customer = store.add(Customer(name="Acme", tier="A", tags=["vip"]))
    logged = {c["field"]: json.loads(c["value"]) for c in changes(store, customer.id)}
    assert logged == {
        "created_at": "2026-11-23T01:30:00Z",
        "owner": me.id,
        "name": "Acme",
        "kind": "company",
        "tier": "A",
        "tags": ["vip"],
    }
    assert {c["hlc"] for c in changes(store, customer.id)} == {customer.updated_at}
    assert customer.owner == me.id


def test_update_logs_only_what_changed_and_supersedes_head(store: Store, acme: Customer) -> None:
    before = {c["field"]: c for c in changes(store, acme.id)}
    updated = store.update(Customer, acme.id, tier="B", name="Acme Pumps")
    after = [c for c in changes(store, acme.id) if c["hlc"] == updated.updated_at]
    assert {c["field"] for c in after} == {"tier"}  # the name did not change
    (tier,) = after
    prev = before["tier"]
    assert json.loads(tier["prev"]) == [f"{prev['origin']}:{prev['seq']}"]
    assert store.require(Customer, acme.id).tier == "B"


def test_grouped_fields_travel_together(store: Store, acme: Customer) -> None:
    deal = store.add(
        Deal(customer_id=acme.id, title="Pumps", amount=100, currency="CNY", stage="lead")
    )
    store.update(Deal, deal.id, amount=250)
    amounts = [json.loads(c["value"]) for c in changes(store, deal.id) if c["field"] == "amount"]
    assert amounts == [{"amount": 100, "currency": "CNY"}, {"amount": 250, "currency": "CNY"}]


def test_stamps_and_sequence_numbers_always_increase(store: Store, clock: FixedClock) -> None:
    for step in (timedelta(0), timedelta(0), timedelta(hours=-3), timedelta(days=1)):
        clock.advance(step)  # the wall clock may stand still or jump back
        store.add(Customer(name="C"))
    rows = changes(store)
    stamps = [Stamp.parse(c["hlc"]) for c in rows]
    assert stamps == sorted(stamps)
    assert [c["seq"] for c in rows] == list(range(1, len(rows) + 1))


def test_delete_is_a_tombstone(store: Store, acme: Customer) -> None:
    store.delete(Customer, acme.id)
    assert store.require(Customer, acme.id).deleted is True
    assert [json.loads(c["value"]) for c in changes(store, acme.id) if c["field"] == "deleted"] == [
        True
    ]


def test_invalid_update_changes_nothing(store: Store, acme: Customer) -> None:
    before = changes(store)
    with pytest.raises(ValidationError):
        store.update(Customer, acme.id, email="not-an-email")
    with pytest.raises(ValidationError, match="no stage 'nope'"):
        store.add(Deal(customer_id=acme.id, title="x", currency="CNY", stage="nope"))
    assert changes(store) == before
    assert store.require(Customer, acme.id).email is None


def test_failed_transaction_rolls_back_every_write(store: Store, acme: Customer) -> None:
    before = changes(store)
    with pytest.raises(RuntimeError), store.transaction():
        store.update(Customer, acme.id, tier="C")
        store.add(Customer(name="Other"))
        raise RuntimeError("interrupted")
    assert changes(store) == before
    assert store.require(Customer, acme.id).tier == "A"
    store.add(Customer(name="After"))  # the next write continues the sequence cleanly
    assert [c["seq"] for c in changes(store)] == list(range(1, len(changes(store)) + 1))


def test_unknown_records_and_fixed_fields(store: Store) -> None:
    with pytest.raises(NotFound):
        store.update(Customer, "no-such-id", tier="A")
    with pytest.raises(ValueError, match="cannot be changed"):
        store.update(Customer, "x", id="y")


def test_two_connections_on_one_file_never_reuse_a_change_name(tmp_path: Path) -> None:
    first, second = open_store(tmp_path / "db.db"), open_store(tmp_path / "db.db")
    for i in range(5):
        (first if i % 2 else second).add(Customer(name=f"C{i}"))
    rows = changes(first)
    assert len({(c["origin"], c["seq"]) for c in rows}) == len(rows)
    assert [Stamp.parse(c["hlc"]) for c in rows] == sorted(Stamp.parse(c["hlc"]) for c in rows)
    first.close()
    second.close()


def test_copied_database_takes_a_new_device_id(tmp_path: Path) -> None:
    registry = DeviceRegistry(tmp_path / "config" / "devices.json")
    original = open_store(tmp_path / "a.db", registry=registry)
    device = original.device
    original.close()
    assert open_store(tmp_path / "a.db", registry=registry).device == device
    shutil.copy(tmp_path / "a.db", tmp_path / "copy.db")
    assert open_store(tmp_path / "copy.db", registry=registry).device != device


def test_settings_round_trip(store: Store) -> None:
    assert store.settings() == Settings()
    chosen = Settings(
        theme="textual-light",
        currency="usd",
        touch_days={"A": 14},
        holidays=[date(2026, 12, 25)],
        target_split=Split.LAST_YEAR,
    )
    store.save_settings(chosen)
    assert store.settings() == chosen
    assert store.settings().currency == "USD"


def test_a_bad_setting_is_not_saved(store: Store) -> None:
    settings = store.settings()
    settings.theme = "x" * 81  # assigned after it was made: checked when saved
    with pytest.raises(SettingsError, match="theme: must be text of 1 to 80"):
        store.save_settings(settings)
    assert store.settings() == Settings()


def test_failed_nested_write_undoes_only_itself(store: Store, acme: Customer) -> None:
    with store.transaction():
        store.update(Customer, acme.id, tier="B")
        with pytest.raises(RuntimeError), store.transaction():
            store.add(Customer(name="Half-written"))
            raise RuntimeError("interrupted")
        store.add(Customer(name="Kept"))
    names = [row["name"] for row in fetch_all(store.db, "SELECT name FROM customers ORDER BY name")]
    assert names == ["Acme Pumps", "Kept"]
    assert store.require(Customer, acme.id).tier == "B"
    assert [c["seq"] for c in changes(store)] == list(range(1, len(changes(store)) + 1))


def _index_sql(store: Store) -> set[str]:
    sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    return {row["sql"] for row in fetch_all(store.db, sql)}


def test_bulk_load_rebuilds_every_index_even_after_a_failure(store: Store, me: Rep) -> None:
    before = _index_sql(store)
    assert any("changes_field" in sql for sql in before)
    with store.bulk_load():
        assert not any("changes_field" in sql for sql in _index_sql(store))
        with store.transaction():
            store.add_many(Customer, [dump(Customer(name=f"C{i}", owner=me.id)) for i in range(3)])
    assert _index_sql(store) == before
    # the tables derived from customers are filled, and their triggers are back
    derived = "SELECT (SELECT count(*) FROM customer_keys), (SELECT count(*) FROM customer_search)"
    assert store.db.execute(derived).fetchone() == (3, 3)
    store.add(Customer(name="C3"))
    assert store.db.execute(derived).fetchone() == (4, 4)
    with pytest.raises(RuntimeError), store.bulk_load():
        raise RuntimeError("interrupted")
    assert _index_sql(store) == before
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM changes WHERE entity = 'customers' AND row_id = 'x'"
    ).fetchall()
    assert "changes_field" in str(plan)


def test_setting_a_target_again_updates_only_what_was_given(store: Store, me: Rep) -> None:
    from workbench.domain.models import Target

    target_id = Target.id_for(me.id, "calls", "2026-W48")
    first = store.add(
        Target(id=target_id, rep_id=me.id, period="2026-W48", metric="calls", amount=50)
    )
    again = store.add(
        Target(id=target_id, rep_id=me.id, period="2026-W48", metric="calls", amount=60)
    )
    assert (again.amount, again.created_at) == (60, first.created_at)
    fields = [c["field"] for c in changes(store, target_id) if c["hlc"] == again.updated_at]
    assert fields == ["amount"]


def test_a_deal_whose_stage_is_gone_can_still_be_read(store: Store, acme: Customer) -> None:
    from workbench.domain.models import Stage

    deal = store.add(Deal(customer_id=acme.id, title="x", currency="CNY", stage="needs"))
    store.delete(Stage, "needs")
    assert store.require(Deal, deal.id).stage == "needs"
    with pytest.raises(ValidationError, match="no stage 'needs'"):
        store.update(Deal, deal.id, title="y")  # writing checks it


def test_a_deal_without_a_customer_is_given_one_and_keeps_it(store: Store, acme: Customer) -> None:
    """A CRM's deal exported without its company gets one; a deal that has
    one is not moved to another (its calls and follow-ups are the first's)."""
    from workbench.store.actions import DealTaken, add_deal, set_deal_customer

    deal = add_deal(store, Deal(title="Seed round", currency="USD", stage="lead"))
    assert deal.customer_id is None
    assert set_deal_customer(store, deal.id, "acm").id == acme.id  # as `log` finds a customer
    assert store.require(Deal, deal.id).customer_id == acme.id
    store.add(Customer(name="Globex"))
    logged = len(changes(store))
    assert set_deal_customer(store, deal.id, acme.id).id == acme.id  # the same: nothing written
    with pytest.raises(DealTaken, match="'Seed round' is Acme Pumps's deal already"):
        set_deal_customer(store, deal.id, "Globex")
    assert store.require(Deal, deal.id).customer_id == acme.id
    assert len(changes(store)) == logged


def test_editing_a_deal_names_its_customer_once_and_never_moves_it(
    store: Store, acme: Customer
) -> None:
    """The deal form's save: fields change in one go; a deal without a
    customer is given the one typed; one with a customer keeps it, even when
    that customer's record is gone (a teammate's not yet here)."""
    from workbench.store.actions import DealTaken, add_deal, edit_deal

    deal = add_deal(store, Deal(title="Seed round", currency="USD", stage="lead"))
    form = {"amount": 5_000_00, "expected_close": None, "probability": 40, "next_step": None}
    edit_deal(store, deal.id, "Acme", title="Seed round A", **form)
    edited = store.require(Deal, deal.id)
    assert (edited.customer_id, edited.title, edited.amount) == (acme.id, "Seed round A", 5_000_00)
    assert edited.probability == 40
    store.add(Customer(name="Globex"))
    with pytest.raises(DealTaken):
        edit_deal(store, deal.id, "Globex", title="Moved?", **form)
    assert store.require(Deal, deal.id).title == "Seed round A"  # nothing of it saved
    store.delete(Customer, acme.id)
    edit_deal(store, deal.id, acme.id, title="Seed round B", **form)
    assert store.require(Deal, deal.id).customer_id == acme.id
