"""One cold start, in a fresh process: `python -m benchmarks.start_child
bare|layout|app T0 DB --out FILE [--headless]`. T0 is the wall-clock time
the parent took just before starting us, so the figures include Python's
start and every import. Writes JSON to FILE once the first frame with
content is out: {"seconds", "rss_mb"}, and for Workbench "layout_seconds"
too, its first frame of any kind. (A file, not stdout: a running app owns that.)

- bare: a Textual app painting one line, what the budgets are ratios of;
- layout: plain Textual with the Today pane's widgets, keys and 60 rows,
  no Workbench code: what that layout costs on its own;
- app: `workbench --db DB`, as a rep starts it, until Today's rows are drawn.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import json
import resource
import sys
import time
from collections.abc import Callable
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from textual.app import App

Report = Callable[[str], None]  # called with a moment's name as it happens


def main() -> None:
    kind, started, *rest = sys.argv[1:]
    out = Path(rest[rest.index("--out") + 1])
    headless = "--headless" in rest
    size = (120, 40) if headless else None
    moments: dict[str, float] = {}

    def report(moment: str) -> None:
        moments.setdefault(moment, time.time() - float(started))
        if moment == "seconds":  # the frame the figure is about: done
            out.write_text(json.dumps(moments | {"rss_mb": _peak_rss_mb()}))

    if kind == "app":
        _workbench(Path(rest[0]), report, headless)
    else:
        (_bare if kind == "bare" else _layout)(report).run(headless=headless, size=size)


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's ru_maxrss is no good here:
    exec keeps the parent's peak, so a child of the benchmark (100+ MB after
    the queries) reported the benchmark's memory, not its own."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (line,) = (line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _bare(report: Report) -> App[None]:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Workbench")

        def on_mount(self) -> None:
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report("seconds")
            self.exit()

    return Bare()


def _layout(report: Report) -> App[None]:
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import DataTable, Footer, Header, Static

    keys = {
        "1": "Today",
        "2": "Pipeline",
        "3": "Customers",
        "4": "Targets",
        "l": "Log",
        "S": "Sync",
        "question_mark": "Keys",
        "enter": "Customer",
        "d": "Done",
        "s": "Snooze",
        "r": "Reschedule",
        "n": "New follow-up",
    }

    class Layout(App[None]):
        BINDINGS: ClassVar = [Binding(key, "bell", label) for key, label in keys.items()]

        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable(cursor_type="row")
            yield Static("")
            yield Footer()

        def on_mount(self) -> None:
            self.sub_title = "Li Wei · Mon 23 Nov 2026"
            table: DataTable[Text] = self.query_one(DataTable)
            for label, width in (
                ("Due", 12),
                ("Customer", 33),
                ("What", 37),
                ("Deal", 22),
                ("Value", 11),
            ):
                table.add_column(label, width=width)
            for n in range(60):
                cells = (
                    f"{n}d overdue",
                    f"Customer number {n} Ltd",
                    "Call back about the offer",
                    "Pump upgrade",
                    f"¥{n * 1000:,}".rjust(11),
                )
                table.add_row(*(Text(cell, no_wrap=True, overflow="ellipsis") for cell in cells))
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report("seconds")
            self.exit()

    return Layout()


def _workbench(path: Path, report: Report, headless: bool) -> None:
    """`workbench --db PATH`, its modules loading in the command's own order
    (the store, and the agenda's read, before Textual), its app told to
    report its first frame and its first frame with rows."""
    from workbench.cli import cli

    _once_imported("workbench.tui.app", lambda module: _timed(module, report, headless))
    cli(["--db", str(path)], prog_name="workbench", standalone_mode=False)


def _once_imported(name: str, then: Callable[[ModuleType], None]) -> None:
    """Call `then` with module `name` right after it is first imported."""

    class Hook(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname: str, path: Any, target: Any = None) -> ModuleSpec | None:
            if fullname != name:
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(fullname)
            assert spec is not None and spec.loader is not None
            run = spec.loader.exec_module

            def exec_module(module: ModuleType) -> None:
                run(module)
                then(module)

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, Hook())


def _timed(module: ModuleType, report: Report, headless: bool) -> None:
    """The module's app class, replaced by one that reports its first frames."""
    from textual.widgets import DataTable

    class Timed(module.WorkbenchApp):  # type: ignore[name-defined]
        # A subclass reads CSS_PATH beside its own module: point it at the app's.
        CSS_PATH = str(Path(module.__file__ or "").parent / str(module.WorkbenchApp.CSS_PATH))

        def on_mount(self) -> None:
            super().on_mount()
            self.call_after_refresh(report, "layout_seconds")
            self.poll = self.set_interval(0.002, self.check)

        def check(self) -> None:
            tables = self.screen.query(DataTable)
            if tables and tables.first().row_count:
                self.poll.stop()
                self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report("seconds")
            self.exit()

        def run(self, **options: Any) -> None:
            super().run(headless=headless, size=(120, 40) if headless else None)

    module.WorkbenchApp = Timed  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
