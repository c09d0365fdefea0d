import hashlib
import itertools
from pathlib import Path

from workbench.demo import Shape, generate
from workbench.domain.clock import FixedClock
from workbench.domain.models import MODELS, Deal
from workbench.store.database import Store, fetch_all, open_store
from workbench.store.queries import counts
from workbench.store.schema import ENTITIES, decode


def make(path: Path, seed: int = 7, customers: int = 200) -> Store:
    store = open_store(path, clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    generate(store, seed=seed, shape=Shape(customers=customers))
    return store


def fingerprint(store: Store) -> str:
    digest = hashlib.sha256()
    for table in ENTITIES.keys() - {"device_claims"}:  # (names this device, as updated_at does)
        for row in fetch_all(store.db, f"SELECT * FROM {table} ORDER BY id"):
            row.pop("updated_at")  # a clock stamp naming this device
            digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


def test_same_seed_same_data_different_seed_different(tmp_path: Path) -> None:
    first = fingerprint(make(tmp_path / "a.db"))
    assert fingerprint(make(tmp_path / "b.db")) == first
    assert fingerprint(make(tmp_path / "c.db", seed=8)) != first


def test_sizes_are_about_what_the_issue_asks(tmp_path: Path) -> None:
    made = counts(make(tmp_path / "demo.db"))
    assert made["reps"] == 4 and made["customers"] == 200
    assert 130 <= made["deals"] <= 180  # ~150
    assert 1800 <= made["activities"] <= 2200  # ~2,000
    assert made["targets"] >= 4


def test_every_row_is_a_valid_record(tmp_path: Path) -> None:
    store = make(tmp_path / "demo.db", customers=60)
    context = {"stages": store.stage_kinds()}
    for table, model in MODELS.items():
        for row in fetch_all(store.db, f"SELECT * FROM {table}"):
            model.model_validate(
                decode(ENTITIES[table], row), context=context if model is Deal else None
            )


def test_pipeline_and_history_agree(tmp_path: Path) -> None:
    store = make(tmp_path / "demo.db")
    stages = {row["stage"] for row in fetch_all(store.db, "SELECT stage FROM deals")}
    assert stages == {"lead", "qualified", "needs", "proposal", "negotiation", "won", "lost"}
    for deal in fetch_all(store.db, "SELECT id, stage, closed_on FROM deals"):
        moves = fetch_all(
            store.db,
            "SELECT from_stage, to_stage, at FROM stage_history WHERE deal_id = ? ORDER BY at",
            [deal["id"]],
        )
        assert moves[0]["from_stage"] is None and moves[0]["to_stage"] == "lead"
        assert moves[-1]["to_stage"] == deal["stage"]
        assert all(a["to_stage"] == b["from_stage"] for a, b in itertools.pairwise(moves))
        assert (deal["closed_on"] is not None) == (deal["stage"] in ("won", "lost"))


def test_follow_ups_around_today(tmp_path: Path) -> None:
    store = make(tmp_path / "demo.db")
    me = store.me
    rows = fetch_all(
        store.db, "SELECT due_date, recurrence, done_at FROM follow_ups WHERE owner = ?", [me]
    )
    open_ones = [r for r in rows if r["done_at"] is None]
    assert any(r["due_date"] < "2026-11-23" for r in open_ones), "some overdue"
    assert any(r["due_date"] > "2026-11-23" for r in open_ones), "some ahead"
    assert any(r["recurrence"] for r in rows), "some recurring"
    assert any(r["done_at"] for r in rows), "some done"


def test_activities_on_a_deal_come_after_it_was_created(tmp_path: Path) -> None:
    store = make(tmp_path / "demo.db")
    early = fetch_all(
        store.db,
        "SELECT count(*) AS n FROM activities a JOIN deals d "
        "ON d.id = a.deal_id WHERE a.at < d.created_at",
    )
    linked = fetch_all(store.db, "SELECT count(*) AS n FROM activities WHERE deal_id IS NOT NULL")
    assert early[0]["n"] == 0 and linked[0]["n"] > 100
