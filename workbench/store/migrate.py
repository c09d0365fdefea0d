"""Bringing a database file up to this version's schema.

`migrations/NNNN_name.sql` files (shipped as `workbench.migrations`) are
registered in order with sqlite-utils' `Migrations`, which records each one
it applies. Around it we add what it lacks:
- a database that has applied a migration we do not know was written by a
  newer Workbench: refuse it before touching the file;
- copy the file aside (SQLite's backup API, so WAL content is included)
  before changing anything;
- apply all pending migrations in one transaction, so a failure leaves the
  file exactly as it was;
- register the SQL functions the schema's views and triggers call (see
  `register_functions`) on the connection, first, so every connection that
  goes through here can read and write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path

from sqlite_utils import Database, Migrations

from workbench.domain.duplicates import match_keys
from workbench.domain.search import fold

MIGRATION_SET = "workbench"


class MigrationError(Exception):
    """The database could not be brought up to date; the message says what to do."""


class NewerDatabaseError(MigrationError):
    pass


def shipped_migrations() -> list[tuple[str, str]]:
    """(name, sql) for every migration file, in order."""
    found = [
        (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in files("workbench.migrations").iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(found)


def _runner(sql: str) -> Callable[[Database], None]:
    def run(db: Database) -> None:
        db.executescript(sql)

    return run


def build(migrations: Iterable[tuple[str, str]]) -> Migrations:
    registry = Migrations(MIGRATION_SET)
    for name, sql in migrations:
        registry(name=name)(_runner(sql))
    return registry


def schema_version(db: Database) -> str | None:
    """The name of the latest migration applied, or None for an empty database."""
    applied = build([]).applied(db)
    return applied[-1].name if applied else None


def migrate(
    db: Database,
    path: Path | None,
    migrations: Iterable[tuple[str, str]] | None = None,
) -> list[str]:
    """Apply pending migrations; return their names. `path` is where to copy
    the file aside first (None for a database that is not a file)."""
    register_functions(db.conn)
    known = list(migrations if migrations is not None else shipped_migrations())
    registry = build(known)
    _refuse_newer(registry, db, path, {name for name, _ in known})
    pending = [migration.name for migration in registry.pending(db)]
    if not pending:
        return []
    backup = _copy_aside(db, path, pending[0])
    try:
        with db.atomic():
            registry.apply(db)
    except sqlite3.Error as error:
        kept = f"; a copy from before is at {backup}" if backup else ""
        raise MigrationError(
            f"could not upgrade the database ({error}); it was left as it was{kept}"
        ) from error
    return pending


def register_functions(conn: sqlite3.Connection) -> None:
    """The Python functions the schema calls: without them a write to
    customers or contacts fails, as their triggers need them."""
    conn.create_function("wb_fold", 1, fold, deterministic=True)
    conn.create_function("wb_match_keys", 3, _match_keys_json, deterministic=True)


def _match_keys_json(name: str | None, email: str | None, phone: str | None) -> str:
    return json.dumps(match_keys(name, email, phone), ensure_ascii=False)


def _refuse_newer(registry: Migrations, db: Database, path: Path | None, known: set[str]) -> None:
    unknown = [m.name for m in registry.applied(db) if m.name not in known]
    if unknown:
        where = path or "this database"
        raise NewerDatabaseError(
            f"{where} was written by a newer Workbench (schema {unknown[-1]}); "
            "upgrade Workbench to open it. The file was not changed."
        )


def _copy_aside(db: Database, path: Path | None, first_pending: str) -> Path | None:
    if path is None or not db.table_names():
        return None  # nothing worth keeping yet
    backup = path.with_name(f"{path.name}.before-{first_pending}")
    with sqlite3.connect(backup) as target:
        db.conn.backup(target)
    target.close()
    return backup
