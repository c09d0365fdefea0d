"""How fast this machine is, by work shared/DESIGN.md gives figures for.

Budgets in milliseconds and rows per second hold on some machine: these
say how this one compares with the one DESIGN.md measured, so a figure
here can be read against its budget there. They have no budget themselves.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

from typing_extensions import TypedDict  # pydantic needs it below Python 3.12

from benchmarks.budgets import Figure
from benchmarks.timing import Sample, timed

ROWS = 100_000


class _Change(TypedDict):
    origin: str
    seq: int
    hlc: str
    entity: str
    row_id: str
    field: str
    value: str
    prev: str | None


def measure(runs: int) -> list[Figure]:
    rows = [
        (
            "device",
            n,
            f"{n:015d}-0000-device",
            "customers",
            f"row-{n}",
            "name",
            f'"Customer {n}"',
            None,
        )
        for n in range(ROWS)
    ]
    return [_inserts(rows, runs), _validation(rows, runs)]


def _inserts(rows: Sequence[tuple[object, ...]], runs: int) -> Figure:
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as folder:
        db = sqlite3.connect(Path(folder) / "plain.db", isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE t (origin, seq, hlc, entity, row_id, field, value, prev)")

        def insert() -> None:
            db.execute("BEGIN")
            db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")
            db.execute("DELETE FROM t")

        seconds = timed(insert, runs)
        db.close()
    return Figure(
        "Machine",
        "for comparison: plain executemany, 100k rows in one transaction "
        "(DESIGN.md's machine: ~340,000/s)",
        "rows/s",
        _per_second(seconds),
    )


def _validation(rows: Sequence[tuple[object, ...]], runs: int) -> Figure:
    from pydantic import TypeAdapter

    adapter = TypeAdapter(list[_Change])
    names = list(_Change.__annotations__)
    dicts = [dict(zip(names, row, strict=True)) for row in rows]
    seconds = timed(lambda: adapter.validate_python(dicts), runs)
    return Figure(
        "Machine",
        "for comparison: pydantic TypedDict adapter, 100k rows validated "
        "(DESIGN.md's machine: ~0.08 s)",
        "s",
        seconds,
    )


def _per_second(seconds: Sample) -> Sample:
    return Sample(ROWS / seconds.median, ROWS / seconds.high, ROWS / seconds.low)
