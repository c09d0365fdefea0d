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

Nearly every start finds nothing to do. That is decided by reading
sqlite-utils' own record of what it applied, with plain SQL: importing
sqlite-utils (click, pluggy, dateutil's parser) cost the start ~40 ms, so it
is loaded only when there is something to apply.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.domain.duplicates import match_keys
from workbench.domain.search import fold
from workbench.i18n import tr

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

MIGRATION_SET = "workbench"
# Where sqlite-utils' Migrations records what it applied (a test holds this
# to `Migrations.migrations_table`).
APPLIED_TABLE = "_sqlite_migrations"


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


def applied(conn: sqlite3.Connection) -> list[str]:
    """The names of the migrations this database has applied, in order."""
    if not _has_table(conn, APPLIED_TABLE):
        return []
    rows = conn.execute(
        f"SELECT name FROM {APPLIED_TABLE} WHERE migration_set = ? ORDER BY rowid",
        [MIGRATION_SET],
    )
    return [name for (name,) in rows]


def schema_version(conn: sqlite3.Connection) -> str | None:
    """The name of the latest migration applied, or None for an empty database."""
    done = applied(conn)
    return done[-1] if done else None


def migrate(
    conn: sqlite3.Connection,
    path: Path | None,
    migrations: Iterable[tuple[str, str]] | None = None,
) -> list[str]:
    """Apply pending migrations; return their names. `path` is where to copy
    the file aside first (None for a database that is not a file)."""
    register_functions(conn)
    known = list(migrations if migrations is not None else shipped_migrations())
    done = applied(conn)
    _refuse_newer(done, path, {name for name, _ in known})
    pending = [name for name, _ in known if name not in done]
    if not pending:
        return []
    from sqlite_utils import Database  # only now: see the module's docstring

    db = Database(conn, execute_plugins=False)
    backup = _copy_aside(conn, path, pending[0])
    try:
        with db.atomic():
            _registry(known).apply(db)
    except sqlite3.Error as error:
        said = tr("could not upgrade the database ({error}); it was left as it was", error=error)
        if backup:
            said += tr("; a copy from before is at {path}", path=backup)
        raise MigrationError(said) from error
    return pending


def register_functions(conn: sqlite3.Connection) -> None:
    """The Python functions the schema calls: without them a write to
    customers or contacts fails, as their triggers need them."""
    conn.create_function("wb_fold", 1, fold, deterministic=True)
    conn.create_function("wb_match_keys", 3, _match_keys_json, deterministic=True)


def _match_keys_json(name: str | None, email: str | None, phone: str | None) -> str:
    return json.dumps(match_keys(name, email, phone), ensure_ascii=False)


def _registry(migrations: Iterable[tuple[str, str]]) -> Migrations:
    from sqlite_utils import Migrations

    registry = Migrations(MIGRATION_SET)
    for name, sql in migrations:
        registry(name=name)(_runner(sql))
    return registry


def _runner(sql: str) -> Callable[[Database], None]:
    def run(db: Database) -> None:
        db.executescript(sql)

    return run


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name])
    return found.fetchone() is not None


def _refuse_newer(done: list[str], path: Path | None, known: set[str]) -> None:
    unknown = [name for name in done if name not in known]
    if unknown:
        where = path or tr("this database")
        raise NewerDatabaseError(
            tr(
                "{where} was written by a newer Workbench (schema {schema}); "
                "upgrade Workbench to open it. The file was not changed.",
                where=where,
                schema=unknown[-1],
            )
        )


def _copy_aside(conn: sqlite3.Connection, path: Path | None, first_pending: str) -> Path | None:
    if path is None or conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None:
        return None  # nothing worth keeping yet
    backup = path.with_name(f"{path.name}.before-{first_pending}")
    with sqlite3.connect(backup) as target:
        conn.backup(target)
    target.close()
    return backup
