"""A rep on a second laptop claims the rep they already are, whether they
synced first or typed their name first: one rep, their records together."""

from pathlib import Path

import pytest

from tests.sync.bundles import content, send
from workbench.domain.models import ActivityKind, Rep
from workbench.store.actions import claim_rep, customer_named, log_activity, set_me
from workbench.store.database import NotFound, Store, open_store
from workbench.store.queries import rep_names


def test_synced_first_then_claimed_by_name(pair: tuple[Store, Store], tmp_path: Path) -> None:
    office, laptop = pair
    li = set_me(office, "Li Wei")
    send(office, laptop, tmp_path)
    assert claim_rep(laptop, "li wei").id == li.id
    set_me(laptop, "Li Wei (Shanghai)")  # this computer may now rename them
    send(laptop, office, tmp_path)
    assert rep_names(office) == {li.id: "Li Wei (Shanghai)"}


def test_named_first_then_claimed_keeps_what_was_logged(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    office, laptop = pair
    li = set_me(office, "Li Wei")
    twin = set_me(laptop, "Li Wei")  # before the first sync: a second Li Wei
    acme = customer_named(laptop, "Acme", add=True)
    log_activity(laptop, ActivityKind.CALL, acme, note="Called from the train")
    send(office, laptop, tmp_path)
    with pytest.raises(NotFound, match="2 reps are called 'Li Wei'"):
        claim_rep(laptop, "Li Wei")
    assert claim_rep(laptop, li.id[:8]).id == li.id
    send(laptop, office, tmp_path)
    for store in (office, laptop):
        assert rep_names(store) == {li.id: "Li Wei"}, "the twin left the team"
        owners = store.db.execute("SELECT DISTINCT owner FROM activities").fetchall()
        assert owners == [(li.id,)], "the call is Li's"
    assert office.require(Rep, twin.id).deleted
    assert content(office) == content(laptop)


def test_a_name_two_reps_share_is_not_guessed(pair: tuple[Store, Store], tmp_path: Path) -> None:
    office, laptop = pair
    set_me(office, "Li Wei")
    set_me(laptop, "Li Wei")
    send(laptop, office, tmp_path)
    send(office, laptop, tmp_path)
    new = open_store(tmp_path / "fresh.db", clock=office.clock)
    send(office, new, tmp_path)
    with pytest.raises(NotFound, match="name yours by its id"):
        set_me(new, "Li Wei")
    assert new.me is None
    new.close()


def test_claiming_no_one_is_said(pair: tuple[Store, Store]) -> None:
    office, _ = pair
    set_me(office, "Li Wei")
    with pytest.raises(NotFound, match="no rep is 'Sam'"):
        claim_rep(office, "Sam")


def test_claiming_a_teammate_then_oneself_takes_nothing_from_them(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    office, laptop = pair
    li = set_me(office, "Li Wei")
    customer_named(office, "Acme", add=True)  # Li's
    send(office, laptop, tmp_path)
    sam = set_me(laptop, "Sam Patel")
    customer_named(laptop, "Bolt", add=True)  # Sam's
    claim_rep(laptop, "Li Wei")  # a mistake, or a shared computer: now Li here...
    claim_rep(laptop, "Sam Patel")  # ...and back: no one is a twin of anyone
    assert rep_names(laptop) == {li.id: "Li Wei", sam.id: "Sam Patel"}
    owners = dict(laptop.db.execute("SELECT name, owner FROM customers").fetchall())
    assert owners == {"Acme": li.id, "Bolt": sam.id}


def test_a_rename_to_a_teammates_name_is_refused(pair: tuple[Store, Store], tmp_path: Path) -> None:
    office, laptop = pair
    set_me(office, "Sam Patel")
    send(office, laptop, tmp_path)
    li = set_me(laptop, "Li Wei")
    with pytest.raises(NotFound, match="Sam Patel is another rep of the team"):
        set_me(laptop, "sam patel")
    assert laptop.require(Rep, li.id).name == "Li Wei"
    assert set_me(laptop, "li wei").name == "li wei", "one's own name, as typed"
