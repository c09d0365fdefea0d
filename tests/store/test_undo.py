"""Undo takes back a transaction as new changes: fields go back to what they
held, what it made is deleted, and nothing newer is ever overwritten."""

from datetime import date

from tests.sync.bundles import stamps_of
from workbench.domain.models import ActivityKind, Customer, Deal, FollowUp, Rep
from workbench.domain.when import When
from workbench.store import trash
from workbench.store.actions import add_deal, add_follow_up, complete_follow_up, log_activity
from workbench.store.database import Store, fetch_all
from workbench.store.pipeline import move_deal
from workbench.store.undo import undo


def test_each_kind_of_write_is_taken_back(store: Store, acme: Customer, me: Rep) -> None:
    deal = add_deal(store, Deal(customer_id=acme.id, title="Pumps", currency="CNY", stage="lead"))
    call = add_follow_up(store, acme.id, "Call", When(date(2026, 11, 25), rrule="FREQ=WEEKLY"))
    before = fetch_all(store.db, "SELECT * FROM follow_ups ORDER BY id")

    done = stamps_of(store, lambda: complete_follow_up(store, call.id))
    assert store.require(FollowUp, call.id).done_at is not None
    undo(store, done)
    after = fetch_all(store.db, "SELECT * FROM follow_ups WHERE deleted = 0 ORDER BY id")
    strip = [{k: v for k, v in row.items() if k != "updated_at"} for row in before]
    assert [{k: v for k, v in r.items() if k != "updated_at"} for r in after] == strip, (
        "open again, and the next one of the series made by done is gone"
    )

    moved = stamps_of(store, lambda: move_deal(store, deal.id, "lost", reason="Price"))
    undo(store, moved)
    back = store.require(Deal, deal.id)
    assert (back.stage, back.reason, back.closed_on) == ("lead", None, None)
    moves = fetch_all(store.db, "SELECT to_stage FROM stage_history WHERE deleted = 0")
    assert [m["to_stage"] for m in moves] == ["lead"], "history holds no move that was undone"

    logged = stamps_of(store, lambda: log_activity(store, ActivityKind.CALL, acme, note="Hi"))
    undo(store, logged)
    assert fetch_all(store.db, "SELECT id FROM activities WHERE deleted = 0") == []

    edited = stamps_of(store, lambda: store.update(Customer, acme.id, name="Acme Ltd", tags=["x"]))
    undo(store, edited)
    assert (store.require(Customer, acme.id).name, store.require(Customer, acme.id).tags) == (
        "Acme Pumps",
        [],
    )

    gone = stamps_of(store, lambda: trash.delete(store, "customer", acme.id))
    undo(store, gone)
    assert acme.id not in [d.id for d in trash.trash(store)]
    assert not store.require(Deal, deal.id).deleted
    # What an undo unmade is in the Trash, whence it can come back.
    assert [d.kind for d in trash.trash(store)] == ["activity", "follow-up"]


def test_undos_in_turn_walk_back_the_same_field(store: Store, acme: Customer) -> None:
    first = stamps_of(store, lambda: store.update(Customer, acme.id, name="Two"))
    second = stamps_of(store, lambda: store.update(Customer, acme.id, name="Three"))
    undo(store, second)
    undo(store, first)
    assert store.require(Customer, acme.id).name == "Acme Pumps"
