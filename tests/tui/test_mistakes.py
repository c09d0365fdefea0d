"""Putting mistakes right in the app: an activity opened from a timeline,
read whole, corrected and deleted; records deleted with x into the Trash
and restored; ctrl+z taking back the session's writes."""

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.tui.support import keys, listed, settle
from workbench.domain.clock import FixedClock
from workbench.domain.models import Activity, ActivityKind, Customer, Deal, FollowUp
from workbench.domain.when import When
from workbench.store import trash
from workbench.store.actions import add_deal, add_follow_up, log_activity, set_me
from workbench.store.database import Store, fetch_all, open_store
from workbench.tui.activity import ActivityFormScreen, ActivityScreen
from workbench.tui.app import WorkbenchApp
from workbench.tui.customer import CustomerScreen
from workbench.tui.customers import CustomersScreen
from workbench.tui.deal import DealScreen
from workbench.tui.pipeline import PipelineScreen
from workbench.tui.trash import ConfirmScreen, TrashScreen

NOW = "2026-11-23T09:30:00+08:00"
NOTE = "Asked for a quote.\nTheir [bold]plant[/] runs two shifts.\n第三行"


@pytest.fixture
def book(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "m.db", clock=FixedClock.at(NOW))
    set_me(store, "Li Wei")
    acme = store.add(Customer(name="Acme Pumps", tier="A"))
    deal = add_deal(store, Deal(customer_id=acme.id, title="Pumps", currency="CNY", stage="lead"))
    log_activity(store, ActivityKind.CALL, acme, note=NOTE, deal_id=deal.id)
    add_follow_up(store, acme.id, "Send the quote", When(date(2026, 11, 23)), deal.id)
    return store


def told(app: WorkbenchApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def card(app: WorkbenchApp) -> str:
    return str(app.screen.query_one("#activity-card", Static).render())


async def open_acme(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await keys(pilot, "3", *"acme", "enter", "enter")
    assert isinstance(pilot.app.screen, CustomerScreen)


async def test_an_activity_opens_whole_and_is_corrected(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await open_acme(pilot)
        assert "Asked for a quote. …" in listed(app), "a note of more lines says so"
        await keys(pilot, "tab", "enter")
        assert isinstance(app.screen, ActivityScreen)
        assert NOTE in card(app), "every line, as typed"
        await keys(pilot, "e")
        assert isinstance(app.screen, ActivityFormScreen)
        await keys(pilot, "v", "1", "ctrl+a", "ctrl+k", *"2026-11-20 14:00", "tab", "tab")
        await keys(pilot, "enter", *"Line four", "ctrl+s")
        assert isinstance(app.screen, ActivityScreen) and "Saved the visit" in told(app)
        (activity,) = fetch_all(book.db, "SELECT * FROM activities")
        assert (activity["kind"], activity["outcome"]) == ("visit", "meeting_held")
        assert activity["notes"] == NOTE + "\nLine four"
        assert activity["at"].startswith("2026-11-20T06:00")
        assert "Line four" in card(app) and "visit" in card(app)
        await keys(pilot, "ctrl+z")
        assert "Undone: Saved the visit" in told(app)
        assert book.require(Activity, activity["id"]).notes == NOTE
        assert "meeting held" not in card(app)


async def test_a_note_corrected_moves_no_time(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db", clock=FixedClock.at("2026-11-23T09:30:17+08:00"))
    set_me(store, "Li Wei")
    acme = store.add(Customer(name="Acme Pumps"))
    call = log_activity(store, ActivityKind.CALL, acme, note="Hi").activity  # at 09:30:17
    app = WorkbenchApp(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_acme(pilot)
        await keys(pilot, "tab", "enter", "e", "tab", "tab", "tab", "tab", *" there", "ctrl+s")
    edited = store.require(Activity, call.id)
    assert (edited.notes, edited.at) == ("Hi there", call.at)
    fields = store.db.execute(
        "SELECT DISTINCT field FROM changes WHERE row_id = ? AND hlc != ?",
        [call.id, call.updated_at],
    ).fetchall()
    assert fields == [("notes",)], "only the note changed"


async def test_a_moment_still_to_come_is_refused_in_the_form(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_acme(pilot)
        await keys(pilot, "tab", "enter", "e", "tab", "tab")
        await keys(pilot, "ctrl+a", "ctrl+k", *"next fri", "ctrl+s")
        assert isinstance(app.screen, ActivityFormScreen), "the form stays, as typed"
        problem = str(app.screen.query_one("#form-problem", Static).render())
        assert "still to come" in problem
        assert fetch_all(book.db, "SELECT at FROM activities")[0]["at"].startswith("2026-11-23")


async def test_an_activity_is_deleted_and_comes_back(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await open_acme(pilot)
        await keys(pilot, "tab", "enter", "x")
        assert isinstance(app.screen, CustomerScreen), "its view closes"
        assert "nothing logged yet" in listed(app)
        assert any(t.startswith("Deleted call · Acme Pumps") for t in told(app))
        await keys(pilot, "ctrl+z")
        assert "Asked for a quote" in listed(app)


async def test_a_customer_is_deleted_with_its_records_and_restored(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, "3", "enter", "x")
        assert isinstance(app.screen, ConfirmScreen), "a customer takes records with it: asked"
        await keys(pilot, "escape")
        assert not book.require(
            Customer, book.db.execute("SELECT id FROM customers").fetchone()[0]
        ).deleted
        await keys(pilot, "x", "enter")
        assert isinstance(app.screen, CustomersScreen)
        assert "Deleted Acme Pumps and 3 records with it · ctrl+z undoes" in told(app)
        assert fetch_all(book.db, "SELECT id FROM deals WHERE deleted = 0") == []
        app.push_screen(TrashScreen())
        await settle(pilot)
        assert isinstance(app.screen, TrashScreen)
        row = [str(cell) for cell in app.screen.table.get_row_at(0)]
        assert row[1:] == ["customer", "Acme Pumps", "", "3", "Li Wei"]
        await keys(pilot, "r")
        assert trash.trash(book) == [] and "Restored Acme Pumps" in told(app)


async def test_the_deal_view_opens_its_activities(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "2", "enter")
        assert isinstance(app.screen, DealScreen)
        await keys(pilot, "enter")  # its newest activity: the list has the focus
        assert isinstance(app.screen, ActivityScreen) and NOTE in card(app)


async def test_a_deal_is_deleted_from_the_board_and_from_its_view(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await keys(pilot, "2", "x", "enter")
        assert isinstance(app.screen, PipelineScreen)
        deal = book.db.execute("SELECT id, deleted FROM deals").fetchone()
        assert deal[1] == 1
        assert book.db.execute("SELECT deleted FROM follow_ups").fetchone() == (1,)
        await keys(pilot, "ctrl+z", "enter")
        assert isinstance(app.screen, DealScreen)
        await keys(pilot, "x", "enter")
        assert isinstance(app.screen, PipelineScreen), "the deal's view closes"
        assert book.require(Deal, deal[0]).deleted


async def test_today_deletes_a_follow_up_and_undo_brings_it_back(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        (follow_up,) = fetch_all(book.db, "SELECT id FROM follow_ups")
        await keys(pilot, "x")
        assert book.require(FollowUp, follow_up["id"]).deleted
        assert "Deleted Send the quote · Acme Pumps · ctrl+z undoes" in told(app)
        await keys(pilot, "ctrl+z")
        assert not book.require(FollowUp, follow_up["id"]).deleted
        assert "Undone: Deleted Send the quote · Acme Pumps" in told(app)
        await keys(pilot, "ctrl+z")
        assert told(app)[-1] == "Nothing to undo"


async def test_an_undo_that_would_overwrite_a_newer_change_says_so(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        (follow_up,) = fetch_all(book.db, "SELECT id FROM follow_ups")
        await keys(pilot, "x")
        book.update(FollowUp, follow_up["id"], deleted=False, title="Changed meanwhile")
        await keys(pilot, "ctrl+z")
        assert told(app)[-1].startswith(
            "Not undone: 'Changed meanwhile' was deleted or restored since"
        )
        assert book.require(FollowUp, follow_up["id"]).title == "Changed meanwhile"


async def test_the_first_screen_claims_a_rep_of_the_team_by_id(tmp_path: Path) -> None:
    from workbench.domain.models import Rep
    from workbench.tui.welcome import WelcomeScreen

    store = open_store(tmp_path / "synced.db", clock=FixedClock.at(NOW))
    first, second = (store.add(Rep(name="Li Wei")) for _ in range(2))  # synced in: two of them
    app = WorkbenchApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        shown = " ".join(str(text.render()) for text in app.screen.query(Static))
        assert first.id[:8] in shown and second.id[:8] in shown
        assert not app.screen.query("#demo"), "no demo mixed into a team's database"
        await keys(pilot, *"Li Wei", "ctrl+t")
        assert isinstance(app.screen, WelcomeScreen) and store.me is None
        await keys(pilot, *["backspace"] * 6)
        await keys(pilot, *"li wei", "enter")
        assert isinstance(app.screen, WelcomeScreen), "which of the two is not guessed"
        error = str(app.screen.query_one("#welcome-error", Static).render())
        assert "Two reps are called li wei" in error
        await keys(pilot, *["backspace"] * 6, *second.id[:8], "enter")
    assert store.me == second.id
    assert store.db.execute("SELECT count(*) FROM reps WHERE deleted = 0").fetchone() == (2,)
