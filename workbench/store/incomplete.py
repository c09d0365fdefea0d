"""Records held aside until they are whole.

A table only holds records that have every column their model cannot be
without (`Entity.required`). One that arrives in part, because its creation
is in a bundle not here yet, or because a broken peer sent a stray field,
waits in the `incomplete` list with its changes in the log, and joins its
table when the rest arrives. Until then no pane or command sees it: none of
them has to cope with a stage without a label or a deal without a currency.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from workbench.store.schema import Entity


def missing(entity: Entity, row: dict[str, Any]) -> list[str]:
    """The required columns a row leaves empty."""
    return [column for column in entity.required if row.get(column) is None]


def hold_incomplete(
    db: sqlite3.Connection, entity: Entity, among: str = "", params: Sequence[Any] = ()
) -> int:
    """Move the rows of `entity` that lack a required column (of those whose
    id `among`, a subquery given `params`, selects) from its table to the
    incomplete list; return how many."""
    where = " OR ".join(f"{column} IS NULL" for column in entity.required)
    where = f"({where})" + (f" AND id IN ({among})" if among else "")
    db.execute(f"INSERT OR IGNORE INTO incomplete SELECT ?, id FROM {entity.name} WHERE {where}",
               [entity.name, *params])  # fmt: skip
    return db.execute(f"DELETE FROM {entity.name} WHERE {where}", params).rowcount


def count_incomplete(db: sqlite3.Connection) -> int:
    (count,) = db.execute("SELECT count(*) FROM incomplete").fetchone()
    return int(count)
