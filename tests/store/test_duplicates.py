"""Finding duplicate customers, merging them without losing anything, and undo."""

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
from workbench.store import duplicates
from workbench.store.account import load_account
from workbench.store.database import NotFound, Store, fetch_all
from workbench.store.queries import customers


def test_look_alikes_name_their_reason(store: Store, acme: Customer) -> None:
    found = duplicates.look_alikes(store, {"name": "ACME PUMPS Co., Ltd."})
    assert [(f.name, f.reasons) for f in found] == [
        ("Acme Pumps", ["same name once legal suffixes are dropped"])
    ]
    by_phone = duplicates.look_alikes(store, {"name": "Other", "phone": "021 5555 0100"})
    assert by_phone[0].reasons == ["same phone (…0100)"]
    assert duplicates.look_alikes(store, {"name": "Acme Valves", "email": "x@gmail.com"}) == []
    # editing Acme itself does not warn about Acme
    assert duplicates.look_alikes(store, {"id": acme.id, "name": "Acme Pumps"}) == []
    assert "Looks like Acme Pumps (same phone" in (duplicates.warning(by_phone) or "")


def test_keys_follow_edits_and_deletes(store: Store, acme: Customer) -> None:
    store.update(Customer, acme.id, name="Hengtai Pumps", phone=None)
    assert duplicates.look_alikes(store, {"name": "Acme Pumps"}) == []
    assert duplicates.look_alikes(store, {"name": "Hengtai Pumps Ltd"})
    store.delete(Customer, acme.id)
    assert duplicates.look_alikes(store, {"name": "Hengtai Pumps Ltd"}) == []


def test_candidate_pairs_true_and_false_positives(store: Store, me: Rep) -> None:
    def add(name: str, **extra: object) -> Customer:
        return store.add(Customer(name=name, **extra))

    older = add("Hengtai Pumps Co., Ltd.", email="info@hengtai.cn", phone="+86 21 5555 0100")
    newer = add("HENGTAI PUMPS", email="li@hengtai.cn")
    phone_twin = add("Shanghai Office", phone="021-5555-0100")
    add("Hengtai Valves", email="a@gmail.com")  # webmail and another name: no pair
    add("Acme", email="b@gmail.com")
    pairs = duplicates.candidate_pairs(store)
    seen = {(p.first.name, p.second.name): p.reasons for p in pairs}
    assert seen == {
        ("Hengtai Pumps Co., Ltd.", "HENGTAI PUMPS"): [
            "same e-mail domain (hengtai.cn)",
            "same name once legal suffixes are dropped",
        ],
        ("Hengtai Pumps Co., Ltd.", "Shanghai Office"): ["same phone (…0100)"],
    }
    assert pairs[0].first.id == older.id and pairs[0].first.owner == me.name  # most reasons first
    duplicates.dismiss(store, newer.id, older.id)
    assert [(p.first.id, p.second.id) for p in duplicates.candidate_pairs(store)] == [
        (older.id, phone_twin.id)
    ]


def test_a_key_shared_by_a_crowd_makes_no_pairs(store: Store, me: Rep) -> None:
    for n in range(duplicates.GROUP_CAP + 1):
        store.add(Customer(name=f"Branch {n}", email=f"b{n}@bigcorp.com"))
    assert duplicates.candidate_pairs(store) == []


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def twins(store: Store, acme: Customer) -> tuple[Customer, Customer]:
    twin = store.add(
        Customer(
            name="ACME Pumps Ltd",
            tier="B",
            segment="SMB",
            tags=["export"],
            email="buyer@acme.cn",
            notes="Met at the fair",
        )
    )
    store.update(Customer, acme.id, tags=["key"], notes="Pays late")
    for owner in (acme, twin):
        store.add(Contact(customer_id=owner.id, name=f"Buyer at {owner.name}"))
        store.add(
            Deal(
                customer_id=owner.id,
                title=f"Deal of {owner.name}",
                currency="CNY",
                stage="proposal",
                amount=100_000,
            )
        )
        store.add(Activity(customer_id=owner.id, kind=ActivityKind.CALL, at=at("2026-11-01T02:00")))
        store.add(FollowUp(customer_id=owner.id, title="Call", due_date=date(2026, 12, 1)))
    return store.require(Customer, acme.id), twin


def belongings(store: Store, customer_id: str) -> dict[str, int]:
    return {
        model.entity: len(
            fetch_all(
                store.db, f"SELECT id FROM {model.entity} WHERE customer_id = ?", [customer_id]
            )
        )
        for model in duplicates.BELONGINGS
    }


def kept_and_gone(a: Customer, b: Customer) -> tuple[str, str]:
    """Which record a merge keeps: the smaller id, whatever the order."""
    kept, gone = sorted((a.id, b.id))
    return kept, gone


def test_merge_keeps_everything_and_redirects(
    store: Store, twins: tuple[Customer, Customer]
) -> None:
    acme, twin = twins
    assert duplicates.differences(acme, twin) == {
        "name": ("Acme Pumps", "ACME Pumps Ltd"),
        "tier": ("A", "B"),
    }
    result = duplicates.merge(store, acme.id, twin.id, {"tier": "B"})
    kept, gone = kept_and_gone(acme, twin)
    assert result.id == kept
    assert belongings(store, kept) == {"contacts": 2, "deals": 2, "activities": 2, "follow_ups": 2}
    assert belongings(store, gone) == {"contacts": 0, "deals": 0, "activities": 0, "follow_ups": 0}
    # the first's values, the choice, and what only the second had
    assert (result.name, result.tier, result.segment, result.email, result.phone) == (
        "Acme Pumps",
        "B",
        "SMB",
        "buyer@acme.cn",
        "+86 21 5555 0100",
    )
    assert result.tags == ["key", "export"]
    assert result.notes == (  # the name and tier not kept are there too, with whose they were
        "Pays late\n\n(from ACME Pumps Ltd) Met at the fair\n\nNot kept in the merge:\n"
        "Name: ACME Pumps Ltd (from ACME Pumps Ltd)\nTier: A (from Acme Pumps)"
    )
    removed = store.require(Customer, gone)
    assert removed.deleted and removed.merged_into == kept
    assert [c.name for c in customers(store)] == ["Acme Pumps"]
    assert load_account(store, kept).figures.open == {"CNY": 200_000}
    assert load_account(store, gone).customer.id == kept  # an old link still works
    # a record arriving later under the removed id lands on the one kept
    late = store.add(Contact(customer_id=gone, name="Arrived by sync"))
    assert late.customer_id == kept


def test_merge_loses_no_value_the_rep_did_not_pick(store: Store, me: Rep) -> None:
    """Two records of one customer, each with its own phone, address and
    e-mail, tags past the limit between them and different owners."""
    sam = store.add(Rep(name="Sam Patel"))
    one = store.add(
        Customer(
            name="Ruichang Education",
            phone="+86 21 5555 0100",
            address="1 Old Road",
            email="sales@ruichang.cn",
            tags=[f"a{n}" for n in range(15)],
        )
    )
    two = store.add(
        Customer(
            name="Ruichang Education",
            phone="+86 21 5555 0199",
            address="9 New Road",
            email="info@ruichang.cn",
            owner=sam.id,
            tags=[f"b{n}" for n in range(10)],
        )
    )
    merged = duplicates.merge(store, one.id, two.id, {"address": "9 New Road"})
    kept = (merged.phone, merged.address, merged.email, merged.owner)
    assert kept == ("+86 21 5555 0100", "9 New Road", "sales@ruichang.cn", me.id)
    assert merged.notes is not None
    for left in (
        "Phone: +86 21 5555 0199",
        "Address: 1 Old Road",
        "E-mail: info@ruichang.cn",
        "Owner: Sam Patel",
        "Tags: b5, b6, b7, b8, b9",
    ):
        assert left in merged.notes, left
    assert len(merged.tags) == 20


def test_two_reps_merging_the_same_pair_keep_the_same_record(
    store: Store, twins: tuple[Customer, Customer]
) -> None:
    acme, twin = twins
    one_way = duplicates.merge(store, acme.id, twin.id, {})
    duplicates.undo_last_merge(store)
    other_way = duplicates.merge(store, twin.id, acme.id, {})
    assert one_way.id == other_way.id == min(acme.id, twin.id)
    assert other_way.name == "ACME Pumps Ltd"  # the first's values: the rep's order matters


def test_undo_takes_the_last_merge_back(store: Store, twins: tuple[Customer, Customer]) -> None:
    acme, twin = twins
    duplicates.merge(store, acme.id, twin.id, {"tier": "B", "name": "ACME Pumps Ltd"})
    gone = max(acme.id, twin.id)
    restored = duplicates.undo_last_merge(store)
    assert restored.id == gone and not restored.deleted and restored.merged_into is None
    for before in (acme, twin):
        again = store.require(Customer, before.id)
        assert (again.name, again.tier, again.tags, again.notes, again.deleted) == (
            before.name,
            before.tier,
            before.tags,
            before.notes,
            False,
        )
    assert (
        belongings(store, acme.id)
        == belongings(store, twin.id)
        == {"contacts": 1, "deals": 1, "activities": 1, "follow_ups": 1}
    )
    with pytest.raises(NotFound, match="no merge to undo"):
        duplicates.undo_last_merge(store)


def test_only_the_last_merge_can_be_undone(store: Store, twins: tuple[Customer, Customer]) -> None:
    acme, twin = twins
    third = store.add(Customer(name="Acme Pumps (Shanghai)"))
    first = duplicates.merge(store, acme.id, twin.id, {})
    second = duplicates.merge(store, first.id, third.id, {})
    assert duplicates.undo_last_merge(store).id == max(first.id, third.id)
    assert store.require(Customer, max(acme.id, twin.id)).deleted
    assert not store.require(Customer, second.id).deleted


def test_a_merge_that_cannot_be(store: Store, twins: tuple[Customer, Customer]) -> None:
    acme, twin = twins
    with pytest.raises(ValueError, match="itself"):
        duplicates.merge(store, acme.id, acme.id, {})
    with pytest.raises(ValueError, match="not a field to choose: id"):
        duplicates.merge(store, acme.id, twin.id, {"id": "x"})
    duplicates.merge(store, acme.id, twin.id, {})
    with pytest.raises(NotFound, match="merged already"):
        duplicates.merge(store, acme.id, twin.id, {})


def test_a_merge_moves_a_deal_in_the_trash_whose_stage_went(store: Store, me: Rep) -> None:
    from workbench.store import trash
    from workbench.store.actions import add_deal
    from workbench.store.pipeline import delete_stage

    first, second = store.add(Customer(name="Acme")), store.add(Customer(name="Acme Pumps"))
    merged = max(first.id, second.id)  # the merge keeps the smaller id: the other's go over
    deal = add_deal(store, Deal(customer_id=merged, title="Pumps", currency="CNY", stage="lead"))
    trash.delete(store, "deal", deal.id)
    delete_stage(store, "lead", move_to="qualified")
    duplicates.merge(store, first.id, second.id, {})
    assert store.require(Deal, deal.id).customer_id == min(first.id, second.id)


def test_a_merge_taken_back_by_ctrl_z_is_not_offered_again(store: Store, me: Rep) -> None:
    from workbench.store.undo import undo

    first = store.add(Customer(name="Acme", phone="+86 21 5555 0100"))
    second = store.add(Customer(name="Acme Pumps", phone="+86 21 5555 0199"))
    mark = len(store.written)
    duplicates.merge(store, first.id, second.id, {})
    undo(store, store.written[mark:])
    assert duplicates.last_merge(store) is None, "u would take back newer edits"
    with pytest.raises(NotFound, match="no merge to undo"):
        duplicates.undo_last_merge(store)
