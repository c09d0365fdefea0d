"""An import killed midway (SIGKILL: no cleanup runs) leaves the database as
it was: the whole merge is one SQLite transaction."""

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from tests.sync.bundles import write_bundle
from workbench.cli import cli

CUSTOMERS = 40_000  # enough that the import is still writing when we kill it


def big_bundle(path: Path) -> Path:
    stamp = "001795397400000-0000-dev1"
    fields = {
        "name": "Customer {}",
        "kind": "company",
        "tier": "B",
        "notes": "Met at the fair; call back {}",
        "created_at": "2026-11-20T08:00:00Z",
    }
    changes = [
        {
            "origin": "dev1",
            "seq": n * len(fields) + k + 1,
            "hlc": stamp,
            "entity": "customers",
            "row_id": f"c{n}",
            "field": field,
            "value": value.format(n),
            "prev": None,
        }
        for n in range(CUSTOMERS)
        for k, (field, value) in enumerate(fields.items())
    ]
    header = {
        "format": "workbench-bundle",
        "format_version": 1,
        "schema_version": "0001",
        "bundle_id": "b1",
        "origin": "dev1",
        "rep": "Sam",
        "kind": "full",
        "known": {"dev1": len(changes)},
        "created_at": "2026-11-20T08:00:00Z",
        "hlc_min": stamp,
        "hlc_max": stamp,
    }
    return write_bundle(path, header, changes)


def indexes(db: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()
    finally:
        connection.close()


def content(db: Path) -> str:
    connection = sqlite3.connect(db)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def test_a_killed_import_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "mine.db"
    assert CliRunner().invoke(cli, ["--db", str(db), "me", "Li Wei"]).exit_code == 0
    before, indexes_before = content(db), indexes(db)
    bundle = big_bundle(tmp_path / "big.json")
    wal = Path(f"{db}-wal")  # gone while no one has the database open
    process = subprocess.Popen(
        [sys.executable, "-m", "workbench", "--db", str(db), "import", str(bundle)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not wal.exists() or wal.stat().st_size < 4 << 20:  # the merge is writing pages
        assert process.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    assert process.poll() is None
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    assert content(db) == before
    # and the database still works: the same import, left alone, succeeds
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(bundle)])
    assert result.exit_code == 0, result.output
    assert f"{CUSTOMERS:,} added" in result.output
    assert indexes(db) == indexes_before  # paused for the bulk import, then built again
