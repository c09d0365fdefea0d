"""The Trash: what was deleted, by whom and when, brought back with `r`;
and deleting from the panes (`x`), which puts a record there."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from workbench.domain.display import printable
from workbench.domain.models import Customer, Deal
from workbench.i18n import tr, tr_n
from workbench.store import trash
from workbench.store.database import Store
from workbench.tui.form import FormScreen
from workbench.tui.history import UNDO_HINT
from workbench.tui.pane import TablePane

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class TrashScreen(TablePane):
    BINDINGS = [
        Binding("escape", "app.pop_screen", tr("Back"), id="trash.back"),
        Binding("r", "restore", tr("Restore"), id="trash.restore"),
    ]

    def __init__(self) -> None:
        super().__init__("trash", tr("Reading the Trash…"))
        self.deletions: list[trash.Deletion] = []

    def on_mount(self) -> None:
        super().on_mount()
        for label, width in (
            (tr("Deleted"), 16),
            (tr("Kind"), 10),
            (tr("What"), None),
            (tr("Customer"), None),
            (tr("With it"), 8),
            (tr("By"), None),
        ):
            self.table.add_column(label, width=width)

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        store = self.workbench.store
        with store.lock:
            deletions = trash.trash(store)
        self.app.call_from_thread(self.show, deletions)

    def show(self, deletions: list[trash.Deletion]) -> None:
        row = self.table.cursor_row
        self.deletions = deletions
        self.table.clear()
        local = self.workbench.store.clock.now().tzinfo
        for deletion in deletions:
            self.table.add_row(
                Text(f"{deletion.at.astimezone(local):%Y-%m-%d %H:%M}"),
                Text(trash.kind_label(deletion.kind)),
                Text(printable(deletion.what), no_wrap=True, overflow="ellipsis"),
                Text(printable(deletion.customer or ""), no_wrap=True, overflow="ellipsis"),
                Text(str(deletion.others) if deletion.others else "", justify="right"),
                Text(printable(deletion.by or "?"), style="dim"),
            )
        self.table.move_cursor(row=min(row, max(0, len(deletions) - 1)))
        if deletions:
            count = tr_n("{count} deletion", "{count} deletions", len(deletions))
            self.status.update(Text(count + tr(" · r restores one, with what went with it")))
        else:
            self.status.update(Text(tr("The Trash is empty."), style="dim"))

    @on(DataTable.RowSelected)
    def _chosen(self) -> None:
        self.action_restore()

    def action_restore(self) -> None:
        if self.deletions:
            deletion = self.deletions[self.table.cursor_row]
            change = partial(trash.restore, self.workbench.store, deletion.id)
            self.workbench.write(change, tr("Restored {what}", what=deletion.what))


def open_trash(app: WorkbenchApp) -> None:
    """The Trash, unless it is the screen shown (no second copy to esc from)."""
    if not isinstance(app.screen, TrashScreen):
        app.push_screen(TrashScreen())


class ConfirmScreen(FormScreen[bool]):
    """Yes or no to a delete that takes more than one record."""

    def __init__(self, question: str, detail: str) -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(self.question), classes="form-title")
            yield Static(Text(self.detail))
            yield Static(tr("enter or ctrl+s delete · esc keep it"), classes="form-hint")

    def on_key(self, event: object) -> None:
        if getattr(event, "key", None) == "enter":
            self.action_save()

    def action_save(self) -> None:
        self.submit(True)


def delete(app: WorkbenchApp, kind: str, record_id: str, name: str) -> None:
    """Delete a record into the Trash. A customer or a deal, which take other
    records with them, asks first; anything else goes at once (ctrl+z)."""
    store = app.store
    if kind not in ("customer", "deal"):
        app.write(partial(_delete, store, kind, record_id), _deleted(kind, name, 0))
        return
    with store.lock:
        others = len(trash.taken_with(store, kind, record_id))
    question = tr("Delete {what}?", what=printable(name))
    detail = tr_n(
        "It goes to the Trash with {count} record that belongs to it; r there "
        "(palette: Trash), or ctrl+z now, brings it all back.",
        "It goes to the Trash with the {count} records that belong to it; r there "
        "(palette: Trash), or ctrl+z now, brings it all back.",
        others,
    )
    screen = ConfirmScreen(question, detail)
    app.ask(screen, lambda _: _deleted(kind, name, _delete(store, kind, record_id)))


def delete_deal(app: WorkbenchApp, deal_id: str) -> None:
    """A deal, named with its customer: two customers' deals may share a title."""
    store = app.store
    with store.lock:
        deal = store.require(Deal, deal_id)
        customer = store.get(Customer, deal.customer_id) if deal.customer_id else None
    name = f"{deal.title} · {customer.name}" if customer else deal.title
    delete(app, "deal", deal_id, name)


def _delete(store: Store, kind: str, record_id: str) -> int:
    return trash.delete(store, kind, record_id).others


def _deleted(kind: str, name: str, others: int) -> str:
    if others:
        said = tr_n(
            "Deleted {what} and {count} record with it",
            "Deleted {what} and {count} records with it",
            others,
            what=name,
        )
    else:
        said = tr("Deleted {what}", what=name)
    return said + UNDO_HINT
