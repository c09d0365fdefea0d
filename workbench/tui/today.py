"""Pane 1, Today: what to do now, in priority order, acted on in one or two keys."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Static

from workbench.domain import agenda
from workbench.domain.display import printable
from workbench.domain.money import format_money
from workbench.i18n import tr
from workbench.lazy import lazy
from workbench.store import queries
from workbench.tui.footer import Footer
from workbench.tui.paged import PagedTable, Row
from workbench.tui.pane import Pane

# Today paints the first screen; its forms load after that (see workbench.lazy).
if TYPE_CHECKING:
    import workbench.tui.follow_up_form as follow_up_form
    import workbench.tui.log_form as log_form
    import workbench.tui.trash as trash_view
else:
    follow_up_form = lazy("workbench.tui.follow_up_form")
    log_form = lazy("workbench.tui.log_form")
    trash_view = lazy("workbench.tui.trash")

SECTION = "section:"  # row keys of section titles, which the cursor skips


class AgendaTable(PagedTable):
    """The agenda: one row per item under section titles the cursor skips."""

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._off_titles(+1)

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._off_titles(-1)

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def _off_titles(self, step: int) -> None:
        row = self.cursor_row
        while 0 <= row < self.row_count and self._is_title(row):
            row += step
        if 0 <= row < self.row_count:
            self.move_cursor(row=row)
        elif self._is_title(self.cursor_row):  # at an edge: go the other way
            self._off_titles(-step)

    def _is_title(self, row: int) -> bool:
        key = self.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value or ""
        return key.startswith(SECTION)


class TodayScreen(Pane):
    BINDINGS = [
        Binding("enter", "open", tr("Customer"), id="today.open"),
        Binding("d", "done", tr("Done"), id="today.done"),
        Binding("s", "snooze", tr("Snooze"), id="today.snooze"),
        Binding("r", "reschedule", tr("Reschedule"), id="today.reschedule"),
        Binding("l", "log", tr("Log"), id="today.log"),
        Binding("n", "new_follow_up", tr("New follow-up"), id="today.new"),
        Binding("x", "delete", tr("Delete"), show=False, id="today.delete"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, agenda.Item] = {}
        self.loaded = False  # a resize before the first load has nothing to redraw
        self.width = 0  # what the columns were fitted to

    def compose(self) -> ComposeResult:
        yield Header()
        yield AgendaTable(id="agenda", cursor_type="row", zebra_stripes=False)
        yield Static("", id="today-empty")
        yield Footer()

    def on_resize(self) -> None:
        """Columns refitted to a new width. Textual says 'resized' several
        times as the app starts, at the same width: that redraws nothing."""
        if self.loaded and self.size.width != self.width:
            self.show(list(self.items.values()))

    def reload(self) -> None:
        """The agenda the app started reading early is shown at once if it is
        in (it usually is by the time the pane is up); otherwise, and ever
        after, a worker reads it."""
        early, self.workbench.early_agenda = self.workbench.early_agenda, None
        if early is not None and early.done() and early.exception() is None:
            self.show(early.result())
        else:
            self._read(early)

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def _read(self, early: Future[list[agenda.Item]] | None) -> None:
        items = early.result() if early else queries.today_agenda(self.workbench.store)
        self.app.call_from_thread(self.show, items)

    def show(self, items: list[agenda.Item]) -> None:
        table = self.query_one(AgendaTable)
        keep = table.current_key()
        table.clear(columns=True)
        self.width = self.size.width
        widths = _widths(items, self.width)
        for (label, key), width in zip(COLUMNS, widths, strict=True):
            table.add_column(label, key=key, width=width)
        first, self.items, self.loaded = not self.loaded, {item.key: item for item in items}, True
        table.fill(_rows(items, widths[-1]))
        self.query_one("#today-empty", Static).update(
            ""
            if items
            else tr("Nothing due and nothing to suggest. Press l to log, ctrl+p to find.")
        )
        self._restore(table, keep)
        if first:  # the app's first pane: what the other keys need loads after this frame
            self.app.call_after_refresh(self.workbench.load_the_rest)

    def _restore(self, table: AgendaTable, key: str | None) -> None:
        if key in self.items and (row := table.reveal(key)) is not None:
            table.move_cursor(row=row)
        elif table.row_count > 1:
            table.move_cursor(row=1)  # the first item, under the first title

    # --- the keys -----------------------------------------------------------

    def selected(self) -> agenda.Item | None:
        return self.items.get(self.query_one(AgendaTable).current_key() or "")

    def _follow_up(self) -> agenda.Item | None:
        item = self.selected()
        if item is not None and item.follow_up_id is None:
            self.notify(tr("This is a suggestion, not a follow-up: press n to plan one."))
            return None
        return item

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        if (item := self.selected()) is None:
            return
        if item.customer_id is not None:
            self.workbench.open_customer(item.customer_id)
        elif item.deal_id is not None:  # a deal with no customer yet
            self.workbench.open_deal(item.deal_id)

    def action_done(self) -> None:
        if item := self._follow_up():
            log_form.complete(self.workbench, item)

    def action_snooze(self) -> None:
        if item := self._follow_up():
            follow_up_form.snooze(self.workbench, item)

    def action_reschedule(self) -> None:
        if item := self._follow_up():
            follow_up_form.reschedule(self.workbench, item)

    def action_log(self) -> None:
        log_form.log(self.workbench, self.selected())

    def action_delete(self) -> None:
        if (item := self._follow_up()) and item.follow_up_id:
            what = f"{item.what} · {item.customer}"  # titles repeat: "回访客户"
            trash_view.delete(self.workbench, "follow-up", item.follow_up_id, what)

    def action_new_follow_up(self) -> None:
        if item := self.selected():
            follow_up_form.new_follow_up(self.workbench, item)


COLUMNS = (
    (tr("Due"), "due"),
    (tr("Customer"), "customer"),
    (tr("What"), "what"),
    (tr("Deal"), "deal"),
    (tr("Value"), "value"),
)
SHARES = (0.36, 0.40, 0.24)  # how Customer, What and Deal split what Due and Value leave


def _widths(items: list[agenda.Item], screen: int) -> list[int]:
    """Due and Value whole; the text columns share the rest of the screen."""
    titles = [f"{section.label} ({len(items)})" for section in agenda.Section]
    due = max([cell_len(i.due) for i in items] + [cell_len(t) for t in titles])
    value = max([cell_len(_value(i)) for i in items] + [5])
    rest = max(screen - due - value - 2 * len(COLUMNS) - 2, 30)
    return [due, *(max(int(rest * share), 8) for share in SHARES), value]


def _rows(items: list[agenda.Item], value_width: int) -> Iterator[Row]:
    """Each section's title, then its items: made one page at a time as they are shown."""
    for section in agenda.Section:
        listed = [item for item in items if item.section == section]
        if not listed:
            continue
        title = Text(f"{section.label} ({len(listed)})", style="bold")
        yield [title, *(Text("") for _ in COLUMNS[1:])], SECTION + section
        for item in listed:
            yield _cells(item, value_width), item.key


def _value(item: agenda.Item) -> str:
    return format_money(item.amount, item.currency) if item.amount and item.currency else ""


def _cells(item: agenda.Item, value_width: int) -> list[Text]:
    """A row's cells as plain text: names can never be read as markup."""
    value = _value(item)
    what = printable(item.what) + (" ↻" if item.recurrence else "")
    due_style = "bold red" if item.section == agenda.Section.OVERDUE else ""
    return [
        Text(item.due, style=due_style),
        Text(printable(item.customer), overflow="ellipsis", no_wrap=True),
        Text(what, overflow="ellipsis", no_wrap=True),
        Text(printable(item.deal or ""), overflow="ellipsis", no_wrap=True),
        Text(
            value.rjust(value_width), no_wrap=True
        ),  # cells neither justify nor keep spaces when wrapped
    ]
