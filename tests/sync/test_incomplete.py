"""A record that arrives in part is held aside until it is whole: it never
breaks a pane or a command, and it joins its table when the rest arrives."""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from tests.sync.bundles import content, read_bundle_file, send, write_bundle
from workbench.cli import cli
from workbench.domain.errors import NotYours
from workbench.domain.models import Activity, Contact, Customer, Deal, Rep, Target
from workbench.store.database import Store, open_store
from workbench.store.incomplete import count_incomplete, discard, list_held
from workbench.store.migrate import migrate, shipped_migrations
from workbench.sync.export import export_bundle
from workbench.sync.importer import import_bundle

HLC = "001795397400000-0000-peer"


def change(seq: int, entity: str, row_id: str, field: str, value: Any) -> dict[str, Any]:
    return {
        "origin": "peer",
        "seq": seq,
        "hlc": HLC,
        "entity": entity,
        "row_id": row_id,
        "field": field,
        "value": value,
        "prev": None,
    }


def bundle(store: Store, path: Path, changes: list[dict[str, Any]]) -> Path:
    """A bundle from a device 'peer' holding just `changes`."""
    header, _ = read_bundle_file(export_bundle(store, path.with_suffix(".tmpl")).path)
    header |= {"origin": "peer", "known": {"peer": len(changes)}, "devices": {}, "rep": None}
    return write_bundle(path, header, changes)


STRAYS = {
    "a stage with only a probability": [change(1, "stages", "zz", "probability", 5)],
    "a target without a period": [
        change(1, "targets", "t1", "rep_id", "r1"),
        change(2, "targets", "t1", "metric", "calls"),
        change(3, "targets", "t1", "amount", {"amount": 5, "currency": None}),
        change(4, "targets", "t1", "created_at", "2026-11-01T00:00:00Z"),
    ],
    "a deal without a currency": [
        change(1, "deals", "d1", "title", "Pumps"),
        change(2, "deals", "d1", "customer_id", "c1"),
        change(3, "deals", "d1", "stage", "lead"),
        change(4, "deals", "d1", "created_at", "2026-11-01T00:00:00Z"),
    ],
    "a contact without a name": [
        change(1, "contacts", "k1", "customer_id", "c1"),
        change(2, "contacts", "k1", "email", "x@example.com"),
        change(3, "contacts", "k1", "created_at", "2026-11-01T00:00:00Z"),
    ],
}


@pytest.mark.parametrize("stray", STRAYS)
def test_a_stray_record_breaks_no_command(tmp_path: Path, stray: str) -> None:
    """Each of these used to blank a pane or crash `stages`, `report`,
    `target list`, `deals` or `export-vcf`, for good."""
    db = str(tmp_path / "mine.db")

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--db", db, *args])
        assert result.exit_code == 0, result.output + repr(result.exception)
        return result.output

    run("me", "Li Wei")
    store = open_store(db)
    path = bundle(store, tmp_path / "stray.json", STRAYS[stray])
    store.close()
    assert "1 incomplete, held aside" in run("import", str(path))
    for command in (
        ["stages"],
        ["report"],
        ["target", "list"],
        ["deals"],
        ["customers"],
        ["today"],
        ["export-vcf", "-o", str(tmp_path / "c.vcf")],
    ):
        run(*command)
    assert "zz" not in run("stages")
    run("stages", "add", "zz", "--label", "Zed", "--probability", "30")  # the key is free
    assert "Zed" in run("stages")


def test_the_rest_arriving_makes_it_whole(pair: tuple[Store, Store], tmp_path: Path) -> None:
    """Bundles out of order: the edit before the creation."""
    a, b = pair
    acme = a.add(Customer(name="Acme"))
    first = export_bundle(a, tmp_path / "first.json").path
    a.update(Customer, acme.id, tier="A")
    a.add(Contact(customer_id=acme.id, name="Wang Fang"))
    _, changes = read_bundle_file(export_bundle(a, tmp_path / "all.json").path)
    header, old = read_bundle_file(first)
    later = [c for c in changes if c["seq"] > max(o["seq"] for o in old)]
    summary = import_bundle(b, write_bundle(tmp_path / "later.json", header, later))
    assert summary.incomplete == 1 and summary.added == {"contacts": 1}
    assert b.get(Customer, acme.id) is None and count_incomplete(b.db) == 1
    summary = import_bundle(b, first)
    assert b.require(Customer, acme.id).tier == "A" and count_incomplete(b.db) == 0
    assert content(a) == content(b)


def test_a_rep_setting_a_held_target_makes_it_whole(store: Store, me: Rep, tmp_path: Path) -> None:
    target = Target.id_for(me.id, "calls", "2026-11")
    amount = change(1, "targets", target, "amount", {"amount": 9, "currency": None})
    path = bundle(store, tmp_path / "t.json", [amount])
    assert import_bundle(store, path).incomplete == 1
    store.add(Target(id=target, rep_id=me.id, period="2026-11", metric="calls", amount=40))
    assert store.require(Target, target).amount == 40 and count_incomplete(store.db) == 0


def test_half_made_records_already_in_a_table_are_held_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, [m for m in shipped_migrations() if m[0] < "0010"])
    conn.execute("INSERT INTO stages (id, updated_at, probability) VALUES ('zz', 'x', 5)")
    conn.execute("INSERT INTO deals (id, updated_at, title) VALUES ('d1', 'x', 'No currency')")
    conn.close()
    store = open_store(path)
    assert [s.key for s in store.stages()][-1] == "lost"
    assert store.get(Deal, "d1") is None
    assert json.dumps(store.db.execute("SELECT * FROM incomplete ORDER BY 1").fetchall()) == (
        '[["deals", "d1"], ["stages", "zz"]]'
    )
    store.close()


def test_a_record_complete_here_is_not_held(pair: tuple[Store, Store], tmp_path: Path) -> None:
    a, b = pair
    send(a, b, tmp_path)
    assert count_incomplete(b.db) == 0


def test_a_merge_that_breaks_a_rule_across_fields_shows_and_can_be_put_right(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """One rep makes a call a visit while the other marks it unanswered:
    each edit was valid, the merge pairs a visit with 'no answer'."""
    a, b = pair
    acme = a.add(Customer(name="Acme"))
    call = a.add(Activity(kind="call", customer_id=acme.id, at="2026-11-20T08:00:00Z"))
    send(a, b, tmp_path)
    a.update(Activity, call.id, kind="visit")
    b.update(Activity, call.id, outcome="no_answer")
    send(a, b, tmp_path)
    merged = b.require(Activity, call.id)
    assert (merged.kind, merged.outcome) == ("visit", "no_answer")
    with pytest.raises(ValidationError, match="not an outcome of a visit"):
        b.update(Activity, call.id, notes="left a card")
    b.update(Activity, call.id, outcome="not_met", notes="left a card")


def test_held_records_are_listed_and_a_stray_can_be_discarded(tmp_path: Path) -> None:
    """What waits for the rest of it is shown, with what it has and lacks;
    a stray that never will be whole is discarded, and stays discarded."""
    db = str(tmp_path / "mine.db")

    def run(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(cli, ["--db", db, *args])
        assert result.exit_code == code, result.output + repr(result.exception)
        return result.output

    run("me", "Li Wei")
    store = open_store(db)
    path = bundle(store, tmp_path / "stray.json", STRAYS["a deal without a currency"])
    store.close()
    run("import", str(path))
    assert "1 record is held aside" in run("conflicts")
    listed = run("conflicts", "incomplete")
    assert "d1" in listed and "deal" in listed and "Amount" in listed and "Deal title" in listed
    (held,) = json.loads(run("conflicts", "incomplete", "--json"))
    assert (held["entity"], held["lacks"], held["devices"]) == ("deals", ["amount"], ["peer"])
    assert "names 0 held records" in run("conflicts", "incomplete", "--discard", "zz", code=2)
    assert "Discarded deal d1" in run("conflicts", "incomplete", "--discard", "d1")
    assert "No record is held aside" in run("conflicts", "incomplete")
    assert "held aside" not in run("conflicts")
    run("import", str(path))  # the stray again: still discarded
    assert json.loads(run("conflicts", "incomplete", "--json")) == []
    store = open_store(db)
    more = [*STRAYS["a deal without a currency"], change(5, "deals", "d1", "next_step", "call")]
    path = bundle(store, tmp_path / "more.json", more)
    store.close()
    assert "incomplete" not in run("import", str(path))  # more of it: not news any more
    store = open_store(db)
    assert store.get(Deal, "d1") is None
    store.close()


def test_a_teammates_held_rep_record_is_not_discarded(
    store: Store, me: Rep, tmp_path: Path
) -> None:
    path = bundle(store, tmp_path / "rep.json", [change(1, "reps", "r9", "email", "x@a.cn")])
    import_bundle(store, path)
    (held,) = list_held(store)
    with pytest.raises(NotYours, match="only on their own computers"):
        discard(store, held)
    assert list_held(store) == [held]
