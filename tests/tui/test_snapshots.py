"""How the Today pane looks, on demo data with the clock pinned."""

from pathlib import Path

import pytest
from textual.pilot import Pilot

from workbench.demo import Shape, generate
from workbench.domain.clock import FixedClock
from workbench.store.database import open_store
from workbench.tui.app import WorkbenchApp


async def _loaded(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_today(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "demo.db", clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    generate(store, shape=Shape(customers=60))
    assert snap_compare(WorkbenchApp(store), terminal_size=size, run_before=_loaded)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_pipeline(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "demo.db", clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    generate(store, shape=Shape(customers=60))
    assert snap_compare(WorkbenchApp(store), press=["2"], terminal_size=size, run_before=_loaded)


async def _customers(pilot: Pilot[None]) -> None:
    await _loaded(pilot)
    await pilot.press("3")
    await _loaded(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_customers(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "demo.db", clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    generate(store, shape=Shape(customers=60))
    assert snap_compare(WorkbenchApp(store), terminal_size=size, run_before=_customers)


async def _customer_360(pilot: Pilot[None]) -> None:
    await _customers(pilot)
    await pilot.press("escape", "w", "o", "o", "o", "o")  # everyone's, by won revenue
    await _loaded(pilot)
    await pilot.press("enter")  # the biggest customer: deals, feedback, a long timeline
    await _loaded(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_customer_360(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "demo.db", clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    generate(store, shape=Shape(customers=60))
    assert snap_compare(WorkbenchApp(store), terminal_size=size, run_before=_customer_360)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_targets(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "demo.db", clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    generate(store, shape=Shape(customers=60))
    assert snap_compare(WorkbenchApp(store), press=["4"], terminal_size=size, run_before=_loaded)
