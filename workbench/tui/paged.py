"""A DataTable that is given its rows a page at a time.

A DataTable row costs ~0.1-0.2 ms to add and lay out: a rep's agenda of 754
items took 91 ms to show, a search's 200 customers ~40 ms a keystroke. This
table draws PAGE rows, and the next page as the cursor or the scroll comes
near the last row drawn (shared/DESIGN.md: rows in, first frame out ≤ 100 ms).
Rows come from an iterable that is read only as pages are drawn, so a row's
cells are made when it is first shown, not for every item up front.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, Self

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

Row = tuple[list[Text], str]  # a row's cells and its key


class PagedTable(DataTable[Text]):
    PAGE = 60  # two screenfuls of a tall terminal

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.waiting: Iterator[Row] = iter(())  # rows not drawn yet, in order
        self.adding = False

    def fill(self, rows: Iterable[Row]) -> None:
        self.clear()
        self.waiting = iter(rows)
        self.more()

    def clear(self, columns: bool = False) -> Self:
        self.waiting = iter(())  # else clearing moves the cursor, which would draw old rows
        return super().clear(columns)

    def more(self) -> int:
        """Draw the next page; how many rows it had (0 once all are drawn)."""
        if self.adding:
            return 0  # adding rows moves the cursor, which asks for more: one page at a time
        self.adding = True
        try:
            page = list(islice(self.waiting, self.PAGE))
            for cells, key in page:
                self.add_row(*cells, key=key)
        finally:
            self.adding = False
        return len(page)

    def reveal(self, key: str) -> int | None:
        """The row index of `key`, paging it in if it is further down."""
        while key not in self.rows and self.more():
            pass
        return self.get_row_index(key) if key in self.rows else None

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if new.row >= self.row_count - self.size.height:
            self.more()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value > old_value and new_value >= self.max_scroll_y - self.size.height:
            self.more()

    def action_scroll_bottom(self) -> None:
        """ctrl+end goes to the real last row, drawing the rest first."""
        while self.more():
            pass
        super().action_scroll_bottom()
