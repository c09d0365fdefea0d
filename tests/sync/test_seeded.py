"""Records every database starts with (the default stages) merge like any
record: editing one on a machine never breaks a teammate's import."""

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import TODAY
from tests.sync.bundles import content, send
from workbench.cli import cli
from workbench.domain.clock import FixedClock
from workbench.domain.merge import SEED
from workbench.domain.models import Customer, Deal, Stage
from workbench.domain.stages import DEFAULT_STAGES
from workbench.store.database import Store, open_store
from workbench.store.migrate import migrate, shipped_migrations
from workbench.store.pipeline import (
    StageError,
    add_stage,
    delete_stage,
    move_deal,
    move_stage,
    set_stage,
)
from workbench.sync.conflicts import list_conflicts

NOW = f"{TODAY}T09:30:00+08:00"


def stages(store: Store) -> list[tuple[object, ...]]:
    return [(s.key, s.label, s.position, s.probability, s.kind, s.rot_days) for s in store.stages()]


def test_the_stage_edit_of_the_issue_reaches_a_teammate(tmp_path: Path) -> None:
    """`stages set lead --label Leads`, export, import: it used to end in
    `UNIQUE constraint failed: stages.id`."""

    def run(db: str, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / db), *args])
        return result.exit_code, result.output

    run("a.db", "me", "Li Wei")
    assert run("a.db", "stages", "set", "lead", "--label", "Leads")[0] == 0
    run("a.db", "export", "-o", str(tmp_path / "a.json"))
    code, output = run("b.db", "import", str(tmp_path / "a.json"))
    assert code == 0, output
    assert "Leads" in run("b.db", "stages")[1]


def test_every_stage_edit_merges_both_ways(pair: tuple[Store, Store], tmp_path: Path) -> None:
    a, b = pair
    set_stage(a, "lead", label="Leads", probability=0)
    add_stage(a, "trial", "Trial", 50, after="needs")
    move_stage(a, "trial", after="qualified")
    set_stage(b, "won", label="Signed")
    acme = b.add(Customer(name="Acme"))
    deal = b.add(Deal(customer_id=acme.id, title="Pumps", currency="CNY", stage="needs"))
    move_deal(b, deal.id, "proposal")
    delete_stage(b, "needs")
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    assert content(a) == content(b)
    assert stages(a) == stages(b)
    assert [s[:2] for s in stages(a)] == [
        ("lead", "Leads"),
        ("qualified", "Qualified"),
        ("trial", "Trial"),
        ("proposal", "Proposal"),
        ("negotiation", "Negotiation"),
        ("won", "Signed"),
        ("lost", "Lost"),
    ]
    assert a.require(Stage, "lead").probability == 0
    assert not list_conflicts(a), "nobody edited a field on both sides"


def test_the_seeded_changes_are_everywhere_and_travel_nowhere(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b = pair
    seeded = "SELECT * FROM changes WHERE origin = ? ORDER BY seq"
    assert a.db.execute(seeded, [SEED]).fetchall() == b.db.execute(seeded, [SEED]).fetchall()
    assert len(a.db.execute(seeded, [SEED]).fetchall()) == 40
    set_stage(a, "lead", label="Leads")
    summary = send(a, b, tmp_path)
    assert summary.changes == 1  # the edit; not the 40 seeded changes
    assert summary.updated == {"stages": 1} and summary.conflicts == 0


def test_a_database_edited_before_the_seed_keeps_its_edits(tmp_path: Path) -> None:
    """A stage edited under an older Workbench (its change supersedes no
    seeded one) still shows the edit after the upgrade, and syncs."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    migrate(conn, path, [m for m in shipped_migrations() if m[0] < "0009"])
    set_stage(Store(conn, FixedClock.at(NOW), "olddevice", path), "lead", label="Leads")
    assert conn.execute("SELECT prev FROM changes").fetchall() == [(None,)]
    conn.close()
    old = open_store(path)  # upgraded: the seed joins the log
    assert stages(old)[0][1] == "Leads"
    fresh = open_store(tmp_path / "fresh.db")
    send(old, fresh, tmp_path)
    send(fresh, old, tmp_path)
    assert stages(fresh) == stages(old) and stages(fresh)[0][1] == "Leads"
    assert not list_conflicts(fresh)
    old.close()
    fresh.close()


def test_the_seed_matches_the_defaults(store: Store) -> None:
    rows = store.db.execute(
        "SELECT row_id, field, value FROM changes WHERE origin = ? AND field = 'label'", [SEED]
    ).fetchall()
    assert [(key, value) for key, _, value in rows] == [
        (key, f'"{label}"') for key, label, *_ in DEFAULT_STAGES
    ]


def test_two_reps_adding_and_moving_stages_at_once_conflict_over_nothing(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """Each change writes its own stage's position only: no conflict over
    the positions of Won, Lost or any stage neither rep touched."""
    a, b = pair
    add_stage(a, "trial", "Trial", 50, after="needs")
    add_stage(b, "pilot", "Pilot", 30, after="lead")
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    assert list_conflicts(a) == list_conflicts(b) == []
    keys = [
        "lead",
        "pilot",
        "qualified",
        "needs",
        "trial",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ]
    assert [s.key for s in a.stages()] == [s.key for s in b.stages()] == keys
    move_stage(a, "trial", after="lead")
    move_stage(b, "pilot", after="proposal")
    add_stage(a, "review", "Review", 70, after="negotiation")
    add_stage(b, "legal", "Legal", 75, after="negotiation")
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    assert list_conflicts(a) == [] and content(a) == content(b)
    order = [s.key for s in a.stages()]
    assert order[:4] == ["lead", "trial", "qualified", "needs"] and order[-2:] == ["won", "lost"]
    assert order.index("pilot") == order.index("proposal") + 1
    assert {"review", "legal"} < set(order[order.index("negotiation") :])


def test_stages_squeezed_into_one_gap_on_two_machines_stay_in_order(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """Twelve stages after "lead" on each machine, and one more elsewhere on
    one (at positions 0–1000 the seventh found no room and renumbered every
    stage, differently on each side: a conflict on each): no other stage
    moves, no conflict, Won and Lost stay last; an open stage never goes
    after them."""
    a, b = pair
    add_stage(a, "review", "Review", 70, after="negotiation")
    for n in range(12):
        add_stage(a, f"a{n}", f"A{n}", 10, after="lead")
        add_stage(b, f"b{n}", f"B{n}", 10, after="lead")
    send(a, b, tmp_path)
    send(b, a, tmp_path)
    assert list_conflicts(a) == [] and content(a) == content(b)
    order = [s.key for s in a.stages()]
    assert order[0] == "lead" and order[-2:] == ["won", "lost"]
    assert order.index("a11") < order.index("a1") < order.index("a0") < order.index("qualified")
    with pytest.raises(StageError, match="'lost' is not an open stage"):
        add_stage(a, "late", "Late", 10, after="lost")
