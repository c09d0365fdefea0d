"""One cold start, in a fresh process: `python -m benchmarks.start_child
bare|app T0 DB --out FILE [--headless]`. T0 is the wall-clock time the
parent took just before starting us, so the figure includes Python's start
and every import. Writes {"seconds", "rss_mb"} as JSON to FILE once the
first frame with content is out: one line for the bare app, the Today
pane's rows for Workbench. (A file, not stdout: a running app owns that.)"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static


def main() -> None:
    kind, started, *rest = sys.argv[1:]
    out = Path(rest[rest.index("--out") + 1])
    headless = "--headless" in rest

    def report() -> None:
        figures = {"seconds": time.time() - float(started), "rss_mb": _peak_rss_mb()}
        out.write_text(json.dumps(figures))

    app = _bare(report) if kind == "bare" else _workbench(Path(rest[0]), report)
    app.run(headless=headless, size=(120, 40) if headless else None)


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
    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Workbench")

        def on_mount(self) -> None:
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report()
            self.exit()

    return Bare()


def _workbench(path: Path, report: Callable[[], None]) -> App[None]:
    from benchmarks.now import clock
    from workbench.store.database import open_store
    from workbench.tui.app import WorkbenchApp

    class Timed(WorkbenchApp):
        # A subclass reads CSS_PATH beside its own module: point it at the app's.
        CSS_PATH = str(Path(sys.modules[WorkbenchApp.__module__].__file__ or "").parent
                       / str(WorkbenchApp.CSS_PATH))  # fmt: skip

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

    return Timed(open_store(path, clock=clock()))


if __name__ == "__main__":
    main()
