"""A rep's name, e-mail and phone are changed by their own devices only: each
device says whose it is in the log, so every replica judges a change alike,
and another device's value is a conflict, never a silent takeover."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.sync.bundles import content, dump, read_bundle_file, send, write_bundle
from workbench.domain.clock import FixedClock
from workbench.domain.errors import NotYours
from workbench.domain.models import Rep
from workbench.store.actions import place_rep, set_me
from workbench.store.database import Store, open_store
from workbench.store.location import DeviceRegistry
from workbench.sync.conflicts import keep, list_conflicts
from workbench.sync.export import export_bundle
from workbench.sync.importer import import_bundle
from workbench.sync.reader import BundleError


def _third(tmp_path: Path, clock: FixedClock) -> Store:
    return open_store(tmp_path / "c.db", clock=clock, registry=DeviceRegistry(tmp_path / "c.json"))


def _name_change(store: Store, rep_id: str) -> str:
    (origin, seq) = store.db.execute(
        "SELECT origin, seq FROM changes WHERE entity = 'reps' AND row_id = ? AND field = 'name' "
        "ORDER BY hlc DESC LIMIT 1",
        [rep_id],
    ).fetchone()
    return f"{origin}:{seq}"


def _forged(store: Store, path: Path, **change: Any) -> Path:
    """`store`'s full bundle with one more change under its own device id, as
    a modified program would write it (the checksum made right)."""
    header, changes = read_bundle_file(export_bundle(store, path).path)
    last = max(c["seq"] for c in changes if c["origin"] == store.device)
    stamp = max(c["hlc"] for c in changes).split("-", 1)[0]
    forged = {
        "origin": store.device,
        "seq": last + 1,
        "hlc": f"{int(stamp) + 1:015d}-0000-{store.device}",
        "prev": None,
    } | change
    return write_bundle(path, header, [*changes, forged])


def _li_and_wang(pair: tuple[Store, Store], tmp_path: Path) -> tuple[Store, Store, Rep, Rep]:
    """Li Wei's computer (a), and Wang Fang's (b), which has Li's record."""
    a, b = pair
    li = set_me(a, "Li Wei")
    send(a, b, tmp_path)
    return a, b, li, set_me(b, "Wang Fang")


def _mallory(store: Store, rep: Rep, tmp_path: Path) -> Path:
    """`store`'s bundle, renaming `rep` over every name it saw."""
    return _forged(
        store,
        tmp_path / "forged.json",
        entity="reps",
        row_id=rep.id,
        field="name",
        value="Mallory",
        prev=[_name_change(store, rep.id)],
    )


def test_a_rename_from_a_modified_program_is_a_conflict_not_a_takeover(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b, li, _ = _li_and_wang(pair, tmp_path)
    with pytest.raises(NotYours, match="'Li Wei' is another rep"):  # the program refuses…
        b.update(Rep, li.id, name="Mallory")
    forged = _mallory(b, li, tmp_path)
    c = _third(tmp_path, a.clock)
    import_bundle(c, forged)  # …a modified one wrote it anyway: read first by a third rep
    import_bundle(a, forged)
    send(a, c, tmp_path)
    for store in (a, c):
        assert store.require(Rep, li.id).name == "Li Wei"
        (conflict,) = list_conflicts(store)
        assert (conflict.field, conflict.shown.value, conflict.other.value) == (
            "name",
            "Li Wei",
            "Mallory",
        )
    (theirs,) = list_conflicts(c)
    with pytest.raises(NotYours, match="only their own computers settle"):
        keep(c, theirs, theirs.other)
    (conflict,) = list_conflicts(a)
    keep(a, conflict, conflict.shown)  # Li keeps their name: settled everywhere
    send(a, c, tmp_path)
    assert list_conflicts(c) == [] and content(a) == content(c)


def test_the_rename_read_before_the_claim_ends_alike(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """A replica that meets the forged rename before it knows whose computer
    is whose ends as one that knew it first."""
    a, b, li, _ = _li_and_wang(pair, tmp_path)
    forged = _mallory(b, li, tmp_path)
    header, changes = read_bundle_file(forged)
    only_rename = [c for c in changes if c["value"] == "Mallory"]
    late = _third(tmp_path, a.clock)
    import_bundle(late, write_bundle(tmp_path / "rename.json", header, only_rename))
    assert late.get(Rep, li.id) is None  # a name alone: held aside, shown nowhere
    send(a, late, tmp_path)
    import_bundle(late, forged)
    import_bundle(a, forged)
    assert late.require(Rep, li.id).name == "Li Wei" and content(a) == content(late)


def test_a_claim_written_for_another_device_is_refused(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b, li, _ = _li_and_wang(pair, tmp_path)
    forged = _forged(
        b,
        tmp_path / "forged.json",
        entity="device_claims",
        row_id=a.device,
        field="rep_id",
        value=li.id,
    )
    before = dump(a)
    with pytest.raises(
        BundleError,
        match=f"by device {b.device} saying whose computer device "
        f"{a.device} is: only a device says that of itself",
    ):
        import_bundle(a, forged)
    assert dump(a) == before


def test_a_rep_with_two_computers_renames_themself_on_either(
    pair: tuple[Store, Store], tmp_path: Path, clock: FixedClock
) -> None:
    a, b = pair
    li = set_me(a, "Li Wei")
    send(a, b, tmp_path)
    assert set_me(b, "li wei").id == li.id  # the same rep on a second computer
    set_me(b, "Li Wei (Beijing)")
    send(b, a, tmp_path)
    c = _third(tmp_path, clock)
    send(a, c, tmp_path)
    assert a.require(Rep, li.id).name == c.require(Rep, li.id).name == "Li Wei (Beijing)"
    assert list_conflicts(a) == list_conflicts(c) == []


def test_a_rep_nobody_has_claimed_is_filled_in_by_anyone_and_placed_by_anyone(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """A manager's spreadsheet brings reps who have no computer here yet."""
    a, b = pair
    set_me(a, "Wang Fang")
    zhao = a.add(Rep(name="Zhao Lei"))
    a.update(Rep, zhao.id, email="zhao@example.com")
    send(a, b, tmp_path)
    assert set_me(b, "Zhao Lei").id == zhao.id  # Zhao joins, and claims the record
    send(b, a, tmp_path)
    with pytest.raises(NotYours):
        a.update(Rep, zhao.id, email="other@example.com")
    place_rep(a, zhao.id, team="East")  # a team is the team's to set
    send(a, b, tmp_path)
    assert b.require(Rep, zhao.id).team == "East"


def test_two_claims_forged_under_one_device_list_and_stay_its_own(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """Two claims of one device that do not see each other (only a forged
    bundle holds such) are a conflict listed like any other, which no other
    computer may settle: its choice would be a claim for another device."""
    a, b, li, _ = _li_and_wang(pair, tmp_path)
    forged = _forged(
        b,
        tmp_path / "forged.json",
        entity="device_claims",
        row_id=b.device,
        field="rep_id",
        value=li.id,
    )
    import_bundle(a, forged)
    (conflict,) = list_conflicts(a)
    assert conflict.entity == "device_claims" and {conflict.shown.text, conflict.other.text} == {
        "Li Wei",
        "Wang Fang",
    }
    assert "device" in conflict.place
    before = dump(a)
    with pytest.raises(NotYours, match=f"only device {b.device} says whose computer it is"):
        keep(a, conflict, conflict.other)
    assert dump(a) == before


def test_a_conflict_over_a_manager_names_the_reps(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b, li, wang = _li_and_wang(pair, tmp_path)
    send(b, a, tmp_path)
    zhao = a.add(Rep(name="Zhao Lei"))
    send(a, b, tmp_path)
    place_rep(a, li.id, manager_id=zhao.id)
    place_rep(b, li.id, manager_id=wang.id)
    send(b, a, tmp_path)
    (conflict,) = list_conflicts(a)
    assert {conflict.shown.text, conflict.other.text} == {"Zhao Lei", "Wang Fang"}  # not ids


def _reps_and_conflicts(store: Store) -> tuple[list[Any], list[Any]]:
    return (
        store.db.execute("SELECT id, name, email, phone FROM reps ORDER BY id").fetchall(),
        sorted(store.db.execute("SELECT * FROM conflicts").fetchall()),
    )


def test_claiming_a_rep_edited_elsewhere_ends_alike_on_every_computer(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """b edits Zhao (nobody's yet), a edits him later, and b then joins as
    Zhao: the claim makes b's edit Zhao's own. Every other replica reads it
    so; b, writing the claim, had kept a's value and a's side of it."""
    a, b = pair
    set_me(a, "Wang Fang")
    zhao = a.add(Rep(name="Zhao Lei"))
    send(a, b, tmp_path)
    b.update(Rep, zhao.id, email="b@example.com")
    a.clock.moment += timedelta(minutes=1)
    b.clock.moment += timedelta(minutes=1)
    a.update(Rep, zhao.id, email="a@example.com")  # later: shown on both, b's a conflict
    send(a, b, tmp_path)
    set_me(b, "Zhao Lei")
    send(b, a, tmp_path)
    send(a, b, tmp_path)
    assert _reps_and_conflicts(a) == _reps_and_conflicts(b)
    assert a.require(Rep, zhao.id).email == "b@example.com"  # his own computer's value
    assert [c.other.value for c in list_conflicts(b)] == ["a@example.com"]  # kept, for him


def test_a_rep_imported_by_a_manager_is_theirs_once_they_join(
    pair: tuple[Store, Store], tmp_path: Path, clock: FixedClock
) -> None:
    """Zhao came from the manager's spreadsheet and joined from b: a rename
    by any other computer is a conflict, though no computer of his had
    written his name before."""
    a, b = pair
    set_me(a, "Wang Fang")
    zhao = a.add(Rep(name="Zhao Lei"))
    send(a, b, tmp_path)
    set_me(b, "Zhao Lei")
    send(b, a, tmp_path)
    c = _third(tmp_path, clock)
    set_me(c, "Mallory")
    send(a, c, tmp_path)
    import_bundle(a, _mallory(c, zhao, tmp_path))
    assert a.require(Rep, zhao.id).name == "Zhao Lei"
    assert [conflict.other.value for conflict in list_conflicts(a)] == ["Mallory"]


@pytest.mark.parametrize("written", [["e1", "b1"], ["y", "c", "c2"]])
def test_a_reps_second_computer_claiming_ends_alike_everywhere(
    pair: tuple[Store, Store], tmp_path: Path, clock: FixedClock, written: list[str]
) -> None:
    """Zhao's two computers, e and b, each change his e-mail in turn (e
    first) before saying whose they are; e claims him, then b. b kept the
    winner and the conflict of before its claim while every other replica
    read them anew (found by a review)."""
    a, b = pair
    e = _third(tmp_path, clock)
    set_me(a, "Wang Fang")
    zhao = a.add(Rep(name="Zhao Lei", email="z0@example.com"))
    for store in (b, e):
        send(a, store, tmp_path)
    for n, value in enumerate(written):
        writer, reader = (e, b) if n % 2 == 0 else (b, e)
        for store in (a, b, e):
            store.clock.moment += timedelta(minutes=1)
        writer.update(Rep, zhao.id, email=f"{value}@example.com")
        send(writer, reader, tmp_path)
    set_me(e, "Zhao Lei")
    send(e, b, tmp_path)
    set_me(b, "Zhao Lei")
    for source, target in ((b, e), (e, b), (b, a), (e, a)):
        send(source, target, tmp_path)
    assert content(b) == content(e) == content(a)
