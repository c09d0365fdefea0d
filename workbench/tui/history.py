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
        self.undoing = False  # an undo is being written

    def record(self, store: Store, write: Callable[[], R], said: Callable[[R], str]) -> R:
        """Run `write` (under the store's lock) and note what it committed."""
        mark = len(store.written)
        result = write()
        if stamps := store.written[mark:]:
            self.entries.append(Entry(said(result).removesuffix(UNDO_HINT), stamps))
            del self.entries[:-KEPT]
        return result


def undo_last(app: WorkbenchApp) -> None:
    """ctrl+z: take back the session's last write, one at a time (a ctrl+z
    typed while one runs waits for the next press)."""
    history = app.history
    if history.undoing:
        return
    if not history.entries:
        app.notify(tr("Nothing to undo"), timeout=3)
        return
    history.undoing = True
    app.run_worker(partial(_undo, app, history.entries[-1]), thread=True, exit_on_error=False)


def _undo(app: WorkbenchApp, entry: Entry) -> None:
    """Leaves the list once undone, or once it never can be; a busy database
    keeps it for the next ctrl+z."""
    from workbench.store.undo import CannotUndo, undo  # (with the record models: not at start)

    try:
        with app.store.lock:
            undo(app.store, entry.stamps)
    except CannotUndo:
        app.history.entries.remove(entry)
        raise
    else:
        app.history.entries.remove(entry)
        app.call_from_thread(app.say_written, tr("Undone: {what}", what=entry.said))
    finally:
        app.history.undoing = False
