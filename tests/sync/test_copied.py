"""A copied database is a new device that asks whose it is: writing as the
original's rep would let the copy rename them on every replica."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from tests.sync.bundles import send
from tests.tui.support import workers_done
from workbench.cli import cli
from workbench.domain.clock import FixedClock
from workbench.domain.errors import NotYours
from workbench.domain.models import Rep
from workbench.store.actions import place_rep, set_me
from workbench.store.database import Store, open_store
from workbench.store.location import DeviceRegistry
from workbench.sync.conflicts import keep, list_conflicts
from workbench.tui.app import WorkbenchApp
from workbench.tui.welcome import WelcomeScreen


def _original_and_copy(tmp_path: Path, clock: FixedClock) -> tuple[Store, Store, Rep]:
    registry = DeviceRegistry(tmp_path / "config" / "devices.json")
    original = open_store(tmp_path / "a.db", clock=clock, registry=registry)
    rep = set_me(original, "Li Wei")
    original.close()  # its last writes are in the file, not the write-ahead log
    shutil.copy(tmp_path / "a.db", tmp_path / "copy.db")
    original = open_store(tmp_path / "a.db", clock=clock, registry=registry)
    return original, open_store(tmp_path / "copy.db", clock=clock, registry=registry), rep


def test_a_copy_forgets_whose_it_was_and_its_new_rep_renames_nobody(
    tmp_path: Path, clock: FixedClock
) -> None:
    original, copy, li = _original_and_copy(tmp_path, clock)
    assert copy.device != original.device and copy.me is None
    wang = set_me(copy, "Wang Fang")
    assert wang.id != li.id
    send(copy, original, tmp_path)
    assert original.require(Rep, li.id).name == "Li Wei"
    assert original.me == li.id  # the original is still Li Wei's


def test_the_same_rep_on_a_new_device_picks_their_own_name(
    tmp_path: Path, clock: FixedClock
) -> None:
    _, copy, li = _original_and_copy(tmp_path, clock)
    assert set_me(copy, " li wei ").id == li.id  # no second Li Wei
    assert copy.db.execute("SELECT count(*) FROM reps").fetchone() == (1,)
    assert copy.me == li.id


def test_the_cli_asks_whose_a_copy_is(tmp_path: Path, clock: FixedClock) -> None:
    original, copy, _ = _original_and_copy(tmp_path, clock)
    original.close()
    copy.close()
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "copy.db"), "me"])
    assert result.exit_code != 0
    assert "holds the work of Li Wei (" in result.output
    assert "but not who uses it here: `workbench me --claim ID`" in result.output


async def test_the_app_asks_whose_a_copy_is(tmp_path: Path, clock: FixedClock) -> None:
    _, copy, li = _original_and_copy(tmp_path, clock)
    app = WorkbenchApp(copy)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        shown = " ".join(str(text.render()) for text in app.screen.query(Static))
        assert "already holds the work of Li Wei" in shown
        await pilot.press(*"Li Wei", "enter")
        await workers_done(app)
        await pilot.pause()
    assert copy.me == li.id


def test_only_the_rep_settles_a_conflict_on_their_record(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b = pair
    li = set_me(a, "Li Wei")
    send(a, b, tmp_path)
    set_me(b, "Li Wei")  # Li's second computer
    set_me(a, "Li Wei (Shanghai)")
    set_me(b, "Li Wei (Beijing)")
    send(b, a, tmp_path)
    (conflict,) = list_conflicts(a)
    c = open_store(tmp_path / "c.db", clock=a.clock, registry=DeviceRegistry(tmp_path / "c.json"))
    set_me(c, "Wang Fang")
    send(a, c, tmp_path)
    (theirs,) = list_conflicts(c)
    with pytest.raises(NotYours, match="is another rep: only their own computers settle"):
        keep(c, theirs, theirs.other)
    keep(a, conflict, conflict.other)
    send(a, c, tmp_path)
    assert list_conflicts(c) == [] and c.require(Rep, li.id).name == conflict.other.value


def test_a_reps_team_and_manager_are_the_teams_to_set_and_settle(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """A manager places reps in teams from their own computer; the change
    reaches everyone, and a crossed edit is settled by anyone, unlike a name."""
    a, b = pair
    li = set_me(a, "Li Wei")
    send(a, b, tmp_path)
    wang = set_me(b, "Wang Fang")
    place_rep(b, li.id, team="华东区", manager_id=wang.id)
    send(b, a, tmp_path)
    placed = a.require(Rep, li.id)
    assert (placed.team, placed.manager_id) == ("华东区", wang.id)
    place_rep(a, li.id, team="East")
    place_rep(b, li.id, team="华南区")
    send(a, b, tmp_path)
    (crossed,) = list_conflicts(b)
    assert crossed.field == "team"
    keep(b, crossed, crossed.other)  # Wang settles Li's team: theirs to set
    send(b, a, tmp_path)
    assert list_conflicts(a) == [] and a.require(Rep, li.id).team == crossed.other.value
