"""A deal moved into a stage that another device deleted meanwhile lands in
a stage that exists, the same one everywhere."""

from datetime import timedelta
from pathlib import Path

from tests.sync.bundles import content, send
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, Deal, StageMove
from workbench.store.database import Store, fetch_all
from workbench.store.pipeline import add_stage, delete_stage, move_deal
from workbench.sync.conflicts import list_conflicts
from workbench.sync.export import export_bundle, tops
from workbench.sync.importer import import_bundle


def setup(pair: tuple[Store, Store], tmp_path: Path) -> tuple[Store, Store, Deal]:
    a, b = pair
    add_stage(a, "trial", "Trial", 50, after="needs")
    deal = a.add(
        Deal(
            customer_id=a.add(Customer(name="Acme")).id, title="Pumps", currency="CNY", stage="lead"
        )
    )
    send(a, b, tmp_path)
    return a, b, deal


def history(store: Store, deal: Deal) -> list[tuple[str, str]]:
    rows = fetch_all(
        store.db,
        "SELECT from_stage, to_stage FROM stage_history WHERE deal_id = ? "
        "AND deleted = 0 ORDER BY at, id",
        [deal.id],
    )
    return [(row["from_stage"], row["to_stage"]) for row in rows]


def test_it_follows_the_deleted_stages_deals(pair: tuple[Store, Store], tmp_path: Path) -> None:
    a, b, deal = setup(pair, tmp_path)
    other = b.add(Deal(customer_id=deal.customer_id, title="Valves", currency="CNY", stage="trial"))
    send(b, a, tmp_path)
    move_deal(a, deal.id, "trial")  # a has not seen b's delete yet
    delete_stage(b, "trial", move_to="proposal")
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    for store in (a, b):
        assert store.require(Deal, deal.id).stage == "proposal"
        assert store.require(Deal, other.id).stage == "proposal"
        assert ("trial", "proposal") in history(store, deal)
        assert list_conflicts(store) == []
    assert content(a) == content(b)
    assert history(a, deal).count(("trial", "proposal")) == 1


def test_without_a_target_it_goes_to_the_first_open_stage(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b, deal = setup(pair, tmp_path)
    move_deal(a, deal.id, "trial")
    delete_stage(b, "trial")  # it held no deals there
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    assert a.require(Deal, deal.id).stage == b.require(Deal, deal.id).stage == "lead"
    assert content(a) == content(b) and list_conflicts(a) == []
    moves = {
        (move.from_stage, move.to_stage)
        for move in (
            StageMove.model_validate(row) for row in fetch_all(a.db, "SELECT * FROM stage_history")
        )
    }
    assert moves == {("lead", "trial"), ("trial", "lead")}


def test_crossed_deletes_of_the_last_two_open_stages_bring_one_back(
    pair: tuple[Store, Store], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> None:
    """a deletes "lead" into "needs" while b deletes "needs" into "lead": each
    was allowed, as each kept one open stage, but together they took both.
    The one deleted last comes back, on both, and holds every deal."""
    a, b = pair
    for key in ("qualified", "proposal", "negotiation"):
        delete_stage(a, key)
    acme = a.add(Customer(name="Acme"))
    pumps = a.add(Deal(customer_id=acme.id, title="Pumps", currency="CNY", stage="lead"))
    valves = a.add(Deal(customer_id=acme.id, title="Valves", currency="CNY", stage="needs"))
    send(a, b, tmp_path)
    delete_stage(a, "lead", move_to="needs")
    clocks[1].moment += timedelta(minutes=5)  # b deletes after a did
    delete_stage(b, "needs", move_to="lead")
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    for store in (a, b):
        assert [stage.key for stage in store.stages() if stage.kind == "open"] == ["needs"]
        assert {store.require(Deal, deal.id).stage for deal in (pumps, valves)} == {"needs"}
        assert list_conflicts(store) == []
    assert content(a) == content(b)


def test_a_bundle_read_before_an_earlier_one_brings_back_no_stage(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """a adds "trial", then deletes the five other open stages: b reading the
    deletes before the add sees no open stage, but none was crossed; once
    the add arrives, a's pipeline is b's, the deletes kept."""
    a, b = pair
    add_stage(a, "trial", "Trial", 10)
    base = export_bundle(a, tmp_path / "base.json").path
    top = tops(a)[a.device][0]
    for key in ("lead", "qualified", "needs", "proposal", "negotiation"):
        delete_stage(a, key)
    delta = export_bundle(a, tmp_path / "delta.json", after={a.device: top}).path
    import_bundle(b, delta)
    import_bundle(b, base)
    send(b, a, tmp_path)
    for store in (a, b):
        assert [stage.key for stage in store.stages()] == ["trial", "won", "lost"]
    assert content(a) == content(b)
