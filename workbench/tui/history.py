"""What ctrl+z takes back: this session's writes, newest last.

Each write the app makes for the rep (`WorkbenchApp.write` and `ask`) is
noted with the clock stamps of the transactions it committed; ctrl+z undoes
the last one as new changes (store.undo), which sync like any edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from workbench.i18n import tr
from workbench.store.database import Store

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

R = TypeVar("R")
KEPT = 100  # writes remembered; older ones drop off
UNDO_HINT = tr(" · ctrl+z undoes")  # ends what a write says when a rep may not know


@dataclass(frozen=True)
class Entry:
    said: str  # what the app said when it was written
    stamps: list[str]


class History:
    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def record(self, store: Store, write: Callable[[], R], said: Callable[[R], str]) -> R:
        """Run `write` (under the store's lock) and note what it committed."""
        mark = len(store.written)
        result = write()
        if stamps := store.written[mark:]:
            self.entries.append(Entry(said(result).removesuffix(UNDO_HINT), stamps))
            del self.entries[:-KEPT]
        return result


def undo_last(app: WorkbenchApp) -> None:
    """ctrl+z: take back the session's last write."""
    if not app.history.entries:
        app.notify(tr("Nothing to undo"), timeout=3)
        return
    from workbench.store.undo import undo  # (with the record models: not at start)

    entry = app.history.entries.pop()
    change = partial(undo, app.store, entry.stamps)
    app.write(change, tr("Undone: {what}", what=entry.said), undoable=False)
