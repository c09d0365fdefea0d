"""One cold start, in a fresh process: `python -m benchmarks.start_child
bare|app T0 DB --out FILE [--headless]`. T0 is the wall-clock time the
parent took just before starting us, so the figure includes Python's start
and every import. Writes {"seconds", "rss_mb"} as JSON to FILE once the
first frame with content is out: one line for the bare app, the Today
pane's rows for Workbench, started the way `workbench --db DB` starts it.
(A file, not stdout: a running app owns that.)"""

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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App


def main() -> None:
    kind, started, *rest = sys.argv[1:]
    out = Path(rest[rest.index("--out") + 1])
    headless = "--headless" in rest

    def report() -> None:
        figures = {"seconds": time.time() - float(started), "rss_mb": _peak_rss_mb()}
        out.write_text(json.dumps(figures))

    if kind == "bare":
        _bare(report).run(headless=headless, size=(120, 40) if headless else None)
    else:
        _workbench(Path(rest[0]), report, headless)


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


def _bare(report: Callable[[], None]) -> App[None]:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Workbench")

        def on_mount(self) -> None:
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report()
            self.exit()

    return Bare()


def _workbench(path: Path, report: Callable[[], None], headless: bool) -> None:
    """`workbench --db PATH`, its modules loading in the command's own order
    (the store, and the agenda's read, before Textual), its app told to
    report its first frame with rows."""
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


def _timed(module: ModuleType, report: Callable[[], None], headless: bool) -> None:
    """The module's app class, replaced by one that reports its first frame with rows."""
    from textual.widgets import DataTable

    class Timed(module.WorkbenchApp):  # type: ignore[name-defined]
        # A subclass reads CSS_PATH beside its own module: point it at the app's.
        CSS_PATH = str(Path(module.__file__ or "").parent / str(module.WorkbenchApp.CSS_PATH))

        def on_mount(self) -> None:
            super().on_mount()
            self.poll = self.set_interval(0.002, self.check)

        def check(self) -> None:
            tables = self.screen.query(DataTable)
            if tables and tables.first().row_count:
                self.poll.stop()
                self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report()
            self.exit()

        def run(self, **options: Any) -> None:
            super().run(headless=headless, size=(120, 40) if headless else None)

    module.WorkbenchApp = Timed  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
