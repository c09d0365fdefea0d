"""`make bench` on a tiny data set, so the benchmark cannot rot unnoticed:
every figure is measured and written, beside its budget."""

import json
import sqlite3
from pathlib import Path

from benchmarks.run import REPORT, TABLE_END, TABLE_START, main


def test_the_benchmark_runs_and_writes_every_figure(tmp_path: Path) -> None:
    out, page = tmp_path / "results.json", tmp_path / "performance.md"
    page.write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    args = ["--smoke", "--out", str(out), "--cache", str(tmp_path / "cache")]
    figures = main([*args, "--report", str(page)])
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["data"] == "smoke"
    groups = {figure["group"] for figure in written["figures"]}
    assert groups >= {"Queries", "Panes", "Keys", "Start", "Memory", "Bulk"}
    assert len(written["figures"]) == len(figures)
    assert all(figure["median"] > 0 for figure in written["figures"])
    held = [f for f in written["figures"] if not f["name"].startswith("for comparison")]
    assert all(figure["budgets"] for figure in held), "only comparisons go without a budget"
    # The quick-log figure writes to the cached data set: it must take its rows out again.
    (smoke,) = (tmp_path / "cache").glob("smoke-*.db")
    with sqlite3.connect(smoke) as db:
        left = db.execute("SELECT count(*) FROM activities WHERE notes LIKE 'Asked for%'")
        assert left.fetchone()[0] == 0
    # The docs page gets this run's table between its markers, and keeps the rest.
    before, table, after = _parts(page.read_text(encoding="utf-8"))
    assert (before, after) == _parts(REPORT.read_text(encoding="utf-8"))[::2]
    assert table.count("\n| ") == len(figures) + 2  # the heading's two lines, a row each


def _parts(text: str) -> tuple[str, str, str]:
    before, rest = text.split(TABLE_START)
    table, after = rest.split(TABLE_END)
    return before, table, after
