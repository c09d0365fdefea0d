"""Setting a target: which metric, for which period, how much."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from workbench.domain.models import Metric
from workbench.domain.money import parse_amount
from workbench.domain.periods import period_named
from workbench.i18n import tr
from workbench.tui.fields import Choice, KeyPicker
from workbench.tui.form import FormScreen


@dataclass(frozen=True)
class TargetRequest:
    metric: Metric
    period: str  # a period key
    amount: int  # minor units for revenue, else a count


METRIC_CHOICES = [
    Choice(key, metric, metric.label)
    for key, metric in (
        ("r", Metric.REVENUE),
        ("d", Metric.WON_DEALS),
        ("n", Metric.NEW_CUSTOMERS),
        ("c", Metric.CALLS),
        ("v", Metric.VISITS),
    )
]


class TargetFormScreen(FormScreen[TargetRequest]):
    """Set one of your targets: which metric, for which period, how much."""

    def __init__(self, today: date, period: str, currency: str) -> None:
        super().__init__()
        self.today = today
        self.period = period
        self.currency = currency
        self.metric: Metric | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(tr("Set a target"), classes="form-title")
            yield Label(tr("Metric"), classes="field-label")
            yield KeyPicker(METRIC_CHOICES, id="metric")
            yield Label(
                tr("Period (2026, 2026-Q4, 2026-11, 2026-W48, next month…)"), classes="field-label"
            )
            yield Input(self.period, compact=True, id="period")
            yield Label(
                tr("Amount (revenue in {currency}; the others a count)", currency=self.currency),
                classes="field-label",
            )
            yield Input(compact=True, id="amount", placeholder=tr("e.g. 1200000 or 50"))
            yield Static("", id="target-error", classes="error")
            yield Static(tr("enter next field · ctrl+s save · esc cancel"), classes="form-hint")

    def picked(self, picker: KeyPicker, value: str) -> None:
        self.metric = Metric(value)
        self.go_to("amount")  # the period is filled in already

    def action_save(self) -> None:
        error = self.query_one("#target-error", Static)
        if self.metric is None:
            error.update(
                tr("Pick the metric: r revenue, d won deals, n new customers, c calls, v visits")
            )
            self.query_one("#metric").focus()
            return
        text = self.query_one("#amount", Input).value.strip()
        try:
            period = period_named(self.query_one("#period", Input).value, self.today).key
            if self.metric == Metric.REVENUE:
                value = parse_amount(text, self.currency)
            elif not text.replace(",", "").isdigit():
                raise ValueError(
                    tr(
                        "{text} is not a whole number of {metric}",
                        text=repr(text),
                        metric=self.metric.label,
                    )
                )
            else:
                value = int(text.replace(",", ""))
        except ValueError as problem:
            error.update(Text(str(problem)))
            return
        self.submit(TargetRequest(self.metric, period, value))
