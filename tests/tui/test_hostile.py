"""Hostile text is ordinary text: names and notes that look like markup,
escape codes, 5,000 characters, right-to-left and zero-width characters,
arriving through the app's own forms, a CSV import and a teammate's bundle.
Every screen and every toast shows them as typed, and the app never exits."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.pilot import Pilot

from tests.sync.bundles import send
from tests.tui.support import keys, screen_text, settle, until
from workbench.domain.clock import FixedClock
from workbench.domain.models import Activity, ActivityKind, Contact, Customer, Deal, FollowUp
from workbench.domain.pipeline import BoardFilter
from workbench.interop.csv_columns import load_mapping
from workbench.interop.csv_import import apply_plan, plan_import
from workbench.store.actions import set_me
from workbench.store.database import Store, fetch_all, open_store
from workbench.store.pipeline import add_stage
from workbench.tui.app import WorkbenchApp
from workbench.tui.customer import CustomerScreen
from workbench.tui.deal import DealScreen
from workbench.tui.deal_form import new_deal
from workbench.tui.pipeline import PipelineScreen
from workbench.tui.record_form import new_customer

NOW = "2026-11-23T09:30:00+08:00"
# Each a customer's name, a deal's title and a follow-up's title.
MARKUP = ["[/]", "Phase 2 [/draft]", "[bold red]x[/]", "[@click=app.quit]x[/]"]
OTHER = ["شركة الأمل للتجارة", "Zero\u200bWidth\u200dCo", "\u202eRTL override"]
LONG_NOTE = "[/] " + "Notes without end. " * 263  # over 5,000 characters


def teammate_sends(mine: Store, tmp_path: Path) -> None:
    """Sam's customers, deals and follow-ups with hostile names, by bundle;
    then notes the two of them changed at once (a conflict of hostile values)."""
    clock = FixedClock.at(NOW)
    sam = open_store(tmp_path / "sam.db", clock=clock)
    set_me(sam, "Sam [/b] Patel")
    for n, name in enumerate(MARKUP):
        customer = sam.add(Customer(name=f"{name} Bundle", tier="A"))
        sam.add(
            Deal(
                customer_id=customer.id,
                title=name,
                amount=100_000 * (n + 1),
                currency="CNY",
                stage="lead",
            )
        )
        sam.add(FollowUp(customer_id=customer.id, title=name, due_date=date(2026, 11, 23)))
    send(sam, mine, tmp_path)
    mine.update(Customer, customer.id, notes="[b]mine[/b] and [/]")
    clock.advance(timedelta(hours=1))
    sam.update(Customer, customer.id, notes="[/theirs] [@click=app.quit]q[/]")
    send(sam, mine, tmp_path)


@pytest.fixture
def book(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "mine.db", clock=FixedClock.at(NOW))
    set_me(store, "Li [bold]Wei[/]")
    sheet = tmp_path / "customers.csv"
    sheet.write_text(
        "name,notes\n" + "".join(f'"{n}","{n}"\n' for n in [*MARKUP, *OTHER]), encoding="utf-8"
    )
    plan = plan_import(store, "customers", sheet, load_mapping(None))
    assert not plan.rejected
    apply_plan(store, plan, skip_bad=False)
    teammate_sends(store, tmp_path)
    first = fetch_all(store.db, "SELECT id FROM customers WHERE name = ?", [MARKUP[0]])[0]["id"]
    store.add(Contact(customer_id=first, name="[/bold] Wang", title="[b]Buyer"))
    store.add(
        Activity(
            customer_id=first,
            kind=ActivityKind.CALL,
            notes=LONG_NOTE,
            at=store.clock.now() - timedelta(days=1),
        )
    )
    for name in MARKUP:
        store.add(FollowUp(customer_id=first, title=f"Call {name}", due_date=date(2026, 11, 20)))
    add_stage(store, "odd", "[/] stage", 30)
    return store


def shows_all(text: str, names: list[str]) -> None:
    for name in names:
        assert name in text, f"{name!r} not shown as typed"


def palette_hits(app: WorkbenchApp) -> list[str]:
    lists = app.screen.query(CommandList)
    return [str(option.prompt) for option in lists.first().options] if lists else []


def toasts(app: WorkbenchApp) -> str:
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def look(pilot: Pilot[None], *pressed: str) -> str:
    await keys(pilot, *pressed)
    await settle(pilot)
    assert pilot.app.is_running
    return screen_text(pilot.app)


async def test_every_screen_shows_hostile_text_as_typed(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await settle(pilot)
        today = screen_text(app)
        shows_all(today, [f"Call {name}" for name in MARKUP])
        assert "Li [bold]Wei[/]" in today  # the rep's name in the header

        await keys(pilot, "2")
        board_pane = app.screen
        assert isinstance(board_pane, PipelineScreen)
        board_pane.filter = BoardFilter(who="everyone")  # Sam's deals too
        board = await look(pilot)
        board_pane.reload()
        board = await look(pilot)
        shows_all(board, MARKUP)  # (the stage "[/] stage" is off the right edge here)
        await look(pilot, ">")  # a toast names the deal moved
        assert f"{MARKUP[1]} → Qualified" in toasts(app)

        customers = await look(pilot, "3", "escape", "w")  # everyone's
        shows_all(customers, [*MARKUP, *(f"{name} Bundle" for name in MARKUP)])

        for name in [*MARKUP, *OTHER]:
            customer = fetch_all(book.db, "SELECT id FROM customers WHERE name = ?", [name])[0]
            app.open_customer(customer["id"])
            view = await look(pilot)
            assert isinstance(app.screen, CustomerScreen)
            assert name.replace("\u200b", "").replace("\u200d", "")[:5] in view.replace(
                "\u200b", ""
            ).replace("\u200d", "")
            await keys(pilot, "escape")
        app.open_customer(
            fetch_all(book.db, "SELECT id FROM customers WHERE name = ?", [MARKUP[0]])[0]["id"]
        )
        view = await look(pilot)
        shows_all(view, ["[/bold] Wang", "[b]Buyer", "[/] Notes without end."])
        await keys(pilot, "escape")

        for name in MARKUP:
            deal = fetch_all(book.db, "SELECT id FROM deals WHERE title = ?", [name])[0]
            app.open_deal(deal["id"])
            view = await look(pilot)
            assert isinstance(app.screen, DealScreen)
            shows_all(view, [name])
            await keys(pilot, "escape")

        stages = await look(pilot, "2", "S")
        shows_all(stages, ["[/] stage"])
        await keys(pilot, "escape")

        targets = await look(pilot, "4")
        assert "Li [bold]Wei[/]" in targets

        app.action_open_conflicts()
        conflicts = await look(pilot)
        shows_all(conflicts, ["[b]mine[/b] and [/]", "[/theirs] [@click=app.quit]q[/]"])
        await keys(pilot, "escape")

        app.action_open_duplicates()
        await look(pilot)
        await keys(pilot, "escape")

        for name in MARKUP:
            await keys(pilot, "ctrl+p", *f"open {name}")
            for _ in range(100):  # the palette searches in the background, a moment after typing
                if any(name in hit for hit in palette_hits(app)):
                    break
                await pilot.pause(0.05)
            assert any(name in hit for hit in palette_hits(app)), palette_hits(app)
            await keys(pilot, "escape")
        assert app.is_running


async def test_hostile_text_typed_into_the_forms_is_saved_and_shown_as_typed(
    book: Store,
) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await settle(pilot)
        for name in ("Bracket [/b] Ltd", "[@click=app.quit]Clicky[/]"):
            new_customer(app)
            await keys(pilot, *name, "ctrl+s")
            assert isinstance(app.screen, CustomerScreen), "saved, and opened"
            assert name in screen_text(app)
            await keys(pilot, "escape")
        app.action_quick_log()
        await keys(pilot, *"Bracket", "enter", "n", *"[/draft] talked", "ctrl+s")
        await until(pilot, lambda: "Logged" in screen_text(app))  # (a loaded machine lags)
        assert "Logged" in screen_text(app)
        new_deal(app)
        await keys(
            pilot,
            *"Bracket",
            "enter",
            *"Phase 2 [/draft]",
            "enter",
            *"1000",
            "enter",
            "1",
            "ctrl+s",
        )
        await until(pilot, lambda: "New deal: Phase 2 [/draft]" in screen_text(app))
        assert "New deal: Phase 2 [/draft]" in screen_text(app)
        assert app.is_running
    names = {row["name"] for row in fetch_all(book.db, "SELECT name FROM customers")}
    assert {"Bracket [/b] Ltd", "[@click=app.quit]Clicky[/]"} <= names
    notes = {row["notes"] for row in fetch_all(book.db, "SELECT notes FROM activities")}
    assert "[/draft] talked" in notes


async def test_escape_codes_typed_into_a_form_are_refused_and_nothing_is_lost(
    book: Store,
) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        new_customer(app)
        await settle(pilot)
        form = app.screen
        form.query_one("#name").value = "Evil \x1b[2J Ltd"  # type: ignore[attr-defined]
        await keys(pilot, "ctrl+s")
        assert app.screen is form, "refused: the form stays, with the text"
        assert "control characters" in screen_text(app)
        assert form.query_one("#name").value == "Evil \x1b[2J Ltd"  # type: ignore[attr-defined]
        assert app.is_running
