"""A form keeps what the rep typed until it is saved: a write that fails
(a name no customer has, a value the rules refuse, a database another
program holds) says why in the form, which stays as it was."""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.tui.support import keys, settle, typed_at_once, until
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, FollowUp
from workbench.store.actions import set_me
from workbench.store.database import Store, fetch_all, open_store
from workbench.tui.app import WorkbenchApp
from workbench.tui.log_form import QuickLogScreen
from workbench.tui.record_form import edit_customer
from workbench.tui.stages import StageFormScreen

NOW = "2026-11-23T09:30:00+08:00"


@pytest.fixture
def book(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "f.db", clock=FixedClock.at(NOW))
    set_me(store, "Li Wei")
    store.add(Customer(name="Acme Pumps"))
    return store


def problem(app: WorkbenchApp) -> str:
    return str(app.screen.query_one("#form-problem", Static).render())


def logged(store: Store) -> list[tuple[str, str]]:
    rows = fetch_all(
        store.db,
        "SELECT c.name, a.notes FROM activities a JOIN customers c "
        "ON c.id = a.customer_id ORDER BY a.at",
    )
    return [(row["name"], row["notes"]) for row in rows]


async def test_a_name_no_customer_has_keeps_the_log_and_offers_to_add_them(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.action_quick_log()  # with no customer chosen yet
        await keys(pilot, *"Nobody Ltd", "enter", "c", "1", *"Asked for a quote", "ctrl+s")
        form = app.screen
        assert isinstance(form, QuickLogScreen), "the form stays"
        assert form.query_one("#note", Input).value == "Asked for a quote"
        assert "No customer is called “Nobody Ltd”" in problem(app)
        assert logged(book) == []
        await keys(pilot, "ctrl+s")  # yes, add them
        assert not isinstance(app.screen, QuickLogScreen)
    assert logged(book) == [("Nobody Ltd", "Asked for a quote")]


async def test_fixing_the_name_logs_with_the_customer_meant(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.action_quick_log()
        await keys(pilot, *"Acne", "enter", "c", "1", *"Quote sent", "ctrl+s")
        assert isinstance(app.screen, QuickLogScreen)
        app.screen.query_one("#customer", Input).value = "Acme"
        await keys(pilot, "ctrl+s")
    assert logged(book) == [("Acme Pumps", "Quote sent")]
    assert len(fetch_all(book.db, "SELECT id FROM customers")) == 1, "no customer 'Acne' made"


async def test_a_stage_the_rules_refuse_keeps_the_form(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await keys(
            pilot, "2", "S", "a", *"demo", "enter", *"Demo", "enter", *"150", "enter", *"7", "enter"
        )
        form = app.screen
        assert isinstance(form, StageFormScreen)
        assert "probability" in problem(app) and "100" in problem(app)
        assert [i.value for i in form.query(Input)] == ["demo", "Demo", "150", "7"]
        form.query_one("#probability", Input).value = "40"
        await keys(pilot, "ctrl+s")
        assert not isinstance(app.screen, StageFormScreen)
    assert "demo" in [stage.key for stage in book.stages()]


@contextmanager
def held(store: Store, seconds: float) -> Iterator[None]:
    """Another program holds the database's write lock for `seconds`."""
    assert store.path is not None
    other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, lambda: other.execute("COMMIT"))
    release.start()
    try:
        yield
    finally:
        release.join()
        other.close()


async def log_a_call(pilot: Pilot[None], note: str) -> None:
    """The quick log, filled in for a call with Acme (not saved yet)."""
    await settle(pilot)
    pilot.app.action_quick_log()  # type: ignore[attr-defined]
    await keys(pilot, *"Acme", "enter", "c", "1", *note)


async def test_a_save_while_another_program_writes_waits_and_says_so(book: Store) -> None:
    book.db.execute("PRAGMA busy_timeout = 150")  # SQLite's wait, short for the test
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 32)) as pilot:
        await log_a_call(pilot, "Busy line")
        with held(book, 0.25):
            await pilot.press("ctrl+s")
            await until(pilot, lambda: not isinstance(app.screen, QuickLogScreen))
        await settle(pilot)
        assert not isinstance(app.screen, QuickLogScreen)
    assert logged(book) == [("Acme Pumps", "Busy line")]


async def test_a_lock_held_past_every_try_keeps_the_text(book: Store) -> None:
    book.db.execute("PRAGMA busy_timeout = 50")
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 32)) as pilot:
        await log_a_call(pilot, "Held too long")
        with held(book, 1.5):
            await pilot.press("ctrl+s")
            await until(pilot, lambda: "Not saved" in _problem_or_empty(app))
            assert "database is locked" in problem(app) and "kept" in problem(app)
            assert app.screen.query_one("#note", Input).value == "Held too long"
        await keys(pilot, "ctrl+s")  # free again: saved
        assert not isinstance(app.screen, QuickLogScreen)
    assert logged(book) == [("Acme Pumps", "Held too long")]


def _problem_or_empty(app: WorkbenchApp) -> str:
    found = app.screen.query("#form-problem")
    return str(found.first(Static).render()) if found else ""


# --- keys: enter moves on, a pick moves on, keys typed ahead land where meant


async def test_enter_on_a_choice_moves_on(book: Store) -> None:
    acme = fetch_all(book.db, "SELECT id FROM customers")[0]["id"]
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        edit_customer(app, acme)
        await keys(pilot, "enter", "enter", "b", "ctrl+s")  # name, kind, then tier B
    assert book.require(Customer, acme).tier == "B"


async def test_a_score_and_enter_go_on_to_the_next_follow_up(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.action_quick_log()
        await keys(pilot, *"Acme", "enter", "v", "1", *"Good visit", "tab", "4", "enter")
        form = app.screen
        assert isinstance(form, QuickLogScreen), "4 enter: the score, not a save"
        await keys(pilot, *"next tue", "enter")
        assert not isinstance(app.screen, QuickLogScreen)
    (row,) = fetch_all(book.db, "SELECT satisfaction, notes FROM activities")
    assert (row["satisfaction"], row["notes"]) == (4, "Good visit")
    (follow_up,) = fetch_all(book.db, "SELECT due_date FROM follow_ups")
    assert follow_up["due_date"] == "2026-12-01"  # the Tuesday after Mon 23 Nov


async def test_keys_typed_as_the_quick_log_opens_land_where_meant(book: Store) -> None:
    acme = fetch_all(book.db, "SELECT id FROM customers")[0]["id"]
    book.add(FollowUp(customer_id=acme, title="Call back", due_date=date(2026, 11, 23)))
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)  # Today, on the follow-up: l logs with Acme
        typed_at_once(app, "lc1Rang about the quote")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, QuickLogScreen)
        assert (form.kind, form.outcome) == ("call", "connected")
        assert form.query_one("#note", Input).value == "Rang about the quote"
