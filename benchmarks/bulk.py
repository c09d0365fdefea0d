"""Bulk work: a team's bundle exported and imported (≥ 100k changes/s), and
10,000 deals from a spreadsheet (< 5 s)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.budgets import CSV_10K, THROUGHPUT, Figure
from benchmarks.now import clock
from benchmarks.timing import Sample
from workbench.interop.csv_columns import Mapping
from workbench.interop.csv_import import apply_plan, plan_import
from workbench.store.actions import set_me
from workbench.store.database import Store, open_store
from workbench.sync.export import export_bundle
from workbench.sync.importer import import_bundle


def measure(team: Store, runs: int) -> list[Figure]:
    exports, imports, csv = [], [], []
    changes = 0
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as folder:
        work = Path(folder)
        deals = _deals_csv(work / "deals.csv")
        for run in range(runs):
            bundle = work / f"team-{run}.json.gz"
            started = time.perf_counter()
            changes = export_bundle(team, bundle, peers=[]).changes
            exports.append(changes / (time.perf_counter() - started))
            into = open_store(work / f"into-{run}.db", clock=clock())
            started = time.perf_counter()
            import_bundle(into, bundle)
            imports.append(changes / (time.perf_counter() - started))
            into.close()
            csv.append(_import_deals(deals, work / f"csv-{run}.db"))
    customers = team.db.execute("SELECT count(*) FROM customers").fetchone()[0]
    note = f"{changes:,} changes of a {customers:,}-customer team"
    return [
        Figure("Bulk", "bundle export", "changes/s", Sample.of(exports), THROUGHPUT, note),
        Figure(
            "Bulk",
            "bundle import into an empty database",
            "changes/s",
            Sample.of(imports),
            THROUGHPUT,
            note,
        ),
        Figure("Bulk", "CSV import of 10,000 deals", "s", Sample.of(csv), CSV_10K),
    ]


def _deals_csv(path: Path) -> Path:
    lines = ["Deal,Account,Stage,Amount,Close Date,External ID"]
    lines += [
        f"Deal {n},Customer {n % 2000},proposal,{n * 10}.50,2027-0{n % 9 + 1}-15,E{n}"
        for n in range(10_000)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import_deals(csv: Path, database: Path) -> float:
    """Seconds to plan and write the file into a new database."""
    store = open_store(database, clock=clock())
    set_me(store, "Li Wei")
    started = time.perf_counter()
    apply_plan(store, plan_import(store, "deals", csv, Mapping()), skip_bad=False)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed
