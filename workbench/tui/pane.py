"""What every full screen of the app shares: typed access to the app, and
`reload()`, which the app calls after any write so the screen shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class Pane(Screen[None]):
    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def reload(self) -> object:
        """Load what the screen shows again (in a worker)."""
        raise NotImplementedError
