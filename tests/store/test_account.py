"""The 360° view's data, against a customer whose figures are worked out by hand."""

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from workbench.domain.models import (
    Activity,
    ActivityKind,
    Contact,
    Customer,
    Deal,
    FollowUp,
    Rep,
)
from workbench.store.account import load_account
from workbench.store.database import NotFound, Store


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def acme_story(store: Store, acme: Customer, me: Rep) -> Customer:
    other = store.add(Customer(name="Other Co"))
    deal = {"customer_id": acme.id, "currency": "CNY"}
    for title, stage, amount, extra in [
        ("Pumps 2024", "won", 1_000_000, {"closed_on": date(2024, 5, 1)}),
        ("Valves", "won", 250_000, {"closed_on": date(2025, 3, 1)}),
        ("Seals", "lost", 900_000, {"closed_on": date(2025, 6, 1)}),
        ("Spares (USD)", "won", 40_000, {"closed_on": date(2026, 1, 10), "currency": "USD"}),
        ("Pumps 2027", "proposal", 2_000_000, {"expected_close": date(2026, 12, 20)}),
        ("Service", "lead", 300_000, {"probability": 50}),
        ("Gone", "needs", 777_777, {"deleted": True}),
    ]:
        store.add(Deal(**deal | {"title": title, "stage": stage, "amount": amount} | extra))
    store.add(
        Deal(
            customer_id=other.id,
            title="Not Acme's",
            currency="CNY",
            stage="won",
            amount=5_000_000,
            closed_on=date(2026, 1, 1),
        )
    )
    visit = {"customer_id": acme.id, "kind": ActivityKind.VISIT}
    store.add(Activity(**visit, at=at("2026-10-01T02:00:00"), satisfaction=4))
    store.add(Activity(**visit, at=at("2026-11-02T03:00:00"), satisfaction=5))
    store.add(Activity(**visit, at=at("2026-11-20T01:00:00"), satisfaction=1, deleted=True))
    store.add(
        Activity(
            customer_id=acme.id,
            kind=ActivityKind.CALL,
            at=at("2026-11-13T01:30:00"),
            satisfaction=2,
            notes="Unhappy with delivery",
        )
    )
    store.add(
        Activity(
            customer_id=acme.id,
            kind=ActivityKind.COMPLAINT,
            at=at("2026-11-13T01:00:00"),
            notes="Late delivery",
        )
    )
    store.add(
        Activity(
            customer_id=acme.id,
            kind=ActivityKind.COMPLAINT,
            at=at("2026-08-01T01:00"),
            complaint_status="resolved",
        )
    )
    store.add(
        Activity(
            customer_id=other.id, kind=ActivityKind.VISIT, at=at("2026-11-22T01:00"), satisfaction=1
        )
    )
    follow = {"customer_id": acme.id, "title": "Call back"}
    store.add(FollowUp(**follow, due_date=date(2026, 11, 30)))
    store.add(FollowUp(**follow, due_date=date(2026, 11, 25)))
    store.add(FollowUp(**follow, due_date=date(2026, 11, 1), done_at=at("2026-11-01T01:00")))
    store.add(FollowUp(**follow, due_date=date(2026, 11, 2), deleted=True))
    store.add(Contact(customer_id=acme.id, name="Zhou Min", title="Buyer"))
    store.add(Contact(customer_id=acme.id, name="Chen Jie"))
    store.add(Contact(customer_id=acme.id, name="Left Long Ago", deleted=True))
    return acme


def test_every_figure_of_the_strip(store: Store, acme_story: Customer) -> None:
    figures = load_account(store, acme_story.id).figures
    assert figures.won == Counter({"CNY": 1_250_000, "USD": 40_000})
    assert figures.open == Counter({"CNY": 2_300_000})
    # 2,000,000 at the proposal stage's 60% + 300,000 at the deal's own 50%
    assert figures.weighted == Counter({"CNY": 1_350_000})
    assert (figures.deals_won, figures.deals_lost) == (3, 1)
    assert figures.win_rate == 0.75
    # the newest live activity: 11-13 01:30 UTC is 09:30 in Shanghai, 10 days before today
    assert figures.last_contact == at("2026-11-13T01:30:00")
    assert figures.days_since_contact == 10
    assert figures.next_follow_up == date(2026, 11, 25)
    assert (figures.feedback.ratings, figures.feedback.rating_sum) == (3, 11)
    assert figures.feedback.satisfaction == pytest.approx(11 / 3)
    assert (figures.feedback.complaints_open, figures.feedback.complaints_resolved) == (1, 1)


def test_the_rest_of_the_story(store: Store, acme_story: Customer, me: Rep) -> None:
    account = load_account(store, acme_story.id)
    assert account.owner_name == me.name
    assert [c.name for c in account.contacts] == ["Chen Jie", "Zhou Min"]
    # open first, soonest close first (none last); then closed, latest first
    assert [d.title for d in account.deals] == [
        "Pumps 2027",
        "Service",
        "Spares (USD)",
        "Seals",
        "Valves",
        "Pumps 2024",
    ]
    assert [f.due_date.day for f in account.follow_ups] == [25, 30]
    assert account.activities == 5
    assert [e.at.day for e in account.timeline] == [13, 13, 2, 1, 1]
    assert [(e.kind, e.satisfaction, e.complaint_status) for e in account.feedback] == [
        ("call", 2, None),
        ("complaint", None, "open"),
        ("visit", 5, None),
        ("visit", 4, None),
        ("complaint", None, "resolved"),
    ]


def test_a_customer_with_nothing_yet(store: Store, acme: Customer) -> None:
    figures = load_account(store, acme.id).figures
    assert not figures.won and not figures.open and figures.win_rate is None
    assert figures.last_contact is None and figures.days_since_contact is None
    assert figures.next_follow_up is None and figures.feedback.satisfaction is None


def test_an_unknown_customer(store: Store) -> None:
    with pytest.raises(NotFound):
        load_account(store, "no-such-id")
