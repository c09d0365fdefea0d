"""Reading rows: one at a time, or packed into one JSON text, the same answer."""

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.store.database import Store, fetch_all, fetch_packed, open_store

# What the panes' columns hold: text, whole numbers (money, dates as text), NULL.
VALUES = st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.text())


@dataclass
class Row:
    n: int
    first: object
    second: object


@given(st.lists(st.tuples(VALUES, VALUES), max_size=30))
def test_packed_rows_are_the_rows_in_their_order(rows: list[tuple[object, object]]) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, a, b)")
    db.executemany("INSERT INTO t (a, b) VALUES (?, ?)", rows)
    sql = "SELECT n, b AS second, a AS first FROM t WHERE n > :low ORDER BY n DESC"
    assert fetch_packed(db, sql, {"low": 0}, Row) == fetch_all(db, sql, {"low": 0})


def test_no_rows_packed_is_an_empty_list() -> None:
    db = sqlite3.connect(":memory:")
    assert fetch_packed(db, "SELECT 1 AS n, 2 AS first, 3 AS second WHERE 0", (), Row) == []


def test_a_column_the_row_names_but_the_query_lacks_is_an_error() -> None:
    db = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError, match=r"no such column: r\.second"):
        fetch_packed(db, "SELECT 1 AS n, 2 AS first", (), Row)


def test_a_reader_reads_beside_the_store_and_refuses_writes(tmp_path: Path) -> None:
    store: Store = open_store(tmp_path / "db.db")
    reader = store.reader()
    with store.transaction():  # a write under way does not stop the reader (WAL)
        store.db.execute("INSERT INTO local_state VALUES ('k', 'v')")
        found: list[object] = []
        thread = threading.Thread(target=lambda: found.append(reader.settings()))
        thread.start()
        thread.join(5)
        assert found == [store.settings()]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.db.execute("INSERT INTO local_state VALUES ('x', 'y')")
    reader.close()
    store.close()
