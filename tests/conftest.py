"""Shared fixtures: a pinned clock and a fresh store per test.

The language is chosen here, before any screen module loads (their key
descriptions are made then): WORKBENCH_LANG, else English whatever the
machine's locale, so tests read the same everywhere. `make test` runs the
suite in English, then tests/zh with WORKBENCH_LANG=zh_CN."""

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench import i18n

i18n.choose(os.environ.get("WORKBENCH_LANG") or i18n.ENGLISH)

from workbench.domain.clock import FixedClock  # noqa: E402  (after the language)
from workbench.domain.models import Customer, Rep  # noqa: E402
from workbench.store import database, migrate  # noqa: E402
from workbench.store.database import Store, open_store  # noqa: E402

TODAY = "2026-11-23"


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's config or database."""
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("WORKBENCH_NOW", f"{TODAY}T09:30:00+08:00")
    monkeypatch.setenv("WORKBENCH_LANG", i18n.language())  # commands the tests run speak it too


@pytest.fixture(scope="session")
def _migrated() -> Iterator[sqlite3.Connection]:
    """An empty database with every migration applied, once per run."""
    template = sqlite3.connect(":memory:", check_same_thread=False)
    migrate.migrate(template, None)
    yield template
    template.close()


@pytest.fixture(autouse=True)
def _new_databases_from_the_template(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, _migrated: sqlite3.Connection
) -> None:
    """A new database starts as a copy of the template: the same tables,
    seeds and record of migrations, and the same names handed to the
    repairs, in ~3 ms instead of ~80 (some 650 stores a run). The migration
    tests migrate for real."""
    if request.module.__name__.endswith("test_migrate"):
        return
    real = database.migrate

    def from_template(
        conn: sqlite3.Connection, path: Path | None, migrations: object = None
    ) -> list[str]:
        empty = not conn.execute("SELECT 1 FROM sqlite_master").fetchone()
        if migrations is not None or not empty:  # (another program's file: as the app does)
            return real(conn, path, migrations)  # type: ignore[arg-type]
        _migrated.backup(conn)
        migrate.register_functions(conn)
        return [name for name, _ in migrate.shipped_migrations()]

    monkeypatch.setattr(database, "migrate", from_template)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.at(f"{TODAY}T09:30:00+08:00")


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    opened = open_store(tmp_path / "test.db", clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def me(store: Store) -> Rep:
    rep = store.add(Rep(name="Li Wei"))
    settings = store.settings()
    settings.me = rep.id
    store.save_settings(settings)
    return rep


@pytest.fixture
def acme(store: Store, me: Rep) -> Customer:
    return store.add(Customer(name="Acme Pumps", tier="A", phone="+86 21 5555 0100"))


@pytest.fixture
def clocks() -> tuple[FixedClock, FixedClock]:
    """The clocks of two replicas, both at the tests' now."""
    return FixedClock.at(f"{TODAY}T09:30:00+08:00"), FixedClock.at(f"{TODAY}T09:30:00+08:00")


@pytest.fixture
def pair(tmp_path: Path, clocks: tuple[FixedClock, FixedClock]) -> Iterator[tuple[Store, Store]]:
    """Two replicas, a and b, that have never synced."""
    a = open_store(tmp_path / "a.db", clock=clocks[0])
    b = open_store(tmp_path / "b.db", clock=clocks[1])
    yield a, b
    a.close()
    b.close()
