"""One customer: who they are and what happened with them, newest first.
(The full 360° view with deals, follow-ups and figures grows from this.)"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from workbench.domain.display import printable
from workbench.domain.models import Customer
from workbench.store.database import Store
from workbench.store.queries import TimelineEntry, customer_timeline
from workbench.tui.footer import Footer
from workbench.tui.pane import Pane


def load_customer(store: Store, customer_id: str) -> tuple[Customer, list[TimelineEntry]]:
    with store.lock:
        return store.require(Customer, customer_id), customer_timeline(store, customer_id)


class CustomerScreen(Pane):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="customer.back"),
        Binding("l", "log", "Log", id="customer.log"),
    ]

    def __init__(self, store: Store, customer_id: str) -> None:
        super().__init__()
        self.store = store
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="customer-card")
        yield DataTable(id="timeline", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("When", "Kind", "Outcome", "Note"):
            table.add_column(label)
        self.reload()

    @work(thread=True, group="db", exit_on_error=False)
    def reload(self) -> None:
        customer, timeline = load_customer(self.store, self.customer_id)
        self.app.call_from_thread(self.show, customer, timeline)

    def show(self, customer: Customer, timeline: list[TimelineEntry]) -> None:
        card = Text(printable(customer.name), style="bold")
        details = [f"tier {customer.tier}", customer.industry, customer.segment,
                   customer.phone, customer.email, customer.address]  # fmt: skip
        card.append("\n" + "  ·  ".join(printable(d) for d in details if d), style="")
        self.query_one("#customer-card", Static).update(card)
        table = self.query_one(DataTable)
        table.clear()
        local = self.store.clock.now().tzinfo
        for entry in timeline:
            table.add_row(
                Text(f"{entry.at.astimezone(local):%Y-%m-%d %H:%M}"),
                Text(entry.kind),
                Text((entry.outcome or "").replace("_", " ")),
                Text(printable((entry.notes or "").splitlines()[0] if entry.notes else "")),
            )

    def action_log(self) -> None:
        self.workbench.quick_log_for(self.customer_id)
