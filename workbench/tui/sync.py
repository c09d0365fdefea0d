"""Syncing from the app, and settling conflicts.

The sync runs in a worker thread on its own connection to the database
(the import is one long transaction; the app's reads go on beside it), with
a progress bar over the bytes of each bundle and the summary at the end.
The Conflicts view lists every value that lost to a concurrent edit beside
the one shown; keeping either writes a change that settles it everywhere.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, ProgressBar, Static

from workbench.domain.clock import local_timezone
from workbench.domain.display import printable
from workbench.domain.errors import describe
from workbench.i18n import month_day, tr, tr_n
from workbench.store.database import Store, open_store
from workbench.store.incomplete import held_aside, list_held
from workbench.sync.conflicts import Conflict, Side, count_conflicts, keep, list_conflicts
from workbench.sync.folder import FolderSync, sync_folder
from workbench.tui.form import FormScreen
from workbench.tui.pane import TablePane

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class FolderScreen(FormScreen[Path]):
    """Which folder the team syncs through."""

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(tr("Sync folder"), classes="form-title")
            yield Static(
                tr(
                    "A folder your team keeps in step: one Syncthing or Dropbox shares, a network "
                    "share, or a git repository. Each rep's bundle goes there."
                ),
                classes="form-hint",
            )
            yield Input(
                self.current or "",
                compact=True,
                id="folder",
                placeholder=tr("e.g. ~/Sync/sales-team"),
            )
            yield Static("", id="folder-error", classes="error")
            yield Static(tr("enter sync · esc cancel"), classes="form-hint")

    def action_save(self) -> None:
        text = self.query_one("#folder", Input).value.strip()
        folder = Path(text).expanduser()
        if not text or not folder.is_dir():
            message = (
                tr("Type a folder's path") if not text else tr("{path} is not a folder", path=text)
            )
            self.query_one("#folder-error", Static).update(message)
            return
        self.dismiss(folder.resolve())


class SyncScreen(FormScreen[None]):
    """A sync in progress, then what it did."""

    BINDINGS = [
        Binding("escape", "cancel", tr("Back"), id="sync.close"),
        Binding("enter", "cancel", tr("Back"), show=False),
        Binding("c", "conflicts", tr("Conflicts"), id="sync.conflicts"),
    ]

    def __init__(self, store: Store, folder: Path) -> None:
        super().__init__()
        self.store = store
        self.folder = folder
        self.done = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            heading = tr("Syncing with {folder}", folder=printable(self.folder))
            yield Label(Text(heading), classes="form-title")
            yield Static(tr("Looking for your team's bundles…"), id="sync-file")
            yield ProgressBar(id="sync-progress", show_eta=False)
            yield Static("", id="sync-result")
            yield Static("", id="sync-hint", classes="form-hint")

    def on_mount(self) -> None:
        self.run_sync()

    @work(thread=True, group="sync", exclusive=True, exit_on_error=False)
    def run_sync(self) -> None:
        store, own = self.store, None
        try:
            own = open_store(store.path, clock=store.clock, team=store.team) if store.path else None
            result = sync_folder(
                own or store, self.folder, progress=self._progress, on_file=self._reading
            )
            conflicts = count_conflicts(own or store)
        except Exception as error:  # locked, full, or a bug: whatever it is, the rep hears of it
            self.app.call_from_thread(self._failed, describe(error))
            return
        finally:
            if own:
                own.close()
        self.app.call_from_thread(self._finished, result, conflicts)

    def _reading(self, path: Path) -> None:
        text = Text(tr("Reading {file}", file=printable(path.name)))
        self.app.call_from_thread(self.query_one("#sync-file", Static).update, text)

    def _progress(self, done: int, total: int) -> None:
        bar = self.query_one("#sync-progress", ProgressBar)
        self.app.call_from_thread(bar.update, total=max(total, 1), progress=done)

    def _finished(self, result: FolderSync, conflicts: int) -> None:
        self.done = True
        self.query_one("#sync-file", Static).update(tr("Done."))
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=1, progress=1)
        lines = result.lines()
        if conflicts:
            lines.append(tr("{count} conflict(s) to settle: press c", count=conflicts))
        self.query_one("#sync-result", Static).update(Text("\n".join(map(printable, lines))))
        self.query_one("#sync-hint", Static).update(
            tr("c conflicts · esc close") if conflicts else tr("esc close")
        )

    def _failed(self, message: str) -> None:
        self.done = True
        self.query_one("#sync-file", Static).update(Text(printable(message), style="bold red"))
        self.query_one("#sync-hint", Static).update(tr("esc close"))

    def action_conflicts(self) -> None:
        if self.done:
            self.dismiss(None)
            self.workbench.action_open_conflicts()

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)


def sync(app: WorkbenchApp) -> None:
    """S: sync with the team's folder, asking which folder the first time."""
    folder = app.store.settings().sync_folder
    if folder and Path(folder).is_dir():
        _sync(app, Path(folder))
    else:
        choose_folder(app)


def choose_folder(app: WorkbenchApp) -> None:
    current = app.store.settings().sync_folder
    app.push_screen(FolderScreen(current), partial(_folder_chosen, app))


def _folder_chosen(app: WorkbenchApp, folder: Path | None) -> None:
    if folder is not None:
        chosen = replace(app.store.settings(), sync_folder=str(folder))
        said = tr("Sync folder: {folder}", folder=folder)
        app.write(partial(app.store.save_settings, chosen), said)
        _sync(app, folder)


def _sync(app: WorkbenchApp, folder: Path) -> None:
    app.push_screen(SyncScreen(app.store, folder), lambda _: app.show_changes())


FIELD_WIDTH = 14  # the Conflicts view's field column: 'Expected close'


class ConflictsScreen(TablePane):
    """Values written on two devices at once: the one shown and the other."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", tr("Back"), id="conflicts.back"),
        Binding("k", "keep_shown", tr("Keep shown"), id="conflicts.keep"),
        Binding("o", "keep_other", tr("Take other"), id="conflicts.other"),
    ]

    def __init__(self) -> None:
        super().__init__("conflicts", tr("Loading conflicts…"))
        self.conflicts: list[Conflict] = []
        self.held = 0  # records held aside until the rest of them arrives

    def on_resize(self) -> None:
        record = max(16, min(32, self.size.width // 4))
        value = max(18, (self.size.width - record - FIELD_WIDTH - 8) // 2)
        self.table.clear(columns=True)
        columns = (
            (tr("Record"), record),
            (tr("Field"), FIELD_WIDTH),
            (tr("Shown (k keeps)"), value),
            (tr("Other (o takes)"), value),
        )
        for label, width in columns:
            self.table.add_column(label, width=width)
        self.show(self.conflicts)

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        store = self.workbench.store
        with store.lock:
            conflicts, held = list_conflicts(store), len(list_held(store))
        self.app.call_from_thread(self.show, conflicts, held)

    def show(self, conflicts: list[Conflict], held: int | None = None) -> None:
        row = self.table.cursor_row
        self.conflicts = conflicts
        self.held = self.held if held is None else held
        if not self.table.columns:
            return  # read before the first layout: on_resize lays the table out and shows them
        self.table.clear()
        for conflict in conflicts:
            self.table.add_row(
                _record(conflict),
                Text(conflict.field_label),
                _side(conflict.shown),
                _side(conflict.other),
                height=2,
            )
        self.table.move_cursor(row=min(row, max(0, len(conflicts) - 1)))
        found = tr_n("{count} conflict", "{count} conflicts", len(conflicts))
        said = tr("No conflicts: every device's edits agree")
        if conflicts:
            said = tr(
                "{found} · k keeps the shown value, o takes the other · the choice syncs",
                found=found,
            )
        if self.held:
            said += "\n" + held_aside(self.held)
        self.status.update(Text(said, style="dim"))

    def _keep(self, which: str) -> None:
        if not self.conflicts:
            return
        conflict = self.conflicts[self.table.cursor_row]
        side: Side = conflict.shown if which == "shown" else conflict.other
        self.workbench.write(
            partial(keep, self.workbench.store, conflict, side),
            tr("{what}: kept {value}", what=conflict.place, value=side.text),
        )

    def action_keep_shown(self) -> None:
        self._keep("shown")

    def action_keep_other(self) -> None:
        self._keep("other")

    @on(DataTable.RowSelected)
    def _chosen(self) -> None:
        self.action_keep_shown()


def _record(conflict: Conflict) -> Text:
    """The customer it belongs to, then the kind of record and its name (a
    customer: its name, then that it is one; a record of no customer: its
    kind and name). Plain text: never markup."""
    text = Text(overflow="ellipsis", no_wrap=True)
    if conflict.entity == "customers":
        text.append(printable(conflict.label))
        text.append(f"\n{conflict.kind}", style="dim")
        return text
    if conflict.customer:
        text.append(printable(conflict.customer))
        text.append("\n")
    text.append(f"{conflict.kind} ", style="dim")
    text.append(printable(conflict.label))
    return text


def _side(side: Side) -> Text:
    text = Text(printable(side.text), overflow="ellipsis", no_wrap=True)
    when = side.at.astimezone(local_timezone())
    who = tr("{rep} (you)", rep=printable(side.rep)) if side.mine else printable(side.rep)
    text.append(f"\n{month_day(when.date())} {when:%H:%M} · {who}", style="dim")
    return text
