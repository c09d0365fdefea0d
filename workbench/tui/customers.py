"""Pane 3, Customers: find one as you type, sort and narrow the list, open it.

The search box answers every keystroke from the full-text index (see
domain.search) in a worker; the table shows at most SHOWN rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from workbench.domain.display import printable
from workbench.domain.models import Customer, Tier
from workbench.domain.money import format_money
from workbench.i18n import tr, tr_n
from workbench.store import queries
from workbench.store.database import Store
from workbench.tui import trash as trash_view
from workbench.tui.filters import CustomerFilter, CustomerFilterScreen
from workbench.tui.footer import Footer
from workbench.tui.paged import PagedTable
from workbench.tui.pane import Pane
from workbench.tui.record_form import new_customer

TIERS: list[str | None] = [None, *(tier.value for tier in Tier)]
SHOWN = 200  # rows at most: a search narrows as you type
PROMPT = tr("Search: name, contact, phone, e-mail, tag…  (/ to search, enter for the list)")
WHEN, MONEY = 12, 14  # column widths


@dataclass(frozen=True)
class ListView:
    """What the list shows: the search typed, whose, which tier, in what order."""

    search: str = ""
    mine: bool = True
    tier: str | None = None
    kinds: CustomerFilter = field(default_factory=CustomerFilter)  # segment and industry
    sort: queries.CustomerSort = queries.CustomerSort.NAME

    def describe(self) -> str:
        whose = tr("mine") if self.mine else tr("everyone's")
        if self.kinds.rep:
            whose = tr("{rep}'s", rep=printable(self.kinds.rep))
        tier = tr("tier {tier}", tier=self.tier) if self.tier else tr("all tiers")
        kinds = [printable(k) for k in (self.kinds.segment, self.kinds.industry) if k]
        narrowed = f"{' · '.join(kinds)} (f)" if kinds else tr("any segment (f)")
        return tr(
            "{whose} (w) · {tier} (t) · {narrowed} · by {sort} (o)",
            whose=whose,
            tier=tier,
            narrowed=narrowed,
            sort=self.sort.label,
        )


def load_customers(store: Store, view: ListView) -> tuple[list[queries.CustomerListRow], str]:
    """The rows and the currency their figures are in (called from a worker)."""
    with store.lock:
        currency = store.settings().currency
        rows = queries.customer_list(
            store,
            currency,
            search=view.search or None,
            owner=_owner(store, view),
            tier=view.tier,
            segment=view.kinds.segment,
            industry=view.kinds.industry,
            sort=view.sort,
            limit=SHOWN,
        )
        return rows, currency


def _owner(store: Store, view: ListView) -> str | None:
    """Whose customers: a teammate's if named, else mine or (None) everyone's."""
    if view.kinds.rep:
        by_name = {name: rep_id for rep_id, name in queries.rep_names(store).items()}
        return by_name.get(view.kinds.rep, "")  # a rep gone since: nobody's customers
    return store.me if view.mine else None


def _cells(row: queries.CustomerListRow, currency: str, today: date) -> list[Text]:
    return [
        Text(printable(row.name), overflow="ellipsis", no_wrap=True),
        Text(row.tier or ""),
        _since(row.last_contact, today),
        _money(row.open_pipeline, currency),
        _money(row.won_revenue, currency),
        Text(printable(row.segment or "")),
    ]


def _since(moment: datetime | None, today: date) -> Text:
    if moment is None:
        return Text(tr("never"), style="dim", justify="right")
    days = (today - moment.astimezone().date()).days
    return Text(tr("today") if days <= 0 else tr("{days}d ago", days=days), justify="right")


def _money(minor: int, currency: str) -> Text:
    return Text(format_money(minor, currency), justify="right")


class CustomersScreen(Pane):
    BINDINGS = [
        Binding("slash", "search", tr("Search"), id="customers.search"),
        Binding("enter", "open", tr("Open"), id="customers.open"),
        Binding("n", "new", tr("New"), id="customers.new"),
        Binding("d", "duplicates", tr("Duplicates"), id="customers.duplicates"),
        Binding("o", "sort", tr("Sort"), id="customers.sort"),
        Binding("t", "tier", tr("Tier"), id="customers.tier"),
        Binding("w", "whose", tr("Mine/all"), id="customers.whose"),
        Binding("f", "filter", tr("Filter"), id="customers.filter"),
        Binding("x", "delete", tr("Delete"), show=False, id="customers.delete"),
        Binding("escape", "clear", tr("Clear search"), show=False, id="customers.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = ListView()
        self.box = Input(placeholder=PROMPT, compact=True, id="customer-search")
        self.status = Static("", id="customers-status")
        self.table = PagedTable(id="customer-list", cursor_type="row")
        self.shown: tuple[ListView, list[queries.CustomerListRow], str] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.box
        yield self.status
        yield self.table
        yield Footer()

    def on_mount(self) -> None:
        self.box.focus()

    def on_resize(self) -> None:
        """The name takes what the figures leave; the segment, last, is cut first."""
        self.table.clear(columns=True)
        name = max(18, min(40, self.size.width - 62))
        columns = [
            (tr("Customer"), name),
            (tr("Tier"), 4),
            (tr("Last contact"), WHEN),
            (tr("Open pipeline"), MONEY),
            (tr("Won"), MONEY),
            (tr("Segment"), 12),
        ]
        for label, width in columns:
            self.table.add_column(label, width=width)
        if self.shown:
            self.show(*self.shown)

    @work(thread=True, group="customers", exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        view = self.view
        rows, currency = load_customers(self.workbench.store, view)
        self.app.call_from_thread(self.show, view, rows, currency)

    def show(self, view: ListView, rows: list[queries.CustomerListRow], currency: str) -> None:
        if view != self.view:
            return  # typed on meanwhile: a newer answer is coming
        # The same list again (after a write, a resize) keeps its row; a new one starts at the top.
        keep = self._current() if self.shown and self.shown[0] == view else None
        self.shown = view, rows, currency
        if not self.table.columns:
            return  # read before the first layout: on_resize lays the table out and shows them
        today = self.workbench.store.clock.today()
        self.table.fill((_cells(row, currency, today), row.id) for row in rows)
        if keep and (index := self.table.reveal(keep)) is not None:
            self.table.move_cursor(row=index)
        found = tr_n("{count} customer", "{count} customers", len(rows))
        if len(rows) == SHOWN:  # a search narrows it
            found = tr("{count}+ customers", count=SHOWN)
        if not rows:
            found = tr("No match (esc clears)") if view.search else tr("No customers")
        self.status.update(Text(f"{found} · {view.describe()}", style="dim"))

    def _current(self) -> str | None:
        if not self.table.row_count:
            return None
        return self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value

    def _change(self, **changes: object) -> None:
        self.view = replace(self.view, **changes)  # type: ignore[arg-type]
        self.reload()

    @on(Input.Changed, "#customer-search")
    def _typed(self, event: Input.Changed) -> None:
        self._change(search=event.value.strip())

    @on(Input.Submitted, "#customer-search")
    def _to_list(self) -> None:
        self.table.focus()

    def action_search(self) -> None:
        self.box.focus()

    def action_clear(self) -> None:
        if self.box.value:
            self.box.value = ""  # Changed reloads
        self.table.focus()

    def action_open(self) -> None:
        if customer_id := self._current():
            self.workbench.open_customer(customer_id)

    @on(DataTable.RowSelected, "#customer-list")
    def _chosen(self) -> None:
        self.action_open()

    def action_delete(self) -> None:
        if customer_id := self._current():
            name = self.workbench.store.require(Customer, customer_id).name
            trash_view.delete(self.workbench, "customer", customer_id, name)

    def action_new(self) -> None:
        new_customer(self.workbench)

    def action_duplicates(self) -> None:
        self.workbench.action_open_duplicates()

    def action_sort(self) -> None:
        choices = list(queries.CustomerSort)
        self._change(sort=choices[(choices.index(self.view.sort) + 1) % len(choices)])

    def action_tier(self) -> None:
        self._change(tier=TIERS[(TIERS.index(self.view.tier) + 1) % len(TIERS)])

    def action_whose(self) -> None:
        if self.view.kinds.rep:  # back from a teammate's list to mine
            self._change(mine=True, kinds=replace(self.view.kinds, rep=None))
        else:
            self._change(mine=not self.view.mine)

    def action_filter(self) -> None:
        store = self.workbench.store
        with store.lock:
            known = {
                field: queries.customer_values(store, field) for field in ("segment", "industry")
            }
            known["rep"] = sorted(queries.rep_names(store).values())
        self.app.push_screen(CustomerFilterScreen(self.view.kinds, known), self._filtered)

    def _filtered(self, chosen: CustomerFilter | None) -> None:
        if chosen is not None:
            self._change(kinds=chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While typing a search, letters are the search's, not the list's keys."""
        return not (
            self.box.has_focus and action in ("sort", "tier", "whose", "search", "open", "new")
        )
