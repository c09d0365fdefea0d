"""The Duplicates review: merge a pair choosing values, undo, swap, dismiss."""

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui.support import keys, settle
from workbench.domain.clock import FixedClock
from workbench.domain.models import Contact, Customer
from workbench.store.actions import set_me
from workbench.store.database import Store, fetch_all, open_store
from workbench.tui.app import WorkbenchApp
from workbench.tui.duplicates import DuplicatesScreen, MergeScreen

NOW = "2026-11-23T09:30:00+08:00"


@pytest.fixture
def book(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "d.db", clock=FixedClock.at(NOW))
    set_me(store, "Li Wei")
    older = store.add(Customer(name="Hengtai Pumps Co., Ltd.", tier="A", email="info@hengtai.cn"))
    newer = store.add(Customer(name="HENGTAI PUMPS", tier="B", email="li@hengtai.cn"))
    store.add(Contact(customer_id=older.id, name="Zhang Min"))
    store.add(Contact(customer_id=newer.id, name="Li Na"))
    store.add(Customer(name="Acme"))
    return store


def live(store: Store) -> list[tuple[str, str]]:
    rows = fetch_all(store.db, "SELECT name, tier FROM customers WHERE deleted = 0 ORDER BY name")
    return [(row["name"], row["tier"]) for row in rows]


async def open_review(pilot: Pilot[None]) -> DuplicatesScreen:
    await settle(pilot)
    await keys(pilot, "3", "escape", "d")
    screen = pilot.app.screen
    assert isinstance(screen, DuplicatesScreen)
    return screen


async def test_merge_choosing_values_then_undo(book: Store) -> None:
    async with WorkbenchApp(book).run_test(size=(100, 30)) as pilot:
        screen = await open_review(pilot)
        assert screen.table.row_count == 1
        await keys(pilot, "enter")
        assert isinstance(pilot.app.screen, MergeScreen)
        await keys(pilot, "1", "2", "ctrl+s")  # the older name, the newer's tier
        assert live(book) == [("Acme", "C"), ("Hengtai Pumps Co., Ltd.", "B")]
        contacts = fetch_all(book.db, "SELECT DISTINCT customer_id FROM contacts")
        assert len(contacts) == 1  # both contacts on the survivor
        assert screen.table.row_count == 0 and "u undo" in str(screen.status.render())
        await keys(pilot, "u")
        assert live(book) == [
            ("Acme", "C"),
            ("HENGTAI PUMPS", "B"),
            ("Hengtai Pumps Co., Ltd.", "A"),
        ]
        assert screen.table.row_count == 1


async def test_keep_the_second_ones_values(book: Store) -> None:
    async with WorkbenchApp(book).run_test(size=(100, 30)) as pilot:
        await open_review(pilot)
        await keys(pilot, "enter", "2", "2", "ctrl+s")  # its name and its tier
        assert live(book) == [("Acme", "C"), ("HENGTAI PUMPS", "B")]


async def test_not_the_same(book: Store) -> None:
    async with WorkbenchApp(book).run_test(size=(100, 30)) as pilot:
        screen = await open_review(pilot)
        await keys(pilot, "x")
        assert screen.table.row_count == 0
        assert len(live(book)) == 3
