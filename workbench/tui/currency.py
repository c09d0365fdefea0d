"""Choosing the home currency: the one revenue and revenue targets count in."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from workbench.domain.money import check_currency
from workbench.i18n import tr, tr_n
from workbench.store import actions
from workbench.store.database import Store
from workbench.tui.form import FormScreen

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class CurrencyScreen(FormScreen[str]):
    """Type an ISO 4217 code; the answer is the code, checked."""

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(tr("Home currency"), classes="form-title")
            yield Static(
                tr(
                    "Revenue and revenue targets count in it, and new deals take it. "
                    "Deals in other currencies still count as won or lost; their "
                    "revenue is shown apart, never converted."
                ),
                classes="form-hint",
            )
            yield Input(
                self.current, compact=True, id="currency", placeholder=tr("e.g. CNY, USD, EUR")
            )
            yield Static(tr("enter save · esc cancel"), classes="form-hint")

    def action_save(self) -> None:
        try:
            code = check_currency(self.query_one("#currency", Input).value)
        except ValueError as error:
            self.problem(str(error))
            return
        self.submit(code)


def choose_currency(app: WorkbenchApp) -> None:
    form = CurrencyScreen(app.store.settings().currency)
    app.ask(form, partial(_set_currency, app.store))


def _set_currency(store: Store, code: str) -> str:
    stranded = actions.set_home_currency(store, code)
    said = tr("Home currency: {code}", code=code)
    if stranded:
        said += " · " + tr_n(
            "{count} revenue target in another currency no longer counts",
            "{count} revenue targets in other currencies no longer count",
            stranded,
        )
    return said
