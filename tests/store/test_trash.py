"""Deleting, the Trash and restoring, as the store's rules: a delete takes
what belongs to the record and brings it back, the same on every replica."""

from datetime import date

import pytest

from workbench.domain.models import Activity, ActivityKind, Contact, Customer, Deal, FollowUp, Rep
from workbench.domain.periods import Period
from workbench.domain.when import When
from workbench.store import trash
from workbench.store.account import load_account
from workbench.store.actions import add_deal, add_follow_up, complete_follow_up, log_activity
from workbench.store.database import NotFound, Store, fetch_all
from workbench.store.pipeline import delete_stage, move_deal
from workbench.store.queries import deals
from workbench.store.report import build_report


def _book(store: Store, acme: Customer) -> dict[str, str]:
    """Acme with a contact, a deal, a call and two follow-ups (one done)."""
    contact = store.add(Contact(customer_id=acme.id, name="Wang Fang"))
    deal = add_deal(store, Deal(customer_id=acme.id, title="Pumps", currency="CNY", stage="lead"))
    call = log_activity(store, ActivityKind.CALL, acme, note="Asked", deal_id=deal.id).activity
    open_ = add_follow_up(store, acme.id, "Send quote", When(date(2026, 11, 25)), deal.id)
    done = add_follow_up(store, acme.id, "Call", When(date(2026, 11, 20)), deal.id)
    complete_follow_up(store, done.id)
    return {"contact": contact.id, "deal": deal.id, "call": call.id, "open": open_.id}


def _live(store: Store, table: str) -> int:
    return fetch_all(store.db, f"SELECT count(*) AS n FROM {table} WHERE deleted = 0")[0]["n"]


def test_a_customer_goes_with_its_records_and_comes_back_with_them(
    store: Store, acme: Customer, me: Rep
) -> None:
    store.register_device()  # this computer says it is Li Wei's
    _book(store, acme)
    other = store.add(Customer(name="Bolt Ltd"))
    gone = trash.delete(store, "customer", acme.id)
    assert (gone.kind, gone.label, gone.by, gone.others) == ("customer", "Acme Pumps", "Li Wei", 5)
    assert gone.at == store.clock.now()
    for table in ("contacts", "deals", "activities", "follow_ups"):
        assert _live(store, table) == 0, table
    assert [d.id for d in trash.trash(store)] == [acme.id]
    assert store.require(Customer, other.id).deleted is False
    back = trash.restore(store, acme.id[:8])
    assert back.id == acme.id and trash.trash(store) == []
    account = load_account(store, acme.id)
    assert (len(account.contacts), len(account.deals), len(account.follow_ups)) == (1, 1, 1)


def test_a_deal_takes_its_open_follow_ups_and_leaves_its_calls(
    store: Store, acme: Customer
) -> None:
    ids = _book(store, acme)
    gone = trash.delete(store, "deal", ids["deal"])
    assert (gone.kind, gone.others) == ("deal", 1)
    assert store.require(FollowUp, ids["open"]).deleted
    assert _live(store, "activities") == 1, "the call happened: it stays on the timeline"
    assert _live(store, "follow_ups") == 1, "the done one is history"
    assert deals(store, None) == []


def test_what_was_deleted_apart_comes_back_apart(store: Store, acme: Customer) -> None:
    ids = _book(store, acme)
    trash.delete(store, "contact", ids["contact"])
    trash.delete(store, "customer", acme.id)
    assert [d.kind for d in trash.trash(store)] == ["customer", "contact"]
    with pytest.raises(NotFound, match="is in the Trash: restore it"):
        trash.restore(store, ids["contact"])
    trash.restore(store, acme.id)
    assert store.require(Contact, ids["contact"]).deleted, "it was deleted on its own"
    trash.restore(store, ids["contact"])
    assert _live(store, "contacts") == 1


def test_a_deleted_deal_leaves_the_reports(store: Store, acme: Customer) -> None:
    ids = _book(store, acme)
    move_deal(store, ids["deal"], "won")
    month = Period.parse("2026-11")
    before = build_report(store, None, month)
    assert before.results.won_count == 1 and any(n for n, _ in before.conversion.values())
    trash.delete(store, "deal", ids["deal"])
    after = build_report(store, None, month)
    assert after.results.won_count == 0
    assert not any(n for n, _ in after.conversion.values()), "its moves go with it"


def test_a_deal_restored_after_its_stage_went_lands_in_an_open_stage(
    store: Store, acme: Customer
) -> None:
    ids = _book(store, acme)
    trash.delete(store, "deal", ids["deal"])
    delete_stage(store, "lead", move_to="qualified")
    trash.restore(store, ids["deal"])
    assert store.require(Deal, ids["deal"]).stage == "qualified"


def test_nothing_to_delete_or_restore_is_said(store: Store, acme: Customer) -> None:
    with pytest.raises(NotFound, match="no deal"):
        trash.delete(store, "deal", acme.id)
    trash.delete(store, "customer", acme.id)
    with pytest.raises(NotFound, match="no customer"):
        trash.delete(store, "customer", acme.id)
    with pytest.raises(NotFound, match="nothing in the Trash"):
        trash.restore(store, "zzzz")
    with pytest.raises(NotFound, match="nothing in the Trash"):
        trash.restore(store, "")


def test_a_follow_up_comes_back_only_with_its_deal(store: Store, acme: Customer) -> None:
    ids = _book(store, acme)
    trash.delete(store, "follow-up", ids["open"])
    trash.delete(store, "deal", ids["deal"])
    with pytest.raises(NotFound, match="'Pumps' is in the Trash: restore it"):
        trash.restore(store, ids["open"].upper()[:8])  # ids are read whatever their case
    trash.restore(store, ids["deal"])
    trash.restore(store, ids["open"])
    assert not store.require(FollowUp, ids["open"]).deleted


def test_an_activity_in_the_trash_is_not_edited(store: Store, acme: Customer) -> None:
    from workbench.store.actions import edit_activity

    ids = _book(store, acme)
    trash.delete(store, "activity", ids["call"])
    call = store.require(Activity, ids["call"])
    with pytest.raises(NotFound, match="deleted meanwhile"):
        edit_activity(
            store, call.id, kind=call.kind, at=call.at, outcome=None, satisfaction=None, notes="x"
        )
    assert store.require(Activity, ids["call"]).notes == "Asked"
