"""`python -m benchmarks [--smoke] [--runs N] [--out FILE] [--report FILE]`:
measure, print each figure beside its budget, write the figures as JSON, and
put the table in the performance page of the docs."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from benchmarks import bulk, interaction, machine, queries, startup
from benchmarks.budgets import Figure
from benchmarks.data import CACHE, SETS, database
from benchmarks.now import clock
from workbench.store.database import open_store

RESULTS = Path(__file__).parent / "results.json"
REPORT = Path(__file__).parent.parent / "docs" / "performance.md"
# The lines of REPORT that `make bench` rewrites lie between these two; the
# explanation around them is written by hand.
TABLE_START = "<!-- make bench writes the lines from here -->"
TABLE_END = "<!-- to here -->"


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a tiny data set and one run: checks the benchmark works",
    )
    parser.add_argument("--runs", type=int, help="runs per figure (default 20, 5 for slow ones)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where data sets are kept")
    parser.add_argument(
        "--report",
        type=Path,
        help="the Markdown page whose table to rewrite (default: docs/performance.md; "
        "none with --smoke)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    say = print
    reference = database(SETS["smoke" if args.smoke else "reference"], say, args.cache)
    team = database(SETS["smoke" if args.smoke else "team"], say, args.cache)
    fast, slow = (1, 1) if args.smoke else (args.runs or 20, args.runs or 5)
    # Bulk work first, in a process as fresh as the command that does it: after
    # an app has run in this one, the same import measured ~7% slower.
    say("Timing bulk work…")
    team_store = open_store(team, clock=clock())
    bulk_figures = bulk.measure(team_store, 1 if args.smoke else 3)
    team_store.close()
    figures: list[Figure] = []
    store = open_store(reference, clock=clock())
    say("Timing each pane's queries…")
    figures += queries.measure(store, fast)
    say("Driving the app: panes, keys, a quick log…")
    figures += interaction.measure(store, slow)
    store.close()
    say("Timing cold starts and memory…")
    figures += startup.measure(reference, slow)
    figures += bulk_figures
    say("Timing the machine itself…")
    figures += machine.measure(slow)
    _write(args.out, figures, args.smoke, time.perf_counter() - started)
    for line in table(figures):
        print(line)
    report = args.report or (None if args.smoke else REPORT)
    if report is not None:
        write_report(report, figures)
        say(f"The table is in {report}.")
    return figures


def write_report(page: Path, figures: list[Figure]) -> None:
    """Put the table of this run between the page's two markers, with when
    and where it ran; the rest of the page stays as it is."""
    text = page.read_text(encoding="utf-8")
    if TABLE_START not in text or TABLE_END not in text:
        raise SystemExit(f"{page} lacks the lines {TABLE_START!r} and {TABLE_END!r}")
    before, rest = text.split(TABLE_START, 1)
    after = rest.split(TABLE_END, 1)[1]
    ran = (
        f"Run of {time.strftime('%Y-%m-%d')} ({_cpus()} cores, Python "
        f"{platform.python_version()}; `MISS` marks a figure over its budget):"
    )
    lines = [TABLE_START, "", ran, "", *table(figures), "", TABLE_END]
    page.write_text(before + "\n".join(lines) + after, encoding="utf-8")


def table(figures: list[Figure]) -> list[str]:
    """A Markdown table: each figure, its spread, its budget, and a mark on misses."""
    lines = ["| | figure | median (min–max) | budget | |", "| --- | --- | --- | --- | --- |"]
    for figure in figures:
        sample = figure.sample
        shown = f"{_n(sample.median)} ({_n(sample.low)}–{_n(sample.high)}) {figure.unit}"
        budget = ", ".join(b.describe(figure.unit) for b in figure.budgets) or "—"
        mark = "MISS" if figure.misses else "ok" if figure.budgets else ""
        name = f"{figure.name} ({figure.note})" if figure.note else figure.name
        lines.append(f"| {figure.group} | {name} | {shown} | {budget} | {mark} |")
    return lines


def _n(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"


def _write(path: Path, figures: list[Figure], smoke: bool, seconds: float) -> None:
    path.write_text(
        json.dumps(
            {
                "data": "smoke" if smoke else "reference",
                "machine": {
                    "python": platform.python_version(),
                    "cpus": _cpus(),
                    "system": platform.platform(),
                },
                "seconds": round(seconds, 1),
                "figures": [figure.as_json() for figure in figures],
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
