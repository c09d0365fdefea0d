from datetime import date

import pytest

from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, Deal, Rep, Stage
from workbench.store.actions import add_deal
from workbench.store.database import NotFound, Store, fetch_all
from workbench.store.pipeline import (
    StageError,
    add_stage,
    deal_counts,
    delete_stage,
    move_deal,
    move_stage,
    reopen_stage,
    set_stage,
)
from workbench.store.queries import deal_cards

TODAY = date(2026, 11, 23)


@pytest.fixture
def deal(store: Store, acme: Customer) -> Deal:
    return add_deal(
        store,
        Deal(customer_id=acme.id, title="Pumps", amount=100_000_00, currency="CNY", stage="lead"),
    )


def history(store: Store, deal_id: str) -> list[tuple[str | None, str, str | None]]:
    rows = fetch_all(
        store.db,
        "SELECT from_stage, to_stage, owner FROM stage_history "
        "WHERE deal_id = ? ORDER BY at, rowid",
        [deal_id],
    )
    return [(r["from_stage"], r["to_stage"], r["owner"]) for r in rows]


def test_move_through_every_stage_records_history(store: Store, deal: Deal, me: Rep) -> None:
    for stage in ("qualified", "needs", "proposal", "negotiation"):
        move_deal(store, deal.id, stage)
    won = move_deal(store, deal.id, "won", closed_on=date(2026, 11, 20), reason="Best price")
    assert (won.stage, won.closed_on, won.reason) == ("won", date(2026, 11, 20), "Best price")
    assert history(store, deal.id) == [
        (None, "lead", me.id),
        ("lead", "qualified", me.id),
        ("qualified", "needs", me.id),
        ("needs", "proposal", me.id),
        ("proposal", "negotiation", me.id),
        ("negotiation", "won", me.id),
    ]


def test_lost_then_reopened(store: Store, deal: Deal, me: Rep) -> None:
    """Lost straight from an open stage: it weighs nothing, and the history
    holds the moves that happened, no Won between. The rep's own 60% is
    left on the deal (not overwritten with 0), so reopened it weighs 60% again;
    `<` takes it back to the stage it was lost from."""
    store.update(Deal, deal.id, probability=60)
    move_deal(store, deal.id, "qualified")
    lost = move_deal(store, deal.id, "lost", reason="Price too high")
    assert (lost.closed_on, lost.reason, lost.probability) == (TODAY, "Price too high", 60)
    (card,) = deal_cards(store, TODAY, me.id, closed_since=TODAY)
    assert card.probability == 0
    assert reopen_stage(store, deal.id) == "qualified"
    reopened = move_deal(store, deal.id, "qualified")
    assert (reopened.stage, reopened.closed_on, reopened.reason) == ("qualified", None, None)
    assert reopened.probability == 60
    assert reopen_stage(store, deal.id) is None  # (open: nothing to reopen)
    assert [(was, now) for was, now, _ in history(store, deal.id)] == [
        (None, "lead"),
        ("lead", "qualified"),
        ("qualified", "lost"),
        ("lost", "qualified"),
    ]


def test_a_deal_lost_before_weighs_nothing_and_a_won_one_counts_whole(
    store: Store, deal: Deal, me: Rep
) -> None:
    """Deals closed before a close set the probability kept their own (50%
    on a lost deal): read, a lost deal weighs 0 and a won one 100, wherever
    the pipeline's figures come from."""
    from workbench.store.queries import deals

    won = add_deal(
        store, Deal(customer_id=deal.customer_id, title="W", currency="CNY", stage="lead")
    )
    move_deal(store, deal.id, "lost")
    move_deal(store, won.id, "won")
    store.update(Deal, deal.id, probability=50)  # as a deal lost before this rule
    store.update(Deal, won.id, probability=80)
    cards = {c.title: c.probability for c in deal_cards(store, TODAY, me.id, closed_since=TODAY)}
    assert cards == {"Pumps": 0, "W": 100}
    assert {row.title: row.probability for row in deals(store, me.id)} == {"Pumps": 0, "W": 100}


def test_bad_moves_change_nothing(store: Store, deal: Deal) -> None:
    with pytest.raises(StageError, match="in the future"):
        move_deal(store, deal.id, "won", closed_on=date(2026, 12, 1))
    with pytest.raises(NotFound, match="no stage 'dreaming'"):
        move_deal(store, deal.id, "dreaming")
    with pytest.raises(StageError, match="go with won or lost, not 'proposal'"):
        move_deal(store, deal.id, "proposal", reason="Cheaper")  # not silently dropped
    with pytest.raises(StageError, match="go with won or lost"):
        move_deal(store, deal.id, "proposal", closed_on=TODAY)
    assert store.require(Deal, deal.id).stage == "lead"
    assert len(history(store, deal.id)) == 1
    assert move_deal(store, deal.id, "lead") == store.require(Deal, deal.id)  # a no-op
    move_deal(store, deal.id, "lost", reason="Price")
    with pytest.raises(StageError, match="'Pumps' is in 'lost' already"):
        move_deal(store, deal.id, "lost", reason="Timing")  # a new reason is not dropped
    assert store.require(Deal, deal.id).reason == "Price"


def test_cards_with_filters(
    store: Store, acme: Customer, deal: Deal, me: Rep, clock: FixedClock
) -> None:
    other = store.add(Customer(name="Beta"))
    small = Deal(
        customer_id=other.id,
        title="Small",
        amount=10_00,
        currency="CNY",
        stage="needs",
        expected_close=date(2027, 3, 1),
    )
    small = add_deal(store, small)
    old_win = add_deal(
        store, Deal(customer_id=acme.id, title="Old win", amount=5_00, currency="CNY", stage="lead")
    )
    move_deal(store, old_win.id, "won", closed_on=date(2026, 6, 1))
    titles = lambda **kw: sorted(c.title for c in deal_cards(store, TODAY, me.id, **kw))  # noqa: E731
    assert titles() == ["Pumps", "Small"]
    assert titles(closed_since=date(2026, 1, 1)) == ["Old win", "Pumps", "Small"]
    assert titles(customer_id=other.id) == ["Small"]
    assert titles(min_amount=1_000_00) == ["Pumps"]
    assert titles(close_from=date(2027, 1, 1), close_until=date(2027, 4, 1)) == ["Small"]
    assert deal_cards(store, TODAY, "someone-else") == []
    (card,) = deal_cards(store, TODAY, me.id, customer_id=other.id)
    assert card.entered_stage == clock.now() and card.stage_label == "Needs"
    assert small.id == card.id


def test_stages_set_add_move_delete(store: Store, deal: Deal) -> None:
    set_stage(store, "needs", label="Discovery", probability=35, rot_days=30)
    needs = store.require(Stage, "needs")
    assert (needs.label, needs.probability, needs.rot_days) == ("Discovery", 35, 30)
    with pytest.raises(StageError, match="say what to change"):
        set_stage(store, "needs")
    add_stage(store, "demo", "Demo", 50, rot_days=10, after="needs")
    assert [s.key for s in store.stages()] == [
        "lead",
        "qualified",
        "needs",
        "demo",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ]
    with pytest.raises(StageError, match="already a stage"):
        add_stage(store, "demo", "Demo", 50)
    move_stage(store, "demo", after="lead")
    assert [s.key for s in store.stages()][:3] == ["lead", "demo", "qualified"]
    with pytest.raises(StageError, match="Won and Lost stay at the end"):
        move_stage(store, "won", after="lead")
    move_deal(store, deal.id, "demo")
    with pytest.raises(StageError, match="has 1 deals; move them first"):
        delete_stage(store, "demo")
    assert delete_stage(store, "demo", move_to="proposal") == 1
    assert store.require(Deal, deal.id).stage == "proposal"
    assert "demo" not in [s.key for s in store.stages()]
    assert deal_counts(store) == {"proposal": 1}
    with pytest.raises(StageError, match="built in"):
        delete_stage(store, "won")


def test_the_last_open_stage_stays(store: Store, deal: Deal) -> None:
    """A pipeline with only Won and Lost has nowhere for a deal to be."""
    for key in ("qualified", "needs", "proposal", "negotiation"):
        delete_stage(store, key)
    with pytest.raises(StageError, match="'lead' is the last open stage"):
        delete_stage(store, "lead", move_to="lost")
    assert store.require(Deal, deal.id).stage == "lead"
