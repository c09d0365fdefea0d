"""The Today pane driven by its keys, checked in the database afterwards."""

from collections.abc import AsyncIterator, Callable
from datetime import date, time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui.support import workers_done
from workbench.demo import Shape, generate
from workbench.domain.agenda import Item, Section
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, FollowUp
from workbench.store import queries
from workbench.store.database import Store, fetch_all, open_store
from workbench.tui.app import WorkbenchApp
from workbench.tui.customer import CustomerScreen
from workbench.tui.follow_up_form import WhenScreen
from workbench.tui.log_form import QuickLogScreen
from workbench.tui.today import AgendaTable, TodayScreen
from workbench.tui.welcome import WelcomeScreen

NOW = "2026-11-23T09:30:00+08:00"


@pytest.fixture
def demo(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "demo.db", clock=FixedClock.at(NOW))
    generate(store, shape=Shape(customers=60))
    return store


class Driver:
    def __init__(self, app: WorkbenchApp, pilot: Pilot[None]) -> None:
        self.app, self.pilot = app, pilot

    @property
    def today(self) -> TodayScreen:
        screen = self.app.screen
        assert isinstance(screen, TodayScreen)
        return screen

    async def select(self, predicate: Callable[[Item], object]) -> Item:
        """Put the cursor on the first agenda item matching `predicate`."""
        item = next(i for i in self.today.items.values() if predicate(i))
        table = self.today.query_one(AgendaTable)
        table.move_cursor(row=table.reveal(item.key))
        await self.pilot.pause()
        return item

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await workers_done(self.app)
        await self.pilot.pause()


@pytest.fixture
async def driver(demo: Store) -> AsyncIterator[Driver]:
    app = WorkbenchApp(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await workers_done(app)
        await pilot.pause()
        yield Driver(app, pilot)


async def test_sections_in_order_with_the_cursor_on_an_item(driver: Driver) -> None:
    items = list(driver.today.items.values())
    order = list(Section)
    assert [order.index(i.section) for i in items] == sorted(order.index(i.section) for i in items)
    assert {i.section for i in items} >= {Section.OVERDUE, Section.NEXT, Section.SUGGESTED}
    table = driver.today.query_one(AgendaTable)
    assert table.current_key() in driver.today.items
    await driver.press("up", "up")
    assert table.current_key() in driver.today.items, "section titles are skipped"
    assert "Alex Chen · Mon 23 Nov 2026" in driver.app.sub_title


async def test_done_logs_the_outcome_and_closes_the_follow_up(driver: Driver, demo: Store) -> None:
    item = await driver.select(lambda i: i.follow_up_id and not i.recurrence)
    await driver.press("d")
    assert isinstance(driver.app.screen, QuickLogScreen)
    await driver.press("c", "1", *"Agreed on the quote", "ctrl+s")
    assert demo.require(FollowUp, item.follow_up_id).done_at is not None
    (logged,) = fetch_all(demo.db, "SELECT * FROM activities WHERE notes = 'Agreed on the quote'")
    assert (logged["kind"], logged["outcome"], logged["customer_id"]) == (
        "call",
        "connected",
        item.customer_id,
    )
    assert item.key not in driver.today.items


async def test_done_on_a_recurring_follow_up_schedules_the_next(
    driver: Driver, demo: Store
) -> None:
    item = await driver.select(lambda i: i.follow_up_id and i.recurrence)
    await driver.press("d")
    await driver.press("c", "1", "ctrl+s")  # the next field is prefilled with its rhythm
    done = demo.require(FollowUp, item.follow_up_id)
    assert done.done_at is not None
    sql = "SELECT * FROM follow_ups WHERE customer_id = ? AND done_at IS NULL AND recurrence = ?"
    following = fetch_all(demo.db, sql, [done.customer_id, done.recurrence])
    assert any(row["due_date"] > done.due_date.isoformat() for row in following)


async def test_done_shows_the_day_the_series_goes_on_to(tmp_path: Path) -> None:
    """Every 2 weeks, due Friday: done on Monday, the next is due the Friday
    two weeks on (its rhythm), not two weeks from today, as the words alone
    would say. The form shows the day that is saved."""
    from workbench.domain.when import When
    from workbench.store.actions import add_follow_up, set_me

    store = open_store(tmp_path / "r.db", clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    set_me(store, "Li Wei")
    acme = store.add(Customer(name="Acme"))
    rule = "FREQ=WEEKLY;INTERVAL=2"
    series = add_follow_up(store, acme.id, "Check in", When(date(2026, 11, 20), rrule=rule))
    app = WorkbenchApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await workers_done(app)
        await pilot.pause()
        await pilot.press("d")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, QuickLogScreen)
        preview = str(app.screen.query_one(".preview").render())
        assert preview.startswith("→ Fri 4 Dec"), preview
        await pilot.press("c", "1", "ctrl+s")
        await workers_done(app)
    (following,) = fetch_all(store.db, "SELECT due_date FROM follow_ups WHERE done_at IS NULL")
    assert following["due_date"] == "2026-12-04"
    assert store.require(FollowUp, series.id).done_at is not None


async def test_snooze_defaults_to_tomorrow(driver: Driver, demo: Store) -> None:
    item = await driver.select(lambda i: i.follow_up_id)
    await driver.press("s")
    assert isinstance(driver.app.screen, WhenScreen)
    await driver.press("enter")
    fu = demo.require(FollowUp, item.follow_up_id)
    assert fu.snoozed_until == date(2026, 11, 24)


async def test_reschedule_takes_plain_words(driver: Driver, demo: Store) -> None:
    item = await driver.select(lambda i: i.follow_up_id)
    await driver.press("r", *"dec 1 3pm", "enter")
    fu = demo.require(FollowUp, item.follow_up_id)
    assert (fu.due_date, fu.due_time) == (date(2026, 12, 1), time(15))


async def test_a_bad_date_is_explained_and_nothing_is_saved(driver: Driver, demo: Store) -> None:
    item = await driver.select(lambda i: i.follow_up_id)
    before = demo.require(FollowUp, item.follow_up_id)
    await driver.press("r", *"someday", "enter")
    assert isinstance(driver.app.screen, WhenScreen), "stays open"
    preview = str(driver.app.screen.query_one(".preview").render())
    assert "can't read 'someday'" in preview
    await driver.press("escape")
    assert demo.require(FollowUp, item.follow_up_id) == before


async def test_quick_log_a_call_in_four_keys_plus_the_note(driver: Driver, demo: Store) -> None:
    item = await driver.select(lambda i: i.section == Section.SUGGESTED)
    await driver.press("l", "c", "2", *"rang, no answer", "ctrl+s")  # l c 2 … ctrl+s
    (logged,) = fetch_all(demo.db, "SELECT * FROM activities WHERE notes = 'rang, no answer'")
    assert (logged["customer_id"], logged["outcome"]) == (item.customer_id, "no_answer")


async def test_quick_log_with_a_next_follow_up(driver: Driver, demo: Store) -> None:
    item = await driver.select(lambda i: i.follow_up_id)
    await driver.press("l", "v", "1", *"toured the plant", "enter", *"fri 10am", "enter")
    rows = fetch_all(
        demo.db,
        "SELECT * FROM follow_ups WHERE customer_id = ? AND due_date = "
        "'2026-11-27' AND due_time = '10:00:00'",
        [item.customer_id],
    )
    assert len(rows) == 1 and rows[0]["title"] == "Follow up on visit: toured the plant"


async def test_a_log_on_a_rows_follow_up_can_mark_it_done_too(driver: Driver, demo: Store) -> None:
    """l on a follow-up's row offers it (ctrl+o), so the call and the done
    are one write and no second follow-up is left open; without ctrl+o it
    stays open, as the rep may have called about something else."""
    item = await driver.select(lambda i: i.follow_up_id and not i.recurrence)
    await driver.press("l", "c", "1", *"agreed the dates", "ctrl+o")
    offer = str(driver.app.screen.query_one("#done-offer").render())
    assert f"✓ “{item.what}” is done with this" in offer
    await driver.press("ctrl+s")
    (done,) = fetch_all(demo.db, "SELECT done_at FROM follow_ups WHERE id = ?", [item.follow_up_id])
    assert done["done_at"] is not None
    (logged,) = fetch_all(
        demo.db,
        "SELECT customer_id, deal_id FROM activities WHERE notes = 'agreed the dates'",
    )
    assert (logged["customer_id"], logged["deal_id"]) == (item.customer_id, item.deal_id)
    other = await driver.select(lambda i: i.follow_up_id and not i.recurrence)
    await driver.press("l", "c", "1", *"about something else", "ctrl+s")
    (left,) = fetch_all(
        demo.db, "SELECT done_at FROM follow_ups WHERE id = ?", [other.follow_up_id]
    )
    assert left["done_at"] is None


async def test_bad_next_date_in_quick_log_does_not_save(driver: Driver, demo: Store) -> None:
    await driver.select(lambda i: i.follow_up_id)
    count = len(fetch_all(demo.db, "SELECT id FROM activities"))
    await driver.press("l", "c", "1", *"x", "enter", *"next blursday", "enter")
    assert isinstance(driver.app.screen, QuickLogScreen)
    assert "can't read" in str(driver.app.screen.query_one("#next .preview").render())
    assert len(fetch_all(demo.db, "SELECT id FROM activities")) == count


async def test_new_follow_up(driver: Driver, demo: Store) -> None:
    item = await driver.select(lambda i: i.section == Section.SUGGESTED)
    await driver.press("n", *"Send the brochure", "enter", *"every month on the 1st", "enter")
    (row,) = fetch_all(demo.db, "SELECT * FROM follow_ups WHERE title = 'Send the brochure'")
    assert (row["customer_id"], row["due_date"], row["recurrence"]) == (
        item.customer_id,
        "2026-12-01",
        "FREQ=MONTHLY;BYMONTHDAY=1",
    )


async def test_enter_opens_the_customer_and_escape_comes_back(driver: Driver) -> None:
    item = await driver.select(lambda i: i.follow_up_id)
    await driver.press("enter")
    assert isinstance(driver.app.screen, CustomerScreen)
    card = str(driver.app.screen.query_one("#account-profile").render())
    assert item.customer in card
    await driver.press("escape")
    assert isinstance(driver.app.screen, TodayScreen)


async def test_names_show_literally(tmp_path: Path) -> None:
    store = open_store(tmp_path / "x.db", clock=FixedClock.at(NOW))
    from workbench.store.actions import set_me

    set_me(store, "Li Wei")
    loud = store.add(Customer(name="[bold red]Loud[/] Ltd"))
    store.add(FollowUp(title="[blink]call[/]", customer_id=loud.id, due_date="2026-11-23"))
    store.db.execute("UPDATE customers SET name = ? WHERE id = ?", ["Evil\x1b[2J", loud.id])
    app = WorkbenchApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await workers_done(app)
        await pilot.pause()
        drawn = app.export_screenshot()  # what the terminal shows, not what was stored
        assert "[blink]call[/]" in drawn
        assert "Evil?[2J" in drawn and "\x1b" not in drawn


async def test_first_run_asks_for_a_name(tmp_path: Path) -> None:
    store = open_store(tmp_path / "new.db", clock=FixedClock.at(NOW))
    app = WorkbenchApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press(*"Li Wei", "enter")
        await workers_done(app)
        await pilot.pause()
        assert store.me is not None
        assert "Li Wei" in app.sub_title


async def test_a_long_agenda_is_drawn_a_page_at_a_time(tmp_path: Path) -> None:
    store = open_store(tmp_path / "busy.db", clock=FixedClock.at(NOW))
    from workbench.store.actions import set_me

    set_me(store, "Li Wei")
    with store.transaction():
        for n in range(300):
            customer = store.add(Customer(name=f"Customer {n:03}"))
            store.add(
                FollowUp(
                    title=f"Call {n:03}",
                    customer_id=customer.id,
                    due_date=date(2026, 11, 1 + n % 20),
                )
            )
    app = WorkbenchApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await workers_done(app)
        await pilot.pause()
        table = app.screen.query_one(AgendaTable)
        assert table.row_count == AgendaTable.PAGE, "only the first page is drawn"
        await pilot.press(*["pagedown"] * 6)
        assert table.row_count > AgendaTable.PAGE, "paging down draws more"
        await pilot.resize_terminal(120, 40)  # a resize redraws from the top, rows still waiting
        await workers_done(app)
        await pilot.pause()
        await pilot.press("ctrl+end")
        assert table.row_count == 301, "ctrl+end draws the rest: 300 items under one title"
        last = app.screen.selected()
        assert last is not None and last.what == "Call 299"


async def test_the_agenda_is_read_once_at_start(
    demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    read = queries.today_agenda
    monkeypatch.setattr(queries, "today_agenda", lambda store: reads.append(1) or read(store))
    app = WorkbenchApp(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await workers_done(app)
        await pilot.pause()
        assert len(reads) == 1, "mounting and coming into view are one load, not two"
        await pilot.press("2", "1")
        await workers_done(app)
        assert len(reads) == 2, "coming back to Today reads it again"


async def test_a_deal_without_a_customer_opens_the_deal(demo: Store) -> None:
    """Its row has no customer to open, log with or plan for: the deal opens,
    and l and n say what to do first."""
    from workbench.domain.models import Deal
    from workbench.tui.deal import DealScreen

    stale = next(i for i in queries.today_agenda(demo) if i.key.startswith("stale:"))
    assert stale.deal_id is not None
    demo.update(Deal, stale.deal_id, customer_id=None)
    app = WorkbenchApp(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        driver = Driver(app, pilot)
        await workers_done(app)
        item = await driver.select(lambda i: i.key == stale.key)
        assert item.customer == "(no customer)"
        await driver.press("l")
        await driver.press("n")
        assert isinstance(app.screen, TodayScreen)
        told = [str(n.message) for n in app._notifications]
        assert len([m for m in told if "has no customer yet" in m]) == 2
        await driver.press("enter")
        assert isinstance(app.screen, DealScreen) and app.screen.deal_id == stale.deal_id
