"""Closing a deal travels as the stage, the day and the reason, never as a
rewritten probability: a teammate's concurrent move must not leave an open
deal weighing 0 (lost) or 100% (won)."""

from datetime import timedelta
from pathlib import Path

import pytest

from tests.sync.bundles import send
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, Deal
from workbench.store.actions import add_deal, set_me
from workbench.store.database import Store
from workbench.store.pipeline import move_deal
from workbench.store.queries import deals


@pytest.mark.parametrize("closed", ["lost", "won"])
def test_a_close_crossed_by_a_move_leaves_the_reps_probability(
    pair: tuple[Store, Store], clocks: tuple[FixedClock, FixedClock], tmp_path: Path, closed: str
) -> None:
    li, sam = pair
    set_me(li, "Li Wei")
    acme = li.add(Customer(name="Acme"))
    deal = add_deal(
        li,
        Deal(
            customer_id=acme.id,
            title="Pumps",
            amount=100_000_00,
            currency="CNY",
            stage="proposal",
            probability=60,
        ),
    )
    send(li, sam, tmp_path)
    set_me(sam, "Sam Patel")
    move_deal(li, deal.id, closed, reason="Decided")  # Li closes it...
    clocks[1].advance(timedelta(minutes=1))
    move_deal(sam, deal.id, "negotiation")  # ...while Sam, not yet synced, moves it on
    send(li, sam, tmp_path)
    send(sam, li, tmp_path)
    for replica in (li, sam):
        (row,) = deals(replica, None)
        assert (row.stage, row.probability) == ("negotiation", 60), replica.me
