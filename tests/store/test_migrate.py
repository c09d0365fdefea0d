import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database, Migrations

from workbench.domain.models import Customer
from workbench.domain.stages import DEFAULT_STAGES
from workbench.store.database import fetch_all, open_store
from workbench.store.migrate import (
    APPLIED_TABLE,
    MigrationError,
    NewerDatabaseError,
    migrate,
    schema_version,
    shipped_migrations,
)


def dump_of(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        lines = list(conn.iterdump())
    conn.close()
    return lines


def test_fresh_database_gets_the_whole_schema(tmp_path: Path) -> None:
    store = open_store(tmp_path / "fresh.db")
    assert schema_version(store.db) == shipped_migrations()[-1][0]
    assert {"customers", "deals", "activities", "follow_ups", "changes"} <= set(
        Database(store.db).table_names()
    )
    assert store.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert store.db.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    assert not list(tmp_path.glob("*.before-*")), "nothing to keep aside for a new file"
    store.close()


def test_seeded_stages_match_the_documented_defaults(tmp_path: Path) -> None:
    store = open_store(tmp_path / "fresh.db")
    seeded = [(s.key, s.label, s.probability, s.kind, s.rot_days) for s in store.stages()]
    assert seeded == list(DEFAULT_STAGES)
    store.close()


def test_reopening_applies_nothing(tmp_path: Path) -> None:
    open_store(tmp_path / "db.db").close()
    conn = sqlite3.connect(tmp_path / "db.db")
    assert migrate(conn, tmp_path / "db.db") == []
    conn.close()


def test_what_was_applied_is_read_where_sqlite_utils_records_it(tmp_path: Path) -> None:
    """Opening reads sqlite-utils' record with plain SQL (no import of
    sqlite-utils on the way to the first screen): same table, same answer."""
    assert Migrations.migrations_table == APPLIED_TABLE
    store = open_store(tmp_path / "db.db")
    recorded = Migrations("workbench").applied(Database(store.db))
    assert [m.name for m in recorded] == [name for name, _ in shipped_migrations()]
    assert schema_version(store.db) == recorded[-1].name
    store.close()


def _with_data(path: Path) -> None:
    store = open_store(path)
    store.add(Customer(name="Acme"))
    store.close()


def test_upgrade_keeps_data_and_copies_the_file_aside(tmp_path: Path) -> None:
    path = tmp_path / "db.db"
    _with_data(path)
    before = dump_of(path)
    upgrade = [*shipped_migrations(), ("9000_rating", "ALTER TABLE customers ADD rating INTEGER;")]
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, path, upgrade) == ["9000_rating"]
    assert [r["name"] for r in fetch_all(conn, "SELECT name FROM customers")] == ["Acme"]
    assert "rating" in Database(conn)["customers"].columns_dict
    assert schema_version(conn) == "9000_rating"
    conn.close()
    backup = tmp_path / "db.db.before-9000_rating"
    assert dump_of(backup) == before


def test_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.db"
    _with_data(path)
    db = Database(sqlite3.connect(path))
    db["_sqlite_migrations"].insert(
        {"migration_set": "workbench", "name": "9999_from_the_future", "applied_at": "2027"}
    )
    db.close()
    before = path.read_bytes()
    with pytest.raises(
        NewerDatabaseError, match=r"newer Workbench \(schema 9999_from_the_future\)"
    ):
        open_store(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.before-*"))


def test_failing_migration_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "db.db"
    _with_data(path)
    before = dump_of(path)
    broken = [
        *shipped_migrations(),
        ("9000_fine", "ALTER TABLE customers ADD rating INTEGER;"),
        ("9001_broken", "ALTER TABLE no_such_table ADD x INTEGER;"),
    ]
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(MigrationError, match="left as it was; a copy from before is at"):
        migrate(conn, path, broken)
    conn.close()
    assert dump_of(path) == before
