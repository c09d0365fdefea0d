"""Pane 4, Targets: the gauges, stepping through periods, the team, setting a target."""

from pathlib import Path

import pytest
from textual.widgets import Static

from tests.tui.support import keys, settle
from workbench.domain.clock import FixedClock
from workbench.domain.models import Metric, Rep
from workbench.store.actions import place_rep, set_me, set_target
from workbench.store.database import Store, open_store
from workbench.tui.app import WorkbenchApp
from workbench.tui.target_form import TargetFormScreen
from workbench.tui.targets import GaugeView, TargetsScreen, bar

NOW = "2026-11-23T09:30:00+08:00"


@pytest.fixture
def book(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "t.db", clock=FixedClock.at(NOW))
    me = set_me(store, "Li Wei")
    set_target(store, me.id, Metric.REVENUE, "2026", 261_000_00)
    return store


def status(app: WorkbenchApp) -> str:
    return str(app.screen.query_one("#targets-status", Static).render())


def gauge(app: WorkbenchApp, metric: str) -> str:
    return str(app.screen.query_one(f"#gauge-{metric}", GaugeView).render())


async def test_the_gauges_and_stepping_through_periods(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "4")
        assert isinstance(app.screen, TargetsScreen)
        assert "2026-11 · working day 16 of 21: on pace at 76%" in status(app)
        assert "¥0 / ¥21,000" in gauge(app, "revenue")
        assert "no target" in gauge(app, "calls")
        await keys(pilot, "left_square_bracket")
        assert "2026-10" in status(app) and "¥0 / ¥22,000" in gauge(app, "revenue")
        await keys(pilot, "p")  # quarters, back to the current one
        assert "2026-Q4" in status(app) and "¥66,000" in gauge(app, "revenue")
        await keys(pilot, "p", "right_square_bracket", "full_stop")  # year: next, then this
        assert "this year · 2026 " in status(app)
        await keys(pilot, "w")
        assert status(app).startswith("everyone")


async def test_set_a_target_from_the_pane(book: Store) -> None:
    app = WorkbenchApp(book)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "4", "t")
        form = app.screen
        assert isinstance(form, TargetFormScreen)
        await keys(pilot, "c", *"lots", "ctrl+s")
        assert "not a whole number of calls" in str(form.query_one("#target-error").render())
        await keys(pilot, *["backspace"] * 4, *"180", "ctrl+s")
        assert isinstance(app.screen, TargetsScreen)
        assert "0 / 180" in gauge(app, "calls")


def test_the_bar_marks_the_pace() -> None:
    assert bar(0.5, 0.75, 8).plain == "████░░│░"
    assert bar(None, None, 4).plain == "░░░░"
    assert bar(2.0, 0.5, 4).plain == "██│█"  # beyond the target: full


async def test_g_groups_the_leaderboard_by_team_then_by_manager(book: Store) -> None:
    lead = book.add(Rep(name="Zhou Min", team="华东区"))
    place_rep(book, book.me or "", team="华东区", manager_id=lead.id)
    app = WorkbenchApp(book)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await keys(pilot, "4")

        def board() -> str:
            return str(app.screen.query_one("#targets-leaderboard", Static).render())

        assert board().startswith("Leaderboard (won revenue")
        await keys(pilot, "g")
        assert board().startswith("Leaderboard by team") and "华东区" in board()
        await keys(pilot, "g")
        assert board().startswith("Leaderboard by manager") and "· Li Wei" in board()
        await keys(pilot, "g")
        assert board().startswith("Leaderboard (won revenue")
