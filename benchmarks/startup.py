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

from benchmarks.budgets import MEMORY, START_RATIO, Figure
from benchmarks.now import NOW
from benchmarks.timing import Sample

ROOT = Path(__file__).parent.parent
TIMEOUT = 120  # seconds for one start


def measure(database: Path, runs: int) -> list[Figure]:
    # As installed, Workbench starts from cached bytecode (pip compiles it);
    # an editable checkout under PYTHONDONTWRITEBYTECODE would compile every
    # module of ours at every start (~0.3x of a bare app). Textual's is cached.
    compileall.compile_dir(ROOT / "workbench", quiet=1)
    figures = [_paired("headless", database, runs, _headless)]
    if shutil.which("tmux"):
        figures.append(_paired("real terminal (tmux 120x40)", database, runs, _in_tmux))
    rss = [_headless("app", database)["rss_mb"] for _ in range(runs)]
    figures.append(Figure("Memory", "resident, Today painted on the data", "MB",
                          Sample.of(rss), MEMORY))  # fmt: skip
    return figures


def _paired(
    where: str, database: Path, runs: int, start: Callable[[str, Path], dict[str, float]]
) -> Figure:
    bare, app = [], []
    for _ in range(runs):  # alternating, so a busy moment hits both
        bare.append(start("bare", database)["seconds"])
        app.append(start("app", database)["seconds"])
    ratios = [mine / theirs for mine, theirs in zip(app, bare, strict=True)]
    median_ms = {name: round(Sample.of(values).median * 1000) for name, values in
                 (("workbench_ms", app), ("bare_textual_ms", bare))}  # fmt: skip
    note = f"{median_ms['workbench_ms']} ms vs bare Textual {median_ms['bare_textual_ms']} ms"
    return Figure("Start", f"Today painted, {where}", "x bare", Sample.of(ratios),
                  START_RATIO, note, median_ms)  # fmt: skip


def _settings(database: Path) -> dict[str, str]:
    """The pinned clock, and a device registry of the benchmark's own (kept
    beside the data, so the device is known after the first start)."""
    return {"WORKBENCH_NOW": NOW, "WORKBENCH_CONFIG_DIR": str(database.parent / "config")}


def _command(kind: str, database: Path, out: Path) -> list[str]:
    """The child's command line, stamped with the time just before it starts."""
    return [sys.executable, "-m", "benchmarks.start_child", kind, repr(time.time()),
            str(database), "--out", str(out)]  # fmt: skip


def _headless(kind: str, database: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "start.json"
        done = subprocess.run([*_command(kind, database, out), "--headless"], cwd=ROOT,
                              env=os.environ | _settings(database), capture_output=True, text=True,
                              timeout=TIMEOUT)  # fmt: skip
        if not out.exists():
            raise RuntimeError(f"the {kind} start failed:\n{done.stdout[-3000:]}{done.stderr}")
        return _wait_for(out, kind)


def _in_tmux(kind: str, database: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "start.json"
        session = f"workbench-bench-{kind}-{os.getpid()}"  # two runs at once never collide
        settings = [f"-e{name}={value}" for name, value in _settings(database).items()]
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                        "-c", str(ROOT), *settings, " ".join(_command(kind, database, out))],
                       check=True)  # fmt: skip
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
