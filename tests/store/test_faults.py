"""The database failing under a write: a full disk mid-import is reported as
a full disk, and leaves the database as it was."""

import sqlite3
from pathlib import Path

import pytest

from tests.sync.bundles import dump
from workbench.domain.errors import describe
from workbench.domain.models import Customer
from workbench.store.database import Store
from workbench.sync.export import export_bundle
from workbench.sync.importer import import_bundle


def fill_the_disk(store: Store) -> None:
    """SQLite's own cap on the file's pages: the next page it needs fails
    with SQLITE_FULL, as on a full disk, and SQLite rolls back by itself."""
    (pages,) = store.db.execute("PRAGMA page_count").fetchone()
    store.db.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_mid_import_says_so_and_changes_nothing(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b = pair
    for n in range(300):
        a.add(Customer(name=f"Customer {n}", notes="x" * 500))
    bundle = export_bundle(a, tmp_path / "a.json").path
    before = dump(b)
    fill_the_disk(b)
    with pytest.raises(Exception) as failed:
        import_bundle(b, bundle)
    assert "database or disk is full" in str(failed.value), "the cause, not a savepoint"
    assert describe(failed.value).startswith("the disk is full")
    assert dump(b) == before
    b.db.execute("PRAGMA max_page_count = 1073741823")  # space again: the import goes through
    assert import_bundle(b, bundle).new > 0


def test_when_sqlite_rolls_back_by_itself_the_cause_still_shows(store: Store) -> None:
    """On a real full disk SQLite may undo the whole transaction itself; the
    savepoint a nested write stood in is then gone, and going back to it
    failed with 'no such savepoint', hiding the full disk."""
    before = dump(store)
    full = pytest.raises(sqlite3.OperationalError, match="database or disk is full")
    with full, store.transaction(), store.transaction():
        store.add(Customer(name="Lost"))
        store.db.execute("ROLLBACK")  # what SQLite does on SQLITE_FULL from the disk
        raise sqlite3.OperationalError("database or disk is full")
    assert dump(store) == before
    assert store.add(Customer(name="Kept")).name == "Kept", "the store writes again"
