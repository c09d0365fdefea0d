"""A delete, a restore and an undo are changes like any other: they reach a
teammate, and what a teammate wrote meanwhile is never lost."""

from datetime import timedelta
from pathlib import Path

import pytest

from tests.sync.bundles import content, send, stamps_of
from workbench.domain.clock import FixedClock
from workbench.domain.models import ActivityKind, Customer, Deal
from workbench.store import trash
from workbench.store.account import load_account
from workbench.store.actions import add_deal, log_activity, set_me
from workbench.store.database import Store
from workbench.store.pipeline import move_deal
from workbench.store.undo import CannotUndo, undo
from workbench.sync.conflicts import keep, list_conflicts


def _acme(li: Store, sam: Store, folder: Path) -> Customer:
    set_me(li, "Li Wei")
    acme = li.add(Customer(name="Acme"))
    add_deal(li, Deal(customer_id=acme.id, title="Pumps", currency="CNY", stage="lead"))
    send(li, sam, folder)
    set_me(sam, "Sam Patel")
    return acme


def test_a_delete_and_a_restore_reach_a_teammate(pair: tuple[Store, Store], tmp_path: Path) -> None:
    li, sam = pair
    acme = _acme(li, sam, tmp_path)
    trash.delete(li, "customer", acme.id)
    send(li, sam, tmp_path)
    (seen,) = trash.trash(sam)
    assert (seen.id, seen.by, seen.others) == (acme.id, "Li Wei", 1)
    trash.restore(sam, acme.id)  # Sam brings it back: Li gets that too
    send(sam, li, tmp_path)
    assert trash.trash(li) == [] and len(load_account(li, acme.id).deals) == 1
    assert content(li) == content(sam)


def test_an_undo_reaches_a_teammate(pair: tuple[Store, Store], tmp_path: Path) -> None:
    li, sam = pair
    acme = _acme(li, sam, tmp_path)
    (deal,) = load_account(li, acme.id).deals
    won = stamps_of(li, lambda: move_deal(li, deal.id, "won"))
    send(li, sam, tmp_path)
    assert sam.require(Deal, deal.id).stage == "won"
    undo(li, won)
    send(li, sam, tmp_path)
    assert sam.require(Deal, deal.id).stage == "lead"
    moves = "SELECT count(*) FROM stage_history WHERE deleted = 0 AND to_stage = 'won'"
    assert sam.db.execute(moves).fetchone() == (0,), "history keeps no move that was undone"


def test_a_call_logged_while_its_customer_was_deleted_is_kept(
    pair: tuple[Store, Store], clocks: tuple[FixedClock, FixedClock], tmp_path: Path
) -> None:
    li, sam = pair
    acme = _acme(li, sam, tmp_path)
    trash.delete(li, "customer", acme.id)
    clocks[1].advance(timedelta(minutes=1))
    log_activity(sam, ActivityKind.CALL, sam.require(Customer, acme.id), note="Called")
    send(li, sam, tmp_path)
    send(sam, li, tmp_path)
    assert content(li) == content(sam)
    trash.restore(li, acme.id)  # the customer comes back with Sam's call on its timeline
    assert [entry.notes for entry in load_account(li, acme.id).timeline] == ["Called"]


def _conflict(
    pair: tuple[Store, Store], clocks: tuple[FixedClock, FixedClock], folder: Path
) -> tuple[Store, Customer]:
    li, sam = pair
    acme = li.add(Customer(name="Acme"))
    send(li, sam, folder)
    li.update(Customer, acme.id, name="Acme Li")
    clocks[1].advance(timedelta(minutes=1))
    sam.update(Customer, acme.id, name="Acme Sam")
    send(sam, li, folder)
    return li, acme


@pytest.mark.parametrize("settle", ["keep", "edit"])
def test_an_undo_never_throws_away_a_conflict_that_was_settled(
    pair: tuple[Store, Store], clocks: tuple[FixedClock, FixedClock], tmp_path: Path, settle: str
) -> None:
    li, acme = _conflict(pair, clocks, tmp_path)
    (crossed,) = list_conflicts(li)
    if settle == "keep":
        stamps = stamps_of(li, lambda: keep(li, crossed, crossed.other))
    else:
        stamps = stamps_of(li, lambda: li.update(Customer, acme.id, name="Acme X"))
    before = content(li)
    with pytest.raises(CannotUndo, match="settled a conflict"):
        undo(li, stamps)
    assert content(li) == before


@pytest.mark.parametrize(
    ("seen", "theirs"),
    [(True, "Acme Pumps Ltd"), (False, "Acme Pumps")],
    ids=["a-later-edit", "the-same-value-meanwhile"],
)
def test_an_undo_never_overwrites_a_teammate(
    pair: tuple[Store, Store],
    clocks: tuple[FixedClock, FixedClock],
    tmp_path: Path,
    seen: bool,
    theirs: str,
) -> None:
    li, sam = pair
    acme = li.add(Customer(name="Acme"))
    send(li, sam, tmp_path)
    mine = stamps_of(li, lambda: li.update(Customer, acme.id, name="Acme Pumps"))
    if seen:
        send(li, sam, tmp_path)
    clocks[1].advance(timedelta(minutes=1))
    sam.update(Customer, acme.id, name=theirs)  # later: a new name, or on his own the same
    send(sam, li, tmp_path)
    before = content(li)
    with pytest.raises(CannotUndo, match=r"Not undone: the Name of 'Acme Pumps.*' changed since"):
        undo(li, mine)
    assert content(li) == before


def test_an_undone_customer_never_leaves_a_teammates_deal_over_it(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    li, sam = pair
    made = stamps_of(li, lambda: li.add(Customer(name="Acme")))
    (acme,) = [row[0] for row in li.db.execute("SELECT id FROM customers")]
    send(li, sam, tmp_path)
    add_deal(sam, Deal(customer_id=acme, title="Pumps", currency="CNY", stage="lead"))
    send(sam, li, tmp_path)
    with pytest.raises(CannotUndo, match="has records of its own since"):
        undo(li, made)
    assert not li.require(Customer, acme).deleted
