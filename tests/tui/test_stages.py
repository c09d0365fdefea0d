"""Editing the pipeline's stages from the app."""

from pathlib import Path

import pytest

from tests.tui.support import settle
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, Deal, Stage
from workbench.store.actions import add_deal, set_me
from workbench.store.database import Store, open_store
from workbench.tui.app import WorkbenchApp
from workbench.tui.stages import StagesScreen


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "s.db", clock=FixedClock.at("2026-11-23T09:30:00+08:00"))
    set_me(store, "Li Wei")
    acme = store.add(Customer(name="Acme"))
    add_deal(store, Deal(customer_id=acme.id, title="Pumps", currency="CNY", stage="needs"))
    return store


def keys(store: Store) -> list[str]:
    return [stage.key for stage in store.stages()]


async def test_edit_add_move_and_delete_stages(store: Store) -> None:
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "S")
        await settle(pilot)
        assert isinstance(app.screen, StagesScreen)
        await pilot.press(
            "down",
            "down",
            "e",
            "ctrl+u",
            *"Discovery",
            "enter",
            "ctrl+u",
            *"35",
            "enter",
            "ctrl+u",
            *"30",
            "enter",
        )
        await settle(pilot)
        needs = store.require(Stage, "needs")
        assert (needs.label, needs.probability, needs.rot_days) == ("Discovery", 35, 30)
        await pilot.press("a", *"demo", "enter", *"Demo", "enter", *"50", "enter", "enter")
        await settle(pilot)
        assert keys(store)[:5] == ["lead", "qualified", "needs", "demo", "proposal"]
        await pilot.press("down", "K")  # the cursor is on demo: move it up
        await settle(pilot)
        assert keys(store)[:4] == ["lead", "qualified", "demo", "needs"]
        await pilot.press("down", "x", *"proposal", "enter")  # needs holds a deal
        await settle(pilot)
        assert "needs" not in keys(store)
        stages = {row[0] for row in store.db.execute("SELECT stage FROM deals")}
        assert stages == {"proposal"}
        await pilot.press("x", "escape")  # asked first: esc keeps it
        await settle(pilot)
        assert len(keys(store)) == 7


async def test_a_bad_stage_is_explained(store: Store) -> None:
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_open_stages()
        await settle(pilot)
        await pilot.press("a", *"lead", "enter", *"Again", "enter", *"5", "enter", "enter")
        await settle(pilot)
        await pilot.press(*["down"] * 5, "x", "enter")  # Won is built in
        await settle(pilot)
    assert keys(store) == ["lead", "qualified", "needs", "proposal", "negotiation", "won", "lost"]
