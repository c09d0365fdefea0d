"""The customer 360° view: its keys, and the customer and contact forms."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.tui.support import keys, listed, settle
from workbench.domain.clock import FixedClock
from workbench.domain.models import Contact, Customer, Deal
from workbench.store.actions import set_me
from workbench.store.database import Store, fetch_all, open_store
from workbench.tui.app import WorkbenchApp
from workbench.tui.customer import CustomerScreen
from workbench.tui.deal import DealScreen
from workbench.tui.deal_form import DealFormScreen
from workbench.tui.follow_up_form import NewFollowUpScreen
from workbench.tui.form import TextScreen
from workbench.tui.log_form import QuickLogScreen
from workbench.tui.record_form import RecordFormScreen

NOW = "2026-11-23T09:30:00+08:00"


@pytest.fixture
def book(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "c.db", clock=FixedClock.at(NOW))
    set_me(store, "Li Wei")
    acme = store.add(Customer(name="Acme Pumps", tier="A", phone="+86 21 5555 0100"))
    store.add(
        Deal(
            customer_id=acme.id,
            title="Pump retrofit",
            currency="CNY",
            stage="proposal",
            amount=500_000,
            expected_close=date(2026, 12, 15),
        )
    )
    store.add(Customer(name="Beta Foods", tier="B"))
    return store


async def open_acme(pilot: Pilot[None]) -> CustomerScreen:
    await settle(pilot)
    await keys(pilot, "3", *"acme", "enter", "enter")
    screen = pilot.app.screen
    assert isinstance(screen, CustomerScreen)
    return screen


def shown(screen: CustomerScreen, widget_id: str) -> str:
    return str(screen.query_one(f"#{widget_id}", Static).render())


async def test_the_view_shows_the_story(book: Store) -> None:
    async with WorkbenchApp(book).run_test(size=(100, 40)) as pilot:
        screen = await open_acme(pilot)
        assert "Acme Pumps" in shown(screen, "account-profile")
        strip = " ".join(str(cell.render()) for cell in screen.query(".figure").results(Static))
        assert "¥5,000" in strip and "¥3,000 weighted" in strip  # 60% of the proposal
        assert "Pump retrofit" in str(screen.deals.get_row_at(0)[0])
        assert "nothing logged yet" in listed(pilot.app)


async def test_keys_of_the_view(book: Store) -> None:
    async with WorkbenchApp(book).run_test(size=(100, 40)) as pilot:
        screen = await open_acme(pilot)
        await keys(pilot, "l")
        assert isinstance(pilot.app.screen, QuickLogScreen)
        await keys(pilot, "v", "1", *"Walked the plant", "ctrl+s")
        assert "Walked the plant" in listed(pilot.app)
        await keys(pilot, "n")
        assert isinstance(pilot.app.screen, NewFollowUpScreen)
        await keys(pilot, *"Send quote", "enter", *"fri", "enter")
        assert "Send quote" in shown(screen, "account-follow-ups")
        await keys(pilot, "D")
        assert isinstance(pilot.app.screen, DealFormScreen)  # the customer is given
        await keys(pilot, *"Spare parts", "enter", *"20000", "enter", "1", "ctrl+s")
        assert {str(screen.deals.get_row_at(i)[0]) for i in range(2)} == {
            "Pump retrofit",
            "Spare parts",
        }
        await keys(pilot, "enter")
        assert isinstance(pilot.app.screen, DealScreen)
        await keys(pilot, "escape", "escape")
        assert not isinstance(pilot.app.screen, CustomerScreen)


async def test_add_a_contact_with_inline_checks(book: Store) -> None:
    async with WorkbenchApp(book).run_test(size=(100, 40)) as pilot:
        screen = await open_acme(pilot)
        await keys(pilot, "c")
        form = pilot.app.screen
        assert isinstance(form, RecordFormScreen)
        await keys(pilot, *"Zhou Min", "enter", *"Buyer", "enter", *"12")
        assert "does not look like a phone" in str(form.query_one("#phone-error").render())
        await keys(pilot, "ctrl+s")
        assert pilot.app.screen is form  # not saved while a field is wrong
        await keys(pilot, *"3 4567 8901", "ctrl+s")
        assert "Zhou Min" in shown(screen, "account-contacts")
        (row,) = fetch_all(book.db, "SELECT * FROM contacts")
        assert (row["title"], row["phone"]) == ("Buyer", "123 4567 8901")


async def test_edit_the_customer(book: Store) -> None:
    async with WorkbenchApp(book).run_test(size=(100, 40)) as pilot:
        screen = await open_acme(pilot)
        await keys(pilot, "e")
        form = pilot.app.screen
        assert isinstance(form, RecordFormScreen)
        await keys(pilot, *["backspace"] * 20)  # the name emptied
        assert "Name must not be empty" in str(form.query_one("#name-error").render())
        await keys(pilot, *"Acme Pumping", "tab", "p", "b", *"SMB", "ctrl+s")
        assert "Acme Pumping" in shown(screen, "account-profile")
        (row,) = fetch_all(book.db, "SELECT * FROM customers WHERE name = 'Acme Pumping'")
        assert (row["kind"], row["tier"], row["segment"]) == ("person", "B", "SMB")


async def test_new_customer_warns_of_a_look_alike(book: Store) -> None:
    async with WorkbenchApp(book).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "3", "escape", "n")
        form = pilot.app.screen
        assert isinstance(form, RecordFormScreen)
        await keys(pilot, *"ACME PUMPS LTD")
        warning = str(form.query_one("#record-warning").render())
        assert "Looks like Acme Pumps (same name once legal suffixes are dropped)" in warning
        await keys(pilot, "ctrl+s")  # a warning, not a refusal
        assert isinstance(pilot.app.screen, CustomerScreen)
        assert len(fetch_all(book.db, "SELECT id FROM customers WHERE name LIKE 'acme%'")) == 2


async def test_markup_in_a_contact_shows_literally(book: Store) -> None:
    acme = fetch_all(book.db, "SELECT id FROM customers WHERE name = 'Acme Pumps'")[0]["id"]
    book.add(Contact(customer_id=acme, name="[bold]Loud[/] Wang"))
    async with WorkbenchApp(book).run_test(size=(100, 40)) as pilot:
        screen = await open_acme(pilot)
        assert "[bold]Loud[/] Wang" in shown(screen, "account-contacts")


async def test_scores_and_complaints_from_the_quick_log(book: Store) -> None:
    async with WorkbenchApp(book).run_test(size=(100, 40)) as pilot:
        screen = await open_acme(pilot)
        await keys(pilot, "l", "v", "1", *"Good visit", "tab", "4", "ctrl+s")
        await keys(pilot, "l", "!", *"Late delivery", "ctrl+s")
        book.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
        await keys(pilot, "l", "!", *"Wrong part", "ctrl+s")  # the newer: logged at a later minute
        feedback = shown(screen, "account-feedback")
        assert "★★★★☆ visit" in feedback and feedback.count("complaint open") == 2
        assert "4.0 / 5" in " ".join(
            str(c.render()) for c in screen.query(".figure").results(Static)
        )
        await keys(pilot, "r")  # two open: pick which, oldest first
        await keys(pilot, "1")
        assert isinstance(pilot.app.screen, TextScreen)  # what was done about it
        await keys(pilot, *"Sent the parts by courier", "enter")
        rows = fetch_all(
            book.db,
            "SELECT notes, complaint_status FROM activities "
            "WHERE kind = 'complaint' ORDER BY notes",
        )
        assert [(r["notes"], r["complaint_status"]) for r in rows] == [
            ("Late delivery", "resolved"),
            ("Wrong part", "open"),
        ]
        assert "Sent the parts by courier" in listed(pilot.app)
        await keys(pilot, "r", "enter")  # the only one left: asked at once, no note
        assert "complaint open" not in shown(screen, "account-feedback")
        notes = fetch_all(book.db, "SELECT count(*) AS n FROM activities WHERE kind = 'note'")
        assert notes[0]["n"] == 1, "an empty note logs nothing"


async def test_edit_a_contact(book: Store) -> None:
    acme = fetch_all(book.db, "SELECT id FROM customers WHERE name = 'Acme Pumps'")[0]["id"]
    book.add(Contact(customer_id=acme, name="Zhou Min", title="Buyer"))
    book.add(Contact(customer_id=acme, name="Chen Jie"))
    async with WorkbenchApp(book).run_test(size=(100, 40)) as pilot:
        screen = await open_acme(pilot)
        await keys(pilot, "C", "2")  # by name: Chen Jie, Zhou Min
        form = pilot.app.screen
        assert isinstance(form, RecordFormScreen)
        await keys(pilot, "tab", *["backspace"] * 5, *"Head of purchasing", "ctrl+s")
        assert "Head of purchasing" in shown(screen, "account-contacts")
        titles = fetch_all(book.db, "SELECT name, title FROM contacts ORDER BY name")
        assert [(r["name"], r["title"]) for r in titles] == [
            ("Chen Jie", None),
            ("Zhou Min", "Head of purchasing"),
        ]
