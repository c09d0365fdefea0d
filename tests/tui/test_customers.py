"""The Customers pane: search as you type, narrow and sort, open one."""

from pathlib import Path

import pytest

from tests.tui.support import keys, settle
from workbench.domain.clock import FixedClock
from workbench.domain.models import Contact, Customer, Rep
from workbench.store.actions import set_me
from workbench.store.database import Store, open_store
from workbench.tui.app import WorkbenchApp
from workbench.tui.customer import CustomerScreen
from workbench.tui.customers import CustomersScreen

NOW = "2026-11-23T09:30:00+08:00"


@pytest.fixture
def book(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "c.db", clock=FixedClock.at(NOW))
    set_me(store, "Li Wei")
    sam = store.add(Rep(name="Sam"))
    hengtai = store.add(
        Customer(name="上海恒泰机械有限公司", tier="A", segment="Enterprise", industry="Machinery")
    )
    store.add(Contact(customer_id=hengtai.id, name="Zhang Min", phone="138-0013-8000"))
    store.add(Customer(name="Acme Pumps", tier="B", segment="SMB", industry="Machinery"))
    store.add(Customer(name="Beta Foods", tier="C", owner=sam.id))
    return store


def listed(app: WorkbenchApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, CustomersScreen)
    return [str(screen.table.get_row_at(i)[0]) for i in range(screen.table.row_count)]


async def test_search_as_you_type_then_open(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)  # Today first
        await keys(pilot, "3")
        assert listed(app) == ["Acme Pumps", "上海恒泰机械有限公司"]  # mine, by name
        await keys(pilot, *"恒泰")
        assert listed(app) == ["上海恒泰机械有限公司"]
        await keys(pilot, "escape")  # clears the search, to the list
        assert len(listed(app)) == 2
        await keys(pilot, "slash", *"1380013")  # a contact's phone, by its digits
        assert listed(app) == ["上海恒泰机械有限公司"]
        await keys(pilot, "enter", "enter")  # to the list, then open
        assert isinstance(app.screen, CustomerScreen)
        await keys(pilot, "escape")
        assert isinstance(app.screen, CustomersScreen)


async def test_whose_tier_and_sort(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)  # Today first
        await keys(pilot, "3")
        await keys(pilot, "o")  # while the search box has focus, a letter is a search
        assert listed(app) == []
        await keys(pilot, "escape", "w")  # everyone's
        assert listed(app) == ["Acme Pumps", "Beta Foods", "上海恒泰机械有限公司"]
        await keys(pilot, "o")  # by tier
        assert listed(app) == ["上海恒泰机械有限公司", "Acme Pumps", "Beta Foods"]
        await keys(pilot, "t", "t")  # tier B only
        assert listed(app) == ["Acme Pumps"]
        screen = app.screen
        assert isinstance(screen, CustomersScreen)
        assert str(screen.status.render()).startswith("1 customer · ")
        assert "tier B" in str(screen.status.render())


async def test_filter_by_segment_and_industry(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await keys(pilot, "3", "escape", "f", *"ent", "right", "ctrl+s")
        assert listed(app) == ["上海恒泰机械有限公司"]
        await keys(pilot, "f", *["backspace"] * 12, "enter", *"nope", "ctrl+s")
        error = str(app.screen.query_one("#filter-error").render())
        assert "No customer has industry “nope”" in error
        await keys(pilot, *["backspace"] * 4, *"machinery", "ctrl+s")
        assert listed(app) == ["Acme Pumps", "上海恒泰机械有限公司"]
        screen = app.screen
        assert isinstance(screen, CustomersScreen)
        assert "Machinery (f)" in str(screen.status.render())
        await keys(pilot, "f", "enter", "enter", *"sa", "right", "enter")  # Sam's customers
        assert listed(app) == [] and "Sam's (w)" in str(screen.status.render())
        await keys(pilot, "f", "enter", *["backspace"] * 9, "enter", "ctrl+s")
        assert listed(app) == ["Beta Foods"]  # Sam's, any industry
        await keys(pilot, "w")  # back to mine
        assert listed(app) == ["Acme Pumps", "上海恒泰机械有限公司"]


async def test_a_long_list_is_drawn_a_page_at_a_time_and_keeps_its_row(book: Store) -> None:
    with book.transaction():
        for n in range(150):
            book.add(Customer(name=f"Heng {n:03}"))
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await keys(pilot, "3", *"heng", "enter")
        screen = app.screen
        assert isinstance(screen, CustomersScreen)
        assert screen.table.row_count == screen.table.PAGE
        assert "150 customers" in str(screen.status.render())
        await keys(pilot, "ctrl+end")
        assert screen.table.row_count == 150, "ctrl+end draws the rest"
        last = screen.table.cursor_row
        screen.reload()  # as after a write: the same list keeps its row, drawn or not
        await settle(pilot)
        assert screen.table.cursor_row == last
        assert str(screen.table.get_row_at(last)[0]) == "Heng 149"
