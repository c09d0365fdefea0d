"""Narrowing a list: which deals the board shows, which customers the list shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from workbench.domain.money import amount_text, parse_amount
from workbench.domain.periods import period_named
from workbench.domain.pipeline import BoardFilter
from workbench.i18n import tr
from workbench.tui.form import FormScreen, NameSuggester, starting


class BoardFilterScreen(FormScreen[BoardFilter]):
    """Which deals the board shows: whose, closing when, which customer, how big."""

    def __init__(
        self,
        today: date,
        current: BoardFilter,
        currency: str,
        reps: Callable[[str], list[str]],
        customers: Callable[[str], list[str]],
    ) -> None:
        super().__init__()
        self.today = today
        self.current = current
        self.currency = currency
        self.reps = reps
        self.customers = customers

    def compose(self) -> ComposeResult:
        current = self.current
        amount = amount_text(current.min_amount, self.currency) if current.min_amount else ""
        with Vertical(classes="form"):
            who = tr(current.who) if current.who in ("me", "everyone") else current.who
            yield Label(tr("Show deals"), classes="form-title")
            yield Label(tr("Whose: me, everyone, or a teammate's name"), classes="field-label")
            yield Input(who, compact=True, id="who", suggester=NameSuggester(self.reps))
            yield Label(tr("Closing in (empty: any time)"), classes="field-label")
            yield Input(
                current.period or "",
                compact=True,
                id="period",
                placeholder=tr("this month, next quarter, 2026-Q4"),
            )
            yield Label(tr("Customer (empty: all)"), classes="field-label")
            yield Input(
                current.customer or "",
                compact=True,
                id="customer",
                suggester=NameSuggester(self.customers),
            )
            yield Label(
                tr("At least ({currency}; empty: any amount)", currency=self.currency),
                classes="field-label",
            )
            yield Input(amount, compact=True, id="amount", placeholder=tr("e.g. 100000"))
            yield Static("", id="filter-error", classes="error")
            yield Static(tr("enter next field · ctrl+s apply · esc cancel"), classes="form-hint")

    def action_save(self) -> None:
        value = {
            key: self.query_one(f"#{key}", Input).value.strip()
            for key in ("who", "period", "customer", "amount")
        }
        try:
            if value["period"]:
                period_named(value["period"], self.today)
            minimum = parse_amount(value["amount"], self.currency) if value["amount"] else 0
        except ValueError as error:
            self.query_one("#filter-error", Static).update(Text(str(error)))
            return
        who = {tr("me"): "me", tr("everyone"): "everyone"}.get(value["who"], value["who"])
        self.dismiss(
            BoardFilter(who or "me", value["period"] or None, value["customer"] or None, minimum)
        )


@dataclass(frozen=True)
class CustomerFilter:
    segment: str | None = None
    industry: str | None = None
    rep: str | None = None  # a teammate's name: their customers, whatever w says


# (field, label, what the error calls it)
FILTER_FIELDS = (
    ("segment", tr("Segment (empty: any)"), tr("No customer has segment")),
    ("industry", tr("Industry (empty: any)"), tr("No customer has industry")),
    ("rep", tr("Teammate (empty: w picks mine or everyone's)"), tr("No rep is called")),
)


class CustomerFilterScreen(FormScreen[CustomerFilter]):
    """Narrow the customer list to one segment, industry and/or teammate (empty: any)."""

    def __init__(self, current: CustomerFilter, known: dict[str, list[str]]) -> None:
        super().__init__()
        self.current = current
        self.known = known  # field -> the values there are, most used first

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(tr("Show customers"), classes="form-title")
            for field, label, _ in FILTER_FIELDS:
                values = self.known[field]
                yield Label(label, classes="field-label")
                yield Input(
                    getattr(self.current, field) or "",
                    compact=True,
                    id=field,
                    placeholder=", ".join(values[:4]) + (" …" if len(values) > 4 else ""),
                    suggester=NameSuggester(partial(starting, values)),
                )
            yield Static("", id="filter-error", classes="error")
            yield Static(tr("enter next field · ctrl+s apply · esc cancel"), classes="form-hint")

    def action_save(self) -> None:
        chosen: dict[str, str | None] = {}
        for field, _, unknown in FILTER_FIELDS:
            typed = self.query_one(f"#{field}", Input).value.strip()
            match = [v for v in self.known[field] if v.casefold() == typed.casefold()]
            if typed and not match:
                known = ", ".join(self.known[field][:8]) or tr("none yet")
                why = tr(
                    "{unknown} “{typed}” (there are: {known})",
                    unknown=unknown,
                    typed=typed,
                    known=known,
                )
                self.query_one("#filter-error", Static).update(Text(why))
                self.query_one(f"#{field}").focus()
                return
            chosen[field] = match[0] if typed else None
        self.dismiss(CustomerFilter(**chosen))
