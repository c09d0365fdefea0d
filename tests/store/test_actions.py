"""What a rep does, as the store's actions: the rules the app and the CLI
share, tested without a terminal."""

from datetime import date

import pytest
from pydantic import ValidationError

from workbench.domain.models import ActivityKind, Customer, Deal, FollowUp, Outcome, Rep
from workbench.domain.when import When
from workbench.store.actions import add_deal, add_follow_up, log_done, new_deal
from workbench.store.database import NotFound, Store, fetch_all
from workbench.store.lookup import whose


def test_done_with_a_log_lands_on_the_follow_ups_customer_and_deal(
    store: Store, acme: Customer
) -> None:
    deal = add_deal(store, Deal(customer_id=acme.id, title="Pumps", currency="CNY", stage="lead"))
    weekly = add_follow_up(
        store, acme.id, "Weekly call", When(date(2026, 11, 23), rrule="FREQ=WEEKLY"), deal.id
    )
    logged = log_done(
        store,
        weekly.id,
        ActivityKind.CALL,
        note="Asked for a quote",
        outcome=Outcome.CONNECTED,
        satisfaction=4,
    )
    activity = logged.activity
    assert (activity.customer_id, activity.deal_id, activity.notes, activity.satisfaction) == (
        acme.id,
        deal.id,
        "Asked for a quote",
        4,
    )
    assert store.require(FollowUp, weekly.id).done_at is not None
    assert logged.follow_up is not None and logged.follow_up.due_date == date(2026, 11, 30)
    again = log_done(store, logged.follow_up.id, ActivityKind.CALL, repeat=False)
    assert again.follow_up is None, "the series ends when asked"


def test_done_with_a_bad_log_leaves_the_follow_up_open(store: Store, acme: Customer) -> None:
    call = add_follow_up(store, acme.id, "Call back", When(date(2026, 11, 23)))
    before = fetch_all(store.db, "SELECT count(*) AS n FROM changes")[0]["n"]
    with pytest.raises(ValidationError):
        log_done(store, call.id, ActivityKind.CALL, satisfaction=9)
    assert store.require(FollowUp, call.id).done_at is None
    assert fetch_all(store.db, "SELECT count(*) AS n FROM changes")[0]["n"] == before
    assert fetch_all(store.db, "SELECT id FROM activities") == []


def test_a_new_deal_is_in_the_home_currency_with_its_first_stage_step(
    store: Store, acme: Customer
) -> None:
    deal = new_deal(store, "acme", "Conveyor", amount=250_000_00)
    assert (deal.customer_id, deal.currency, deal.stage) == (acme.id, "CNY", "lead")
    steps = fetch_all(
        store.db, "SELECT from_stage, to_stage FROM stage_history WHERE deal_id = ?", [deal.id]
    )
    assert [(s["from_stage"], s["to_stage"]) for s in steps] == [(None, "lead")]


def test_whose_records_is_read_one_way_everywhere(store: Store, me: Rep) -> None:
    """The pipeline's filter, `report --rep` and `target list --rep` alike."""
    min_ = store.add(Rep(name="Zhou Min"))
    ming = store.add(Rep(name="Zhou Ming"))
    for text in ("me", "Mine", "", "  ", "li wei", "li"):
        assert whose(store, text) == me.id, text
    for text in ("everyone", "All", "team"):
        assert whose(store, text) is None, text
    assert whose(store, "zhou min") == min_.id  # a whole name, though another starts with it
    assert whose(store, "Zhou Ming") == ming.id
    with pytest.raises(NotFound, match="'zhou' starts several reps' names"):
        whose(store, "zhou")
    with pytest.raises(NotFound, match="no rep named 'Wang'"):
        whose(store, "Wang")


def test_resolving_a_complaint_logs_what_was_done_and_closes_its_follow_up(
    store: Store, acme: Customer, me: Rep
) -> None:
    """The note is the customer's history (on the complaint's deal too); the
    follow-up logged with the complaint is done; any other stays open."""
    from workbench.domain.models import Activity
    from workbench.store.actions import log_activity, resolve_complaint

    deal = new_deal(store, acme.id, "Pumps")
    complaint = log_activity(
        store,
        ActivityKind.COMPLAINT,
        acme,
        note="Late delivery",
        deal_id=deal.id,
        next_when=When(date(2026, 11, 25)),
    )
    other = add_follow_up(store, acme.id, "Quarterly review", When(date(2026, 11, 30)))
    assert complaint.follow_up is not None
    resolve_complaint(store, complaint.activity.id, "  Sent the parts by courier ")
    done = {
        row["id"]: row["done_at"]
        for row in fetch_all(store.db, "SELECT id, done_at FROM follow_ups")
    }
    assert done[complaint.follow_up.id] is not None and done[other.id] is None
    (note,) = fetch_all(store.db, "SELECT * FROM activities WHERE kind = 'note'")
    assert (note["notes"], note["customer_id"], note["deal_id"]) == (
        "Sent the parts by courier",
        acme.id,
        deal.id,
    )
    assert store.require(Activity, complaint.activity.id).complaint_status == "resolved"
    with pytest.raises(NotFound, match="is not a complaint"):
        resolve_complaint(store, note["id"], "x")
