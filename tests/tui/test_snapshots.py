"""How each pane looks, on a small book of business written for them
(tests/tui/small_book.py) with the clock pinned."""

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui.small_book import small_book
from tests.tui.support import workers_done
from workbench.domain.clock import FixedClock
from workbench.store.database import Store, open_store
from workbench.tui.app import WorkbenchApp
from workbench.tui.imports import import_file


async def _loaded(pilot: Pilot[None]) -> None:
    await workers_done(pilot.app)
    await pilot.pause()


def _on_pane(key: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Up, then `key` for a pane, then that pane's data in: a pane loads in a
    worker, and a picture taken before it is in shows an empty board."""

    async def opened(pilot: Pilot[None]) -> None:
        await _loaded(pilot)
        await pilot.press(key)
        await _loaded(pilot)

    return opened


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_today(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = small_book(tmp_path)
    assert snap_compare(WorkbenchApp(store), terminal_size=size, run_before=_loaded)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_pipeline(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = small_book(tmp_path)
    assert snap_compare(WorkbenchApp(store), terminal_size=size, run_before=_on_pane("2"))


async def _customers(pilot: Pilot[None]) -> None:
    await _loaded(pilot)
    await pilot.press("3")
    await _loaded(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_customers(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = small_book(tmp_path)
    assert snap_compare(WorkbenchApp(store), terminal_size=size, run_before=_customers)


async def _customer_360(pilot: Pilot[None]) -> None:
    await _customers(pilot)
    await pilot.press("escape", "w", "o", "o", "o", "o")  # everyone's, by won revenue
    await _loaded(pilot)
    await pilot.press("enter")  # the biggest customer: deals, feedback, a long timeline
    await _loaded(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_customer_360(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = small_book(tmp_path)
    assert snap_compare(WorkbenchApp(store), terminal_size=size, run_before=_customer_360)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_targets(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = small_book(tmp_path)
    assert snap_compare(WorkbenchApp(store), terminal_size=size, run_before=_on_pane("4"))


async def _conflicts(pilot: Pilot[None]) -> None:
    await _loaded(pilot)
    pilot.app.action_open_conflicts()  # type: ignore[attr-defined]
    await _loaded(pilot)


def in_conflict(tmp_path: Path) -> Store:
    """Li Wei's database after Sam's edits of the same fields came in twice."""
    from datetime import timedelta

    from tests.sync.bundles import send
    from workbench.domain.models import Customer, Deal
    from workbench.store.actions import set_me

    clocks = [FixedClock.at("2026-11-23T09:30:00+08:00") for _ in range(2)]
    mine, sam = (
        open_store(tmp_path / f"{name}.db", clock=clock)
        for name, clock in zip(("mine", "sam"), clocks, strict=True)
    )
    set_me(mine, "Li Wei")
    set_me(sam, "Sam Patel")
    acme = sam.add(Customer(name="Hengtai Pumps", tier="B", phone="+86 21 5555 0100"))
    deal = sam.add(
        Deal(
            customer_id=acme.id,
            title="Pump upgrade",
            amount=4_900_000,
            currency="CNY",
            stage="proposal",
        )
    )
    send(sam, mine, tmp_path)
    mine.update(Customer, acme.id, tier="A", phone="+86 21 5555 0199")
    mine.update(Deal, deal.id, amount=5_200_000, currency="CNY")
    clocks[1].advance(timedelta(hours=2))
    sam.update(Customer, acme.id, tier="C", phone="+86 21 5555 0123")
    sam.update(Deal, deal.id, amount=4_700_000, currency="CNY")
    send(sam, mine, tmp_path)
    return mine


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_conflicts(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = WorkbenchApp(in_conflict(tmp_path))
    assert snap_compare(app, terminal_size=size, run_before=_conflicts)


async def _import_report(pilot: Pilot[None]) -> None:
    from textual.widgets import Input

    await _loaded(pilot)
    import_file(pilot.app)  # type: ignore[arg-type]
    await _loaded(pilot)
    pilot.app.screen.query_one("#path", Input).value = "deals.csv"
    pilot.app.screen.query_one("#path", Input).focus()
    await pilot.press("enter", "d", "enter")
    await _loaded(pilot)


def with_a_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """An empty database, and deals.csv (a good row and a bad) to import."""
    from workbench.store.actions import set_me

    monkeypatch.chdir(tmp_path)  # the path typed is relative: the same in every run
    (tmp_path / "deals.csv").write_text(
        "Opportunity Name,Account Name,Stage,Amount,Close Date,External ID\n"
        'Pumps,恒泰泵业有限公司,Lead,"¥12,500",2026-12-01,X1\n'
        "Valves,Beta GmbH,Engaging,500,2027-01-15,X2\n"
    )
    store = open_store(tmp_path / "t.db", clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    set_me(store, "Li Wei")
    return store


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_import_report(  # type: ignore[no-untyped-def]
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    app = WorkbenchApp(with_a_csv(tmp_path, monkeypatch))
    assert snap_compare(app, terminal_size=size, run_before=_import_report)


async def _activity_form(pilot: Pilot[None]) -> None:
    await _customer_360(pilot)
    await pilot.press("tab", "enter")  # the newest activity, whole
    await _loaded(pilot)
    await pilot.press("e")  # and the form that corrects it
    await _loaded(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_activity_form(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = small_book(tmp_path)
    assert snap_compare(WorkbenchApp(store), terminal_size=size, run_before=_activity_form)


async def _trash(pilot: Pilot[None]) -> None:
    await _customers(pilot)
    await pilot.press("escape", "x", "enter")  # the first customer, with its records
    await _loaded(pilot)
    await pilot.press("ctrl+p", *"Trash", "enter")
    await _loaded(pilot)
    pilot.app.clear_notifications()  # (a toast leaves on a timer: not in the picture)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_trash(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = small_book(tmp_path)
    assert snap_compare(WorkbenchApp(store), terminal_size=size, run_before=_trash)
