"""Conflicts reach both sides: each import says whose value lost and whose
was kept (and what a teammate settled before it came), once; the Conflicts
list names the customer, the record and the field as a rep knows them; the
command line lists and settles them as the app does."""

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.sync.bundles import content, replica, send
from workbench import i18n
from workbench.cli import cli
from workbench.domain.clock import FixedClock
from workbench.domain.models import (
    Activity,
    ActivityKind,
    Contact,
    Customer,
    Deal,
    Rep,
    field_label,
)
from workbench.store.actions import set_me
from workbench.store.database import Store
from workbench.store.location import DeviceRegistry
from workbench.store.schema import ENTITIES
from workbench.sync.conflicts import Conflict, Told, keep, list_conflicts, show_value
from workbench.sync.folder import sync_folder
from workbench.sync.importer import Summary


@pytest.fixture
def team(
    pair: tuple[Store, Store], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> Iterator[tuple[Store, Store, Deal]]:
    """Li Wei (a) and Wang Fang (b), synced, both holding Acme Pumps' deal
    "Conveyor line" (one of several deals so called), then each setting its
    next step without seeing the other's: Wang Fang's is later."""
    a, b = pair
    set_me(a, "Li Wei")
    set_me(b, "Wang Fang")
    acme = a.add(Customer(name="Acme Pumps"))
    other = a.add(Customer(name="Hengtai"))
    deal = a.add(
        Deal(
            customer_id=acme.id,
            title="Conveyor line",
            amount=100_000_00,
            currency="CNY",
            stage="lead",
        )
    )
    a.add(
        Deal(
            customer_id=other.id,
            title="Conveyor line",
            amount=5_000_00,
            currency="CNY",
            stage="lead",
        )
    )
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    a.update(Deal, deal.id, next_step="call Mon")
    clocks[1].advance(timedelta(minutes=5))
    b.update(Deal, deal.id, next_step="call Tue")
    yield a, b, deal


@pytest.fixture
def onlooker(
    team: tuple[Store, Store, Deal], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> Iterator[tuple[Store, Summary]]:
    """A third replica, which wrote neither value: Li Wei's bundle, then Wang
    Fang's (with what its import said)."""
    a, b, _ = team
    c = replica(tmp_path, "c", clocks[0])
    send(a, c, tmp_path)
    yield c, send(b, c, tmp_path)
    c.close()


WHERE = "Acme Pumps · deal Conveyor line · Next step"


def test_both_sides_hear_of_a_crossed_edit_once(
    team: tuple[Store, Store, Deal], tmp_path: Path
) -> None:
    a, b, _ = team
    to_b = send(a, b, tmp_path, full=False)
    to_a = send(b, a, tmp_path, full=False)
    assert to_a.conflicts == to_b.conflicts == 1
    assert to_a.lines()[1:] == [
        f'1 conflict: your value for {WHERE} ("call Mon") lost to Wang Fang\'s ("call Tue"); '
        "settle it in Conflicts (or `workbench conflicts`)"
    ]
    assert to_b.lines()[1:] == [
        f'1 conflict: your value for {WHERE} ("call Tue") was kept over Li Wei\'s ("call Mon"); '
        "settle it in Conflicts (or `workbench conflicts`)"
    ]
    (told,) = to_a.as_json()["told"]
    assert (told["customer"], told["record"], told["field"], told["field_label"]) == (
        "Acme Pumps",
        "Conveyor line",
        "next_step",
        "Next step",
    )
    assert told["shown"]["rep"] == "Wang Fang" and told["other"]["mine"] is True
    assert told["id"] == list_conflicts(a)[0].id and told["settled"] is False

    for again in (send(b, a, tmp_path), send(a, b, tmp_path), send(b, a, tmp_path, full=False)):
        assert again.conflicts == 0 and again.told == [] and len(again.lines()) == 1
    assert content(a) == content(b)


def test_a_teammate_who_settles_first_is_heard_by_the_rep_whose_value_lost(
    team: tuple[Store, Store, Deal], tmp_path: Path
) -> None:
    """Wang Fang sees the conflict first and keeps her value: Li Wei's import
    finds no conflict left, and still hears that his value was set aside."""
    a, b, deal = team
    send(a, b, tmp_path, full=False)
    (conflict,) = list_conflicts(b)
    keep(b, conflict, conflict.shown)
    to_a = send(b, a, tmp_path, full=False)
    assert (to_a.conflicts, to_a.settled) == (0, 1)
    assert to_a.lines()[1:] == [f'Wang Fang settled {WHERE}: "call Tue" kept over your "call Mon"']
    assert to_a.as_json()["told"][0]["settled"] is True and list_conflicts(a) == []
    assert a.require(Deal, deal.id).next_step == "call Tue"
    assert len(send(b, a, tmp_path).lines()) == 1  # told once
    assert content(a) == content(b)


def test_a_settlement_keeping_your_value_says_so(
    team: tuple[Store, Store, Deal], tmp_path: Path
) -> None:
    a, b, deal = team
    send(a, b, tmp_path, full=False)
    (conflict,) = list_conflicts(b)
    keep(b, conflict, conflict.other)  # Wang Fang takes Li Wei's
    to_a = send(b, a, tmp_path, full=False)
    assert to_a.lines()[1:] == [f'Wang Fang settled {WHERE}, keeping your value ("call Mon")']
    assert a.require(Deal, deal.id).next_step == "call Mon"


def test_a_third_replica_hears_whose_value_was_kept(onlooker: tuple[Store, Summary]) -> None:
    _, summary = onlooker
    assert summary.lines()[1:] == [
        f"1 conflict: {WHERE}: Wang Fang's value (\"call Tue\") was kept over Li Wei's "
        '("call Mon"); settle it in Conflicts (or `workbench conflicts`)'
    ]


def test_a_drop_folder_sync_tells_each_rep(team: tuple[Store, Store, Deal], tmp_path: Path) -> None:
    a, b, _ = team
    folder = tmp_path / "team"
    folder.mkdir()
    sync_folder(a, folder)
    heard_b = sync_folder(b, folder).lines()
    heard_a = sync_folder(a, folder).lines()
    assert any("was kept over Li Wei's" in line for line in heard_b)
    assert any("lost to Wang Fang's" in line for line in heard_a)
    assert not any("conflict" in line for line in sync_folder(a, folder).lines())


def test_many_conflicts_are_counted_and_a_few_named(
    pair: tuple[Store, Store], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> None:
    a, b = pair
    customers = [a.add(Customer(name=f"Acme {n}")) for n in range(8)]
    send(a, b, tmp_path)
    for customer in customers:
        a.update(Customer, customer.id, phone="+86 21 5555 0100")
    clocks[1].advance(timedelta(minutes=1))
    for customer in customers:
        b.update(Customer, customer.id, phone="+86 21 5555 0199")
    lines = send(b, a, tmp_path, full=False).lines()
    assert lines[1] == "8 conflicts; settle them in Conflicts (or `workbench conflicts`):"
    assert len(lines) == 2 + 5 + 1 and lines[-1] == "  … and 3 more"
    assert lines[2].startswith("  your value for customer Acme ") and " · Phone (" in lines[2]


# --- how the list names a conflict ------------------------------------------------


def _crossed(
    a: Store,
    b: Store,
    folder: Path,
    clock: FixedClock,
    model: type,
    row_id: str,
    **values: tuple[object, object],
) -> None:
    send(a, b, folder)
    a.update(model, row_id, **{name: mine for name, (mine, _) in values.items()})
    clock.advance(timedelta(minutes=1))
    b.update(model, row_id, **{name: theirs for name, (_, theirs) in values.items()})
    send(b, a, folder)


def test_each_kind_of_record_is_named_with_its_customer(
    pair: tuple[Store, Store], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> None:
    a, b = pair
    acme = a.add(Customer(name="Acme [/] Pumps"))  # markup in a name stays characters
    ann = a.add(Contact(customer_id=acme.id, name="Ann Wu"))
    call = a.add(Activity(kind=ActivityKind.CALL, customer_id=acme.id, at="2026-11-20T02:00:00Z"))
    sam = a.add(Rep(name="Sam"))
    _crossed(a, b, tmp_path, clocks[1], Customer, acme.id, tier=("A", "B"))
    _crossed(a, b, tmp_path, clocks[1], Contact, ann.id, title=("Buyer", "Head buyer"))
    _crossed(a, b, tmp_path, clocks[1], Activity, call.id, duration_min=(5, 15))
    _crossed(a, b, tmp_path, clocks[1], Rep, sam.id, email=("s@a.cn", "sam@a.cn"))
    places = sorted(conflict.place for conflict in list_conflicts(a))
    assert places == [
        "Acme [/] Pumps · activity call 2026-11-20 · Minutes",
        "Acme [/] Pumps · contact Ann Wu · Title",
        "customer Acme [/] Pumps · Tier",
        "rep Sam · E-mail",
    ]
    by_entity = {conflict.entity: conflict for conflict in list_conflicts(a)}
    assert by_entity["contacts"].customer == "Acme [/] Pumps"
    assert by_entity["reps"].customer is None
    assert (by_entity["activities"].shown.value, by_entity["activities"].other.value) == (15, 5)


def test_the_field_label_is_in_the_reps_language(
    team: tuple[Store, Store, Deal], tmp_path: Path
) -> None:
    a, b, _ = team
    send(b, a, tmp_path, full=False)
    (conflict,) = list_conflicts(a)
    was = i18n.language()
    try:
        i18n.choose(i18n.CHINESE)
        assert conflict.field_label == "下一步"
        assert conflict.place == "Acme Pumps · 商机 Conveyor line · 下一步"
        assert Told(conflict).text() == (
            "你在 Acme Pumps · 商机 Conveyor line · 下一步 的值（“call Mon”）"
            "输给了 Wang Fang 的值（“call Tue”）"
        )
    finally:
        i18n.choose(was)
    assert conflict.field_label == "Next step"


def test_every_synced_field_has_a_label() -> None:
    for name, entity in ENTITIES.items():
        for field in entity.fields:
            assert field_label(name, field) != field, f"{name}.{field} has no label"


# --- the command line ---------------------------------------------------------------


def _cli(store: Store, *args: str) -> tuple[int, str]:
    assert store.path is not None
    DeviceRegistry.default().put(store.path, store.device)  # ours: not taken for a copy
    result = CliRunner().invoke(cli, ["--db", str(store.path), *args])
    return result.exit_code, result.output


def test_conflicts_are_listed_and_settled_from_the_command_line(
    team: tuple[Store, Store, Deal], tmp_path: Path
) -> None:
    a, b, deal = team
    send(b, a, tmp_path, full=False)
    (conflict,) = list_conflicts(a)
    code, output = _cli(a, "conflicts")
    assert code == 0
    assert conflict.id in output and "Acme Pumps" in output and "deal Conveyor line" in output
    assert "Next step" in output and "call Tue (Wang Fang," in output
    assert "call Mon (Li Wei," in output and "1 conflict: `workbench conflicts keep" in output
    code, output = _cli(a, "conflicts", "--json")
    (listed,) = json.loads(output)
    assert listed["id"] == conflict.id and listed["field_label"] == "Next step"
    assert listed["other"] == {
        "value": "call Mon",
        "text": "call Mon",
        "rep": "Li Wei",
        "device": a.device,
        "seq": conflict.other.seq,
        "at": conflict.other.at.isoformat(),
        "mine": True,
    }

    assert _cli(a, "conflicts", "keep", "zzzz", "mine") == (
        2,
        "Error: no open conflict 'zzzz' (`workbench conflicts` lists them)\n",
    )
    code, output = _cli(a, "conflicts", "keep", conflict.id[:4], "mine")
    assert code == 0 and output == (
        f"{WHERE}: kept call Mon; the others get your choice with your next sync.\n"
    )
    assert a.require(Deal, deal.id).next_step == "call Mon" and list_conflicts(a) == []
    assert _cli(a, "conflicts") == (0, "No conflicts: every device's edits agree\n")
    assert _cli(a, "conflicts", "--json") == (0, "[]\n")

    told = send(a, b, tmp_path, full=False)
    assert told.lines()[1:] == [f'Li Wei settled {WHERE}: "call Mon" kept over your "call Tue"']
    assert b.require(Deal, deal.id).next_step == "call Mon" and list_conflicts(b) == []


def test_mine_and_theirs_need_a_side_written_here(onlooker: tuple[Store, Summary]) -> None:
    c, _ = onlooker
    (conflict,) = list_conflicts(c)
    code, output = _cli(c, "conflicts", "keep", conflict.id, "theirs")
    assert code == 2 and "were written on this computer: say shown or other" in output
    code, output = _cli(c, "conflicts", "keep", conflict.id, "other")
    assert code == 0 and "kept call Mon" in output


def test_import_and_sync_print_and_give_what_they_told(
    team: tuple[Store, Store, Deal], tmp_path: Path
) -> None:
    a, b, _ = team
    bundle = tmp_path / "from-b.json"
    assert _cli(b, "export", "-o", str(bundle))[0] == 0
    code, output = _cli(a, "import", str(bundle))
    assert code == 0 and f'your value for {WHERE} ("call Mon") lost to Wang Fang\'s' in output
    code, output = _cli(a, "import", "--json", str(bundle))
    (summary,) = json.loads(output)["imported"]
    assert (summary["conflicts"], summary["settled"], summary["told"]) == (0, 0, [])
    assert "conflict" not in _cli(a, "import", str(bundle))[1]

    folder = tmp_path / "team"
    folder.mkdir()
    assert _cli(a, "sync", str(folder))[0] == 0
    code, output = _cli(b, "sync", "--json", str(folder))
    told = [t for s in json.loads(output)["imported"] for t in s["told"]]
    assert code == 0 and [t["text"] for t in told] == [
        f'your value for {WHERE} ("call Tue") was kept over Li Wei\'s ("call Mon")'
    ]


def test_a_conflict_record_without_customer_names_no_one(
    pair: tuple[Store, Store], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> None:
    a, b = pair
    sam = a.add(Rep(name="Sam"))
    _crossed(a, b, tmp_path, clocks[1], Rep, sam.id, phone=("+86 21 5555 0100", "+86 21 5555 0101"))
    (conflict,) = list_conflicts(a)
    assert isinstance(conflict, Conflict) and conflict.place == "rep Sam · Phone"
    assert conflict.mine is conflict.other and conflict.theirs is conflict.shown


def test_a_count_target_is_shown_as_a_count() -> None:
    """Calls and visits targets hold no currency: 40 calls, not ¥0.40."""
    assert show_value({"amount": 40, "currency": None}) == "40"
    assert show_value({"amount": 1200, "currency": ""}) == "1,200"
    assert "12.00" in show_value({"amount": 1200, "currency": "CNY"})


def test_two_records_of_a_customer_named_alike_are_told_apart(
    pair: tuple[Store, Store], tmp_path: Path, clocks: tuple[FixedClock, FixedClock]
) -> None:
    """Acme has two deals called "Conveyor line": the conflict says which."""
    a, b = pair
    acme = a.add(Customer(name="Acme Pumps"))
    deal = a.add(Deal(customer_id=acme.id, title="Conveyor line", currency="CNY", stage="lead"))
    a.add(Deal(customer_id=acme.id, title="Conveyor line", currency="CNY", stage="needs"))
    single = a.add(Deal(customer_id=acme.id, title="Valves", currency="CNY", stage="lead"))
    _crossed(a, b, tmp_path, clocks[1], Deal, deal.id, next_step=("call Mon", "call Tue"))
    _crossed(a, b, tmp_path, clocks[1], Deal, single.id, next_step=("quote", "visit"))
    places = sorted(conflict.place for conflict in list_conflicts(a))
    assert places == [
        f"Acme Pumps · deal Conveyor line #{deal.id[:8]} · Next step",
        "Acme Pumps · deal Valves · Next step",
    ]
