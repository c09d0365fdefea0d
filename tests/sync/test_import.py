"""Importing bundles: what arrives, what merges, what is kept when edits cross."""

import json
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.sync.bundles import content, read_bundle_file, replica, send, write_bundle
from workbench.domain.clock import FixedClock
from workbench.domain.models import Activity, Contact, Customer, Deal, FollowUp, Rep
from workbench.store.database import Store
from workbench.store.duplicates import merge
from workbench.sync import importer
from workbench.sync.conflicts import keep, list_conflicts
from workbench.sync.export import export_bundle, held, known_by
from workbench.sync.importer import import_bundle


def test_a_full_bundle_makes_an_empty_database_the_same(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b = pair
    rep = a.add(Rep(name="Li Wei"))
    acme = a.add(Customer(name="Acme", owner=rep.id, tags=["key"]))
    a.add(Deal(customer_id=acme.id, title="Pumps", amount=500_00, currency="EUR", stage="lead"))
    summary = send(a, b, tmp_path)
    assert content(a) == content(b)
    assert summary.added == {"reps": 1, "customers": 1, "deals": 1}
    assert summary.new == summary.changes and summary.conflicts == 0
    assert "3 added" in summary.line()
    assert b.get(Customer, acme.id) == a.get(Customer, acme.id)


def test_records_arriving_whole_are_stored_as_if_written_here(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """New records are inserted in bulk straight from their changes; every
    kind of column must come out as a local write stores it."""
    a, b = pair
    rep = a.add(Rep(name="Li Wei"))
    acme = a.add(
        Customer(
            name="Acme 水泵",
            owner=rep.id,
            tags=["key", "水泵"],
            notes="first line\nsecond\tline",
            phone="+49 30 1234567",
        )
    )
    gone = a.add(Customer(name="Gone GmbH", owner=rep.id))
    a.delete(Customer, gone.id)
    a.add(Contact(customer_id=acme.id, name="Zhang Wei", email="zw@acme.example"))
    a.add(
        Deal(
            customer_id=acme.id,
            title="Pumps",
            amount=12_345_67,
            currency="CNY",
            stage="lead",
            probability=35,
        )
    )
    a.add(
        FollowUp(
            title="Call back",
            customer_id=acme.id,
            due_date=date(2026, 11, 24),
            due_time=time(9, 30),
            recurrence="FREQ=WEEKLY;INTERVAL=2",
        )
    )
    a.add(FollowUp(title="Send offer", customer_id=acme.id, due_date=date(2026, 11, 25)))
    send(a, b, tmp_path)
    assert content(a) == content(b)
    for table in ("customer_search", "customer_keys"):  # derived from the records
        assert sorted(b.db.execute(f"SELECT * FROM {table}")) == sorted(
            a.db.execute(f"SELECT * FROM {table}")
        )
    assert b.get(Customer, acme.id) == a.get(Customer, acme.id)


def test_an_import_that_outgrows_the_log_builds_the_indexes_again(
    pair: tuple[Store, Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    monkeypatch.setattr(importer, "BULK_CHANGES", 1)  # pause indexes for any bigger import
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
    before = b.db.execute(schema).fetchall()
    acme = a.add(Customer(name="Acme", tags=["key"]))
    a.add(Deal(customer_id=acme.id, title="Pumps", amount=500_00, currency="EUR", stage="lead"))
    send(a, b, tmp_path)
    assert content(a) == content(b)
    assert b.db.execute(schema).fetchall() == before


def test_a_bundle_not_naming_all_its_devices_still_merges(
    pair: tuple[Store, Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its header says it holds nothing of ours, so its changes go straight
    into the log, as in a first sync; finding one there already, the import
    starts again comparing each change with the log."""
    a, b = pair
    monkeypatch.setattr(importer, "BULK_CHANGES", 1)
    b.add(Customer(name="Beta"))
    send(b, a, tmp_path)
    a.add(Customer(name="Acme"))
    header, changes = read_bundle_file(export_bundle(a, tmp_path / "a.json").path)
    del header["known"][b.device]
    summary = import_bundle(b, write_bundle(tmp_path / "a.json", header, changes))
    assert content(a) == content(b)
    assert summary.added == {"customers": 1} and summary.unchanged == 1
    assert b.db.execute("SELECT name FROM temp.sqlite_master").fetchall() == []


def test_importing_twice_changes_nothing(pair: tuple[Store, Store], tmp_path: Path) -> None:
    a, b = pair
    a.add(Customer(name="Acme"))
    send(a, b, tmp_path)
    before = content(b)
    again = send(a, b, tmp_path)
    assert again.new == 0 and content(b) == before
    assert "nothing new" in again.line()


def test_an_edit_made_after_seeing_the_other_wins_whatever_the_clocks(
    pair: tuple[Store, Store], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> None:
    a, b = pair
    acme = a.add(Customer(name="Acme"))
    send(a, b, tmp_path)
    clocks[1].advance(timedelta(hours=-5))  # b's clock is behind, yet b saw a's value
    b.update(Customer, acme.id, name="Acme Pumps")
    send(b, a, tmp_path)
    assert a.require(Customer, acme.id).name == "Acme Pumps"
    assert list_conflicts(a) == []


def test_crossing_edits_keep_both_values_and_agree_on_one(
    pair: tuple[Store, Store], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> None:
    a, b = pair
    a.add(Rep(name="Li Wei"))
    acme = a.add(Customer(name="Acme"))
    send(a, b, tmp_path)
    a.update(Customer, acme.id, name="Acme Ltd")
    clocks[1].advance(timedelta(minutes=5))
    b.update(Customer, acme.id, name="Acme Pumps")
    to_a, to_b = send(b, a, tmp_path), send(a, b, tmp_path)
    assert to_a.conflicts == 1 and to_b.conflicts == 1
    assert content(a) == content(b)
    assert a.require(Customer, acme.id).name == "Acme Pumps"  # the later edit shows
    (conflict,) = list_conflicts(a)
    assert (conflict.shown.value, conflict.other.value) == ("Acme Pumps", "Acme Ltd")
    assert conflict.label == "Acme Pumps" and conflict.field == "name"

    keep(a, conflict, conflict.other)  # the rep keeps the earlier value; the choice syncs
    assert a.require(Customer, acme.id).name == "Acme Ltd" and list_conflicts(a) == []
    send(a, b, tmp_path)
    assert b.require(Customer, acme.id).name == "Acme Ltd" and list_conflicts(b) == []
    assert content(a) == content(b)


def test_a_delete_is_not_undone_by_an_edit_made_without_seeing_it(
    pair: tuple[Store, Store], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> None:
    a, b = pair
    acme = a.add(Customer(name="Acme"))
    send(a, b, tmp_path)
    a.delete(Customer, acme.id)
    clocks[1].advance(timedelta(hours=1))
    b.update(Customer, acme.id, name="Acme Pumps")  # later, but it does not touch `deleted`
    send(b, a, tmp_path)
    send(a, b, tmp_path)
    for store in pair:
        customer = store.require(Customer, acme.id)
        assert customer.deleted and customer.name == "Acme Pumps"
    assert content(a) == content(b)


def test_records_made_for_a_merged_customer_move_to_the_one_kept(
    pair: tuple[Store, Store], tmp_path: Path, me: Rep
) -> None:
    a, b = pair
    first, second = a.add(Customer(name="Acme")), a.add(Customer(name="ACME Ltd"))
    send(a, b, tmp_path)
    merge(a, first.id, second.id, {})
    kept, gone = sorted((first.id, second.id))
    late = b.add(Activity(kind="call", customer_id=gone, at="2026-11-23T01:00:00Z"))
    send(b, a, tmp_path)
    send(a, b, tmp_path)
    for store in pair:
        assert store.require(Activity, late.id).customer_id == kept
        assert list_conflicts(store) == []
    assert content(a) == content(b)


def test_an_incremental_bundle_holds_only_what_the_peer_lacks(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b = pair
    a.add(Customer(name="Acme"))
    send(a, b, tmp_path)
    assert known_by(b, a.device) == held(a)
    b.add(Customer(name="Beta"))
    path = export_bundle(b, tmp_path / "for-a.json", peers=[a.device]).path
    _, changes = read_bundle_file(path)
    assert {change["origin"] for change in changes} == {b.device}
    import_bundle(a, path)
    assert content(a) == content(b)


def test_what_a_peer_holds_is_taken_no_further_than_what_is_here(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """A header claiming more than exists (a broken or lying peer) would make
    our bundles for it skip changes it never had."""
    a, b = pair
    a.add(Customer(name="Acme"))
    header, changes = read_bundle_file(export_bundle(a, tmp_path / "a.json").path)
    header["known"] |= {b.device: 10**15, "elsewhere": 10**15}
    import_bundle(b, write_bundle(tmp_path / "claims.json", header, changes))
    assert known_by(b, a.device) == {a.device: held(a)[a.device], b.device: 0, "elsewhere": 0}
    mine = b.add(Customer(name="Beta"))
    path = export_bundle(b, tmp_path / "for-a.json", peers=[a.device]).path
    assert {change["row_id"] for change in read_bundle_file(path)[1]} == {mine.id}


def test_a_claim_on_our_changes_goes_no_further_than_our_bundles(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """Changes made here since our last bundle cannot be anywhere else: a
    peer's word that it holds them never keeps them out of its next bundle."""
    a, b = pair
    sent = b.add(Customer(name="Sent"))
    import_bundle(a, export_bundle(b, tmp_path / "b.json").path)
    unsent = b.add(Customer(name="Not yet sent"))
    header, changes = read_bundle_file(export_bundle(a, tmp_path / "a.json").path)
    header["known"] |= {b.device: 10**15}
    import_bundle(b, write_bundle(tmp_path / "claims.json", header, changes))
    path = export_bundle(b, tmp_path / "for-a.json", peers=[a.device]).path
    rows = {change["row_id"] for change in read_bundle_file(path)[1]}
    assert unsent.id in rows and sent.id not in rows
    import_bundle(a, path)
    assert content(a) == content(b)


def test_a_gap_is_not_claimed_as_held(pair: tuple[Store, Store], tmp_path: Path) -> None:
    a, b = pair
    a.add(Customer(name="One"))
    first = export_bundle(a, tmp_path / "1.json").path
    (top,) = a.db.execute("SELECT max(seq) FROM changes WHERE origin = ?", [a.device]).fetchone()
    a.add(Customer(name="Two"))
    header, changes = read_bundle_file(export_bundle(a, tmp_path / "2.json").path)
    later = write_bundle(
        tmp_path / "later.json", header, [change for change in changes if change["seq"] > top]
    )
    import_bundle(b, later)  # arrives first: b holds a's changes above a gap
    assert held(b) == {a.device: 0}
    import_bundle(b, first)
    assert held(b) == held(a) and content(a) == content(b)


def test_after_an_import_local_edits_sort_after_what_arrived(
    pair: tuple[Store, Store], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> None:
    a, b = pair
    clocks[0].advance(timedelta(hours=3))  # a's clock runs ahead
    acme = a.add(Customer(name="Acme"))
    send(a, b, tmp_path)
    b.update(Customer, acme.id, tier="A")
    stamps = dict(b.db.execute("SELECT origin, max(hlc) FROM changes GROUP BY origin"))
    assert stamps[b.device] > stamps[a.device]
    assert b.local("hlc") == stamps[b.device]


def test_markup_and_escape_codes_arrive_as_literal_text(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b = pair
    acme = a.add(Customer(name="Acme", notes="line one\nline two"))
    header, changes = read_bundle_file(export_bundle(a, tmp_path / "a.json").path)
    for change in changes:
        if change["field"] == "name":
            change["value"] = "[bold red]Acme[/]\x1b[2J\x07"
    import_bundle(b, write_bundle(tmp_path / "odd.json", header, changes))
    customer = b.require(Customer, acme.id)
    assert customer.name == "[bold red]Acme[/]\u241b[2J\u2407"
    assert customer.notes == "line one\nline two"  # notes keep their line breaks


def test_the_summary_counts_possible_duplicates(pair: tuple[Store, Store], tmp_path: Path) -> None:
    a, b = pair
    b.add(Customer(name="Acme Pumps Ltd"))
    a.add(Customer(name="Acme Pumps"))
    summary = send(a, b, tmp_path)
    assert summary.duplicates == 1
    assert "1 possible duplicates" in summary.line()
    assert json.loads(json.dumps(summary.as_json()))["duplicates"] == 1


def test_three_crossing_edits_keep_two_conflicts(tmp_path: Path) -> None:
    clocks = [FixedClock.at(f"{TODAY}T09:30:00+08:00") for _ in range(3)]
    stores = [replica(tmp_path, f"r{i}", clock) for i, clock in enumerate(clocks)]
    acme = stores[0].add(Customer(name="Acme"))
    for other in stores[1:]:
        send(stores[0], other, tmp_path)
    for minutes, (store, clock) in enumerate(zip(stores, clocks, strict=True)):
        clock.advance(timedelta(minutes=minutes))
        store.update(Customer, acme.id, name=f"Acme {minutes}")
    for source in stores:
        for target in stores:
            if source is not target:
                send(source, target, tmp_path)
    for store in stores:
        assert store.require(Customer, acme.id).name == "Acme 2"
        assert sorted(c.other.value for c in list_conflicts(store)) == ["Acme 0", "Acme 1"]
        store.close()


def test_a_deal_without_a_customer_travels_and_is_given_one_on_either_side(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    from workbench.store.actions import set_deal_customer

    a, b = pair
    deal = a.add(Deal(title="Seed round", currency="USD", stage="lead"))
    send(a, b, tmp_path)
    assert b.require(Deal, deal.id).customer_id is None
    acme = b.add(Customer(name="Acme"))
    set_deal_customer(b, deal.id, "Acme")
    send(b, a, tmp_path)
    assert a.require(Deal, deal.id).customer_id == acme.id
    assert content(a) == content(b)
