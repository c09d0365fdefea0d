"""The shell around the panes: palette, keys help, themes, logging from anywhere."""

import sqlite3
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.content import Content

from tests.tui.support import screen_text, settle, until, workers_done
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer
from workbench.store.actions import set_me
from workbench.store.database import Store, fetch_all, open_store
from workbench.tui.app import WorkbenchApp
from workbench.tui.currency import CurrencyScreen, choose_currency
from workbench.tui.customer import CustomerScreen
from workbench.tui.log_form import QuickLogScreen
from workbench.tui.today import TodayScreen

NOW = "2026-11-23T09:30:00+08:00"


@pytest.fixture
def small(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "small.db", clock=FixedClock.at(NOW))
    set_me(store, "Li Wei")
    store.add(Customer(name="Hengtai Machinery", tier="A"))
    store.add(Customer(name="Beta Foods"))
    return store


async def test_palette_finds_a_customer_and_logs_with_them(small: Store) -> None:
    app = WorkbenchApp(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await workers_done(app)
        await pilot.press("ctrl+p", *"log with hengtai")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuickLogScreen)
        assert app.screen.customer_name == "Hengtai Machinery"
        await pilot.press("c", "1", *"from the palette", "ctrl+s")
        await workers_done(app)
    (row,) = fetch_all(
        small.db,
        "SELECT c.name FROM activities a JOIN customers c "
        "ON c.id = a.customer_id WHERE a.notes = 'from the palette'",
    )
    assert row["name"] == "Hengtai Machinery"


@pytest.mark.parametrize(
    "name",
    [
        "Redx [bold red]xx[/]",
        "Clicky [@click=app.quit]zz[/]",
        "Bracket [/b] Ltd",
        "Phase \\[2] [/draft]",
    ],
)
async def test_the_palette_shows_names_as_typed(small: Store, name: str) -> None:
    """Found, shown letter for letter with no style or link from the name, and
    opened: never read as markup."""
    small.add(Customer(name=name))
    app = WorkbenchApp(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await workers_done(app)
        await pilot.press("ctrl+p", *f"open {name[:5]}")
        await pilot.pause(0.5)
        prompts = [option.prompt for option in app.screen.query_one(CommandList).options]
        (hit,) = [p for p in prompts if isinstance(p, Content) and f"Open {name}" in p.plain]
        assert not any(
            "bold red" in str(span.style) or "click" in str(span.style) for span in hit.spans
        )
        await pilot.press("enter")
        await workers_done(app)
        assert app.is_running
        assert isinstance(app.screen, CustomerScreen)


async def test_quick_log_from_anywhere_completes_the_customer(small: Store) -> None:
    app = WorkbenchApp(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await workers_done(app)
        app.action_quick_log()
        await pilot.pause()
        await pilot.press(*"bet", "right", "enter")  # right accepts the suggestion
        await pilot.press("e", "1", *"sent the brochure", "ctrl+s")
        await workers_done(app)
    (row,) = fetch_all(
        small.db,
        "SELECT c.name, a.kind FROM activities a JOIN customers c "
        "ON c.id = a.customer_id WHERE a.notes = 'sent the brochure'",
    )
    assert (row["name"], row["kind"]) == ("Beta Foods", "email")


async def test_question_mark_shows_every_key(small: Store) -> None:
    app = WorkbenchApp(small)
    async with app.run_test(size=(120, 30)) as pilot:
        await workers_done(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")


async def test_theme_is_remembered(small: Store) -> None:
    app = WorkbenchApp(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await workers_done(app)
        app.set_theme("textual-light")
        await workers_done(app)
        await pilot.pause()
    assert small.settings().theme == "textual-light"
    again = WorkbenchApp(small)
    async with again.run_test(size=(100, 30)):
        assert again.theme == "textual-light"


async def test_welcome_with_demo_data(tmp_path: Path) -> None:
    store = open_store(tmp_path / "fresh.db", clock=FixedClock.at(NOW))
    app = WorkbenchApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"Li Wei", "ctrl+t")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert app.screen.items, "the demo's follow-ups are Li Wei's now"
    assert "Li Wei" in app.sub_title
    assert len(fetch_all(store.db, "SELECT id FROM customers")) == 200


async def test_midnight_moves_the_day(small: Store) -> None:
    from datetime import timedelta

    app = WorkbenchApp(small)
    async with app.run_test(size=(100, 30)) as pilot:
        await workers_done(app)
        assert "Mon 23 Nov 2026" in app.sub_title
        small.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
        app._midnight()
        await workers_done(app)
        await pilot.pause()
        assert "Tue 24 Nov 2026" in app.sub_title


async def test_a_pane_that_cannot_read_says_why(
    small: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def damaged(*_: object) -> None:
        error = sqlite3.DatabaseError("database disk image is malformed")
        error.sqlite_errorcode, error.sqlite_errorname = 11, "SQLITE_CORRUPT"
        raise error

    monkeypatch.setattr("workbench.store.queries.today_agenda", damaged)
    app = WorkbenchApp(small)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await workers_done(app)
        await pilot.pause()
        said = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("the database file is damaged" in text for text in said), said
        assert app.is_running


async def test_the_home_currency_is_chosen_from_the_palette(small: Store) -> None:
    app = WorkbenchApp(small)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        choose_currency(app)
        await settle(pilot)
        await pilot.press(*"xx", "enter")  # 'CNY' already typed: 'CNYxx' is refused
        await settle(pilot)
        assert isinstance(app.screen, CurrencyScreen)
        assert "is not an ISO 4217 currency code" in screen_text(app)
        await pilot.press(*["backspace"] * 5, *"usd", "enter")
        await until(pilot, lambda: "Home currency: USD" in screen_text(app))
        assert not isinstance(app.screen, CurrencyScreen)
    assert small.settings().currency == "USD"
