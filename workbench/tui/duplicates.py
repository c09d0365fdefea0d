"""Reviewing likely duplicate customers, and merging a pair.

The list shows each candidate pair with its reasons (see domain.duplicates).
Merging asks only about fields where both customers have different values;
everything else of both is kept. The last merge can be undone (u).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static

from workbench.domain.display import printable
from workbench.domain.models import Customer, field_label
from workbench.i18n import tr, tr_n
from workbench.store import duplicates, queries
from workbench.store.database import Store
from workbench.tui.fields import Choice, KeyPicker
from workbench.tui.form import FormScreen
from workbench.tui.pane import TablePane

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class DuplicatesScreen(TablePane):
    BINDINGS = [
        Binding("escape", "app.pop_screen", tr("Back"), id="duplicates.back"),
        Binding("enter", "merge", tr("Merge…"), id="duplicates.merge"),
        Binding("x", "dismiss_pair", tr("Not the same"), id="duplicates.dismiss"),
        Binding("u", "undo", tr("Undo last merge"), id="duplicates.undo"),
    ]

    def __init__(self) -> None:
        super().__init__("duplicates", tr("Looking for duplicates…"))
        self.pairs: list[duplicates.Pair] = []
        self.undoable = False

    def on_resize(self) -> None:
        """Names share what the reasons (at least 34 wide) leave."""
        name = max(16, min(36, (self.size.width - 40) // 2))
        self.table.clear(columns=True)
        for label, width in (
            (tr("Customer"), name),
            (tr("Looks like"), name),
            (tr("Why"), max(34, self.size.width - 2 * name - 8)),
        ):
            self.table.add_column(label, width=width)
        self.show(self.pairs, self.undoable)

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        store = self.workbench.store
        with store.lock:
            pairs = duplicates.candidate_pairs(store)
            undoable = duplicates.last_merge(store) is not None
        self.app.call_from_thread(self.show, pairs, undoable)

    def show(self, pairs: list[duplicates.Pair], undoable: bool) -> None:
        row = self.table.cursor_row
        self.pairs, self.undoable = pairs, undoable
        if not self.table.columns:
            return  # read before the first layout: on_resize lays the table out and shows them
        self.table.clear()
        for pair in pairs:
            self.table.add_row(
                _name(pair.first), _name(pair.second), Text("; ".join(pair.reasons), style="dim")
            )
        self.table.move_cursor(row=min(row, max(0, len(pairs) - 1)))
        found = (
            tr_n("{count} likely duplicate pair", "{count} likely duplicate pairs", len(pairs))
            if pairs
            else tr("No likely duplicates")
        )
        hint = tr(" · enter merge · x not the same")
        undo = tr(" · u undo the last merge") if undoable else ""
        self.status.update(Text(found + (hint if pairs else "") + undo, style="dim"))

    def _pair(self) -> duplicates.Pair | None:
        return self.pairs[self.table.cursor_row] if self.pairs else None

    def action_merge(self) -> None:
        if pair := self._pair():
            store = self.workbench.store
            first = store.require(Customer, pair.first.id)
            second = store.require(Customer, pair.second.id)
            screen = MergeScreen(first, second, queries.rep_names(store))
            self.workbench.ask(screen, partial(_merge, store))

    @on(DataTable.RowSelected)
    def _chosen(self) -> None:
        self.action_merge()

    def action_dismiss_pair(self) -> None:
        if pair := self._pair():
            change = partial(
                duplicates.dismiss, self.workbench.store, pair.first.id, pair.second.id
            )
            said = tr(
                "{first} and {second}: not the same", first=pair.first.name, second=pair.second.name
            )
            self.workbench.write(change, said)

    def action_undo(self) -> None:
        undo_merge(self.workbench)


def undo_merge(app: WorkbenchApp) -> None:
    """Put the last merge back (the palette offers it too)."""
    app.write(partial(duplicates.undo_last_merge, app.store), tr("Merge undone"))


def _merge(store: Store, request: MergeRequest) -> str:
    duplicates.merge(store, request.first, request.second, request.chosen)
    return tr("Merged · u on the Duplicates screen undoes it")


def _name(side: duplicates.Side) -> Text:
    text = Text(printable(side.name), overflow="ellipsis", no_wrap=True)
    if side.owner:
        text.append(f" ({printable(side.owner)})", style="dim")
    return text


@dataclass(frozen=True)
class MergeRequest:
    first: str
    second: str
    chosen: dict[str, Any]  # fields to take from the second


class MergeScreen(FormScreen[MergeRequest]):
    """Where the two customers differ, whose value to keep."""

    def __init__(self, first: Customer, second: Customer, reps: dict[str, str]) -> None:
        super().__init__()
        self.first = first
        self.second = second
        self.reps = reps  # id -> name, to show owners by name
        self.differs = duplicates.differences(first, second)

    def _label(self, customer: Customer) -> str:
        owner = self.reps.get(customer.owner or "", tr("no owner"))
        return tr("{name} ({owner}’s)", name=printable(customer.name), owner=printable(owner))

    def _shown(self, field: str, value: Any) -> str:
        return printable(self.reps.get(value, value) if field == "owner" else value)

    def compose(self) -> ComposeResult:
        differs = self.differs
        one, two = self._label(self.first), self._label(self.second)
        with VerticalScroll(classes="form record-form"):
            yield Static(
                Text(tr("Merge “{one}” and “{two}”", one=one, two=two)), classes="form-title"
            )
            yield Static(
                Text(
                    tr(
                        "They become one customer with every contact, deal, activity and "
                        "follow-up of both, both sets of tags and notes, and any field only one "
                        "of them has filled. Anything arriving later for either lands on it."
                    )
                ),
                classes="form-hint",
            )
            if differs:
                keep = tr("Where they differ, keep 1 (“{one}”) or 2 (“{two}”):", one=one, two=two)
                yield Static(Text(keep), classes="field-label")
            for name, (mine, theirs) in differs.items():
                with Horizontal(classes="record-field"):
                    yield Label(field_label("customers", name), classes="record-label")
                    picker = KeyPicker(
                        [
                            Choice("1", "1", self._shown(name, mine)),
                            Choice("2", "2", self._shown(name, theirs)),
                        ],
                        id=f"pick-{name}",
                    )
                    picker.chosen = "1"
                    yield picker
            yield Static(tr("1/2 choose · ctrl+s merge · esc cancel"), classes="form-hint")

    def enter(self, field: Widget) -> None:
        self.advance(field)  # only ctrl+s merges: it changes two customers at once

    def action_save(self) -> None:
        chosen = {
            name: theirs
            for name, (_, theirs) in self.differs.items()
            if self.query_one(f"#pick-{name}", KeyPicker).chosen == "2"
        }
        self.submit(MergeRequest(self.first.id, self.second.id, chosen))
