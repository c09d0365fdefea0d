"""Choosing the home currency: the one revenue and revenue targets count in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from workbench.domain.money import check_currency
from workbench.i18n import tr
from workbench.tui.forms import FormScreen


class CurrencyScreen(FormScreen):
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
