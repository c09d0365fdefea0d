"""Syncing from the app (S) and settling conflicts (k / o)."""

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tests.sync.bundles import send
from tests.sync.test_incomplete import STRAYS, bundle
from tests.tui.support import keys, settle
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, Deal
from workbench.store.actions import set_me
from workbench.store.database import Store, open_store
from workbench.sync.conflicts import list_conflicts
from workbench.sync.folder import sync_folder
from workbench.sync.importer import import_bundle
from workbench.tui.app import WorkbenchApp
from workbench.tui.sync import ConflictsScreen, FolderScreen, SyncScreen

NOW = "2026-11-23T09:30:00+08:00"


@pytest.fixture
def sam(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "sam.db", clock=FixedClock.at(NOW))
    set_me(store, "Sam Patel")
    store.add(Customer(name="Hengtai Pumps"))
    return store


@pytest.fixture
def mine(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "mine.db", clock=FixedClock.at(NOW))
    set_me(store, "Li Wei")
    return store


async def wait_for_sync(pilot) -> SyncScreen:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    assert isinstance(screen, SyncScreen)
    for _ in range(100):
        await settle(pilot)
        if screen.done:
            return screen
    raise AssertionError("the sync did not finish")


async def test_the_first_sync_asks_for_the_folder(mine: Store, sam: Store, tmp_path: Path) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    sync_folder(sam, folder)
    async with WorkbenchApp(mine).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await keys(pilot, "S")
        assert isinstance(pilot.app.screen, FolderScreen)
        pilot.app.screen.query_one(Input).value = str(tmp_path / "nowhere")
        await keys(pilot, "enter")
        error = pilot.app.screen.query_one("#folder-error", Static)
        assert "is not a folder" in str(error.render())
        pilot.app.screen.query_one(Input).value = str(folder)
        await keys(pilot, "enter")
        screen = await wait_for_sync(pilot)
        result = str(screen.query_one("#sync-result", Static).render())
        assert "from Sam Patel" in result and "Wrote" in result
        await keys(pilot, "escape")
        assert mine.settings().sync_folder == str(folder.resolve())
        assert mine.db.execute("SELECT count(*) FROM customers").fetchone() == (1,)
        await keys(pilot, "S")  # the folder is remembered: straight to the sync
        screen = await wait_for_sync(pilot)
        assert "Your bundle there is up to date" in str(
            screen.query_one("#sync-result", Static).render()
        )


async def test_keeping_the_other_value_settles_the_conflict(
    mine: Store, sam: Store, tmp_path: Path
) -> None:
    send(sam, mine, tmp_path)
    (customer_id,) = mine.db.execute("SELECT id FROM customers").fetchone()
    mine.update(Customer, customer_id, name="Hengtai Pumps Co.")
    sam.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    sam.update(Customer, customer_id, name="HENGTAI")
    send(sam, mine, tmp_path)
    async with WorkbenchApp(mine).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pilot.app.action_open_conflicts()
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ConflictsScreen) and screen.table.row_count == 1
        assert "1 conflict · k keeps" in str(screen.status.render())
        await keys(pilot, "o")
        assert mine.require(Customer, customer_id).name == "Hengtai Pumps Co."
        assert list_conflicts(mine) == [] and screen.table.row_count == 0


async def test_the_conflicts_view_tells_of_records_held_aside(mine: Store, tmp_path: Path) -> None:
    import_bundle(mine, bundle(mine, tmp_path / "stray.json", STRAYS["a contact without a name"]))
    async with WorkbenchApp(mine).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pilot.app.action_open_conflicts()
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ConflictsScreen)
        status = str(screen.status.render())
        assert "No conflicts" in status and "1 record is held aside" in status


async def test_a_failed_sync_says_why_instead_of_waiting(
    mine: Store, sam: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error the sync did not expect used to leave "Reading … 100%" on
    the screen for good."""
    folder = tmp_path / "team"
    folder.mkdir()
    sync_folder(sam, folder)
    (folder / "broken.json").write_text('{"header": {')
    set_folder(mine, folder)

    def locked(*_: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    async with WorkbenchApp(mine).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await keys(pilot, "S")
        screen = await wait_for_sync(pilot)
        result = str(screen.query_one("#sync-result", Static).render())
        assert "from Sam Patel" in result and "Set aside broken.json ends too early" in result
        await keys(pilot, "escape")
        monkeypatch.setattr("workbench.sync.folder.import_bundle", locked)
        (folder / "broken.json").write_text("{}")  # changed: read again
        await keys(pilot, "S")
        screen = await wait_for_sync(pilot)
        assert "database is locked" in str(screen.query_one("#sync-file", Static).render())


def set_folder(store: Store, folder: Path) -> None:
    settings = store.settings()
    settings.sync_folder = str(folder.resolve())
    store.save_settings(settings)


async def test_the_sync_says_whose_value_lost_and_the_list_shows_names_as_typed(
    mine: Store, sam: Store, tmp_path: Path
) -> None:
    """A crossed edit reaches the rep whose value lost in the sync's outcome;
    Conflicts names the customer, the record and the field's label, and a
    name holding markup shows as typed (in the list and once kept)."""
    folder = tmp_path / "team"
    folder.mkdir()
    (customer_id,) = sam.db.execute("SELECT id FROM customers").fetchone()
    sam.update(Customer, customer_id, name="Hengtai [/] [b]Pumps")
    deal = sam.add(
        Deal(customer_id=customer_id, title="Pump [red]upgrade", currency="CNY", stage="proposal")
    )
    sync_folder(sam, folder)
    sync_folder(mine, folder)
    mine.update(Deal, deal.id, next_step="call Mon")
    sam.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    sam.update(Deal, deal.id, next_step="call Tue")
    sync_folder(sam, folder)
    set_folder(mine, folder)
    async with WorkbenchApp(mine).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "S")
        screen = await wait_for_sync(pilot)
        result = str(screen.query_one("#sync-result", Static).render())
        assert (
            "1 conflict: your value for Hengtai [/] [b]Pumps · deal Pump [red]upgrade · "
            'Next step ("call Mon") lost to Sam Patel\'s ("call Tue")'
        ) in result
        await keys(pilot, "c")
        await settle(pilot)
        conflicts = pilot.app.screen
        assert isinstance(conflicts, ConflictsScreen) and conflicts.table.row_count == 1
        record, field, shown, other = (str(cell) for cell in conflicts.table.get_row_at(0))
        assert record == "Hengtai [/] [b]Pumps\ndeal Pump [red]upgrade" and field == "Next step"
        assert shown.startswith("call Tue\n") and shown.endswith("· Sam Patel")
        assert other.startswith("call Mon\n") and other.endswith("· Li Wei (you)")
        await keys(pilot, "o")
        assert mine.require(Deal, deal.id).next_step == "call Mon"
        (toast,) = pilot.app._notifications
        assert toast.message == (
            "Hengtai [/] [b]Pumps · deal Pump [red]upgrade · Next step: kept call Mon"
        )
