"""What every full screen of the app shares: typed access to the app, and
`reload()`, which the app calls after any write so the screen shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from workbench.tui.footer import Footer

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class Pane(Screen[None]):
    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def reload(self) -> object:
        """Load what the screen shows again (in a worker)."""
        raise NotImplementedError

    def on_screen_resume(self) -> None:
        """Load whenever the screen comes into view. Textual says so the first
        time too, so loading on mount as well read everything twice."""
        self.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A read that failed (the database damaged, gone, unreadable) says
        why, as the app's writes do, instead of leaving the pane as it was."""
        self.workbench.say_failed(event)


class TablePane(Pane):
    """A pane that is a status line over a table, one row per item, loaded
    when it opens and again whenever it comes back into view."""

    def __init__(self, name: str, loading: str) -> None:
        super().__init__()
        self.status = Static(loading, id=f"{name}-status")
        self.table: DataTable[Text] = DataTable(id=name, cursor_type="row")

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.status
        yield self.table
        yield Footer()

    def on_mount(self) -> None:
        self.table.focus()
