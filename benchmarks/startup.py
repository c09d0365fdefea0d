"""Cold start: Workbench's Today pane painted with its rows, against a bare
Textual app painting one line, in pairs in the same run (shared/DESIGN.md:
≤ 1.3x). Headless, and in a real terminal under tmux where there is one.
The same processes give the resident memory with the data open."""

from __future__ import annotations

import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.budgets import LAYOUT_RATIO, MEMORY, START_RATIO, Budget, Figure
from benchmarks.now import NOW
from benchmarks.timing import Sample
from workbench.store.database import open_store
from workbench.store.location import DeviceRegistry

ROOT = Path(__file__).parent.parent
TIMEOUT = 120  # seconds for one start


def measure(database: Path, runs: int) -> list[Figure]:
    # As installed, Workbench starts from cached bytecode (pip compiles it);
    # an editable checkout under PYTHONDONTWRITEBYTECODE would compile every
    # module of ours at every start (~0.3x of a bare app). Textual's is cached.
    compileall.compile_dir(ROOT / "workbench", quiet=1)
    _register(database)
    figures = _compared("headless", database, runs, _headless)
    if shutil.which("tmux"):
        figures += _compared("real terminal (tmux 120x40)", database, runs, _in_tmux)
    rss = [_headless("app", database)["rss_mb"] for _ in range(runs)]
    figures.append(
        Figure("Memory", "resident, Today painted on the data", "MB", Sample.of(rss), MEMORY)
    )
    return figures


def _compared(
    where: str, database: Path, runs: int, start: Callable[[str, Path], dict[str, float]]
) -> list[Figure]:
    """Workbench's first frame and its first with rows, and plain Textual
    drawing Today's layout, each as a ratio of a bare app started beside it."""
    started: dict[str, list[dict[str, float]]] = {"bare": [], "layout": [], "app": []}
    for _ in range(runs):  # in turn, so a busy moment hits all three
        for kind, times in started.items():
            times.append(start(kind, database))
    bare = [times["seconds"] for times in started["bare"]]

    def ratio(name: str, kind: str, moment: str, budget: tuple[Budget, ...]) -> Figure:
        mine = [times[moment] for times in started[kind]]
        ms = {
            "ms": round(Sample.of(mine).median * 1000),
            "bare_textual_ms": round(Sample.of(bare).median * 1000),
        }
        ratios = [m / b for m, b in zip(mine, bare, strict=True)]
        return Figure(
            "Start",
            f"{name}, {where}",
            "x bare",
            Sample.of(ratios),
            budget,
            f"{ms['ms']} ms vs bare Textual {ms['bare_textual_ms']} ms",
            ms,
        )

    return [
        ratio("Today painted with its rows", "app", "seconds", START_RATIO),
        ratio("first frame (the layout)", "app", "layout_seconds", LAYOUT_RATIO),
        ratio(
            "for comparison: plain Textual with Today's widgets and 60 rows",
            "layout",
            "seconds",
            (),
        ),
    ]


def _settings(database: Path) -> dict[str, str]:
    """The pinned clock, and a device registry of the benchmark's own, kept
    beside the data."""
    return {"WORKBENCH_NOW": NOW, "WORKBENCH_CONFIG_DIR": str(_config(database))}


def _config(database: Path) -> Path:
    return database.parent / "config"


def _register(database: Path) -> None:
    """Enter the data in the children's registry as `workbench` does for a
    database it makes: unregistered, it is a copy, which forgets its rep and
    starts on the welcome screen instead of Today."""
    store = open_store(database)  # no registry: the stored device is kept
    DeviceRegistry(_config(database) / "devices.json").put(database, store.device)
    store.close()


def _command(kind: str, database: Path, out: Path) -> list[str]:
    """The child's command line, stamped with the time just before it starts."""
    return [
        sys.executable,
        "-m",
        "benchmarks.start_child",
        kind,
        repr(time.time()),
        str(database),
        "--out",
        str(out),
    ]


def _headless(kind: str, database: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "start.json"
        done = subprocess.run(
            [*_command(kind, database, out), "--headless"],
            cwd=ROOT,
            env=os.environ | _settings(database),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        if not out.exists():
            raise RuntimeError(f"the {kind} start failed:\n{done.stdout[-3000:]}{done.stderr}")
        return _wait_for(out, kind)


def _in_tmux(kind: str, database: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "start.json"
        session = f"workbench-bench-{kind}-{os.getpid()}"  # two runs at once never collide
        settings = [f"-e{name}={value}" for name, value in _settings(database).items()]
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                session,
                "-x",
                "120",
                "-y",
                "40",
                "-c",
                str(ROOT),
                *settings,
                " ".join(_command(kind, database, out)),
            ],
            check=True,
        )
        try:
            return _wait_for(out, kind)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def _wait_for(out: Path, kind: str) -> dict[str, float]:
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            result: dict[str, float] = json.loads(out.read_text())
            return result
        except (FileNotFoundError, json.JSONDecodeError):  # not yet, or half written
            if time.monotonic() > deadline:
                raise TimeoutError(f"{kind} did not paint within {TIMEOUT} s") from None
            time.sleep(0.005)
