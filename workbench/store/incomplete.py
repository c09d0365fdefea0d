"""Records held aside until they are whole.

A table only holds records that have every column their model cannot be
without (`Entity.required`). One that arrives in part, because its creation
is in a bundle not here yet, or because a broken peer sent a stray field,
waits in the `incomplete` list with its changes in the log, and joins its
table when the rest arrives. Until then no pane or command sees it: none of
them has to cope with a stage without a label or a deal without a currency.

`workbench conflicts incomplete` lists what is held (what each record has,
what it lacks, who wrote it); one that can never be whole (a broken peer's
stray) is discarded there: a delete, which syncs like any other, so it joins
the trash, not the screens, if the rest of it ever arrives.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.domain.errors import NotYours
from workbench.domain.hlc import Stamp
from workbench.i18n import tr, tr_n
from workbench.store.database import Store
from workbench.store.schema import ENTITIES, Entity


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
    db.execute(
        f"INSERT OR IGNORE INTO incomplete SELECT ?, id FROM {entity.name} WHERE {where}",
        [entity.name, *params],
    )
    return db.execute(f"DELETE FROM {entity.name} WHERE {where}", params).rowcount


def count_incomplete(db: sqlite3.Connection) -> int:
    (count,) = db.execute("SELECT count(*) FROM incomplete").fetchone()
    return int(count)


@dataclass(frozen=True)
class Held:
    """A record held aside: the fields its changes set, those it cannot be
    without and lacks, and the devices that wrote them (the latest at `last`)."""

    entity: str
    row_id: str
    has: tuple[str, ...]
    lacks: tuple[str, ...]
    writers: tuple[str, ...]
    last: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "row_id": self.row_id,
            "has": list(self.has),
            "lacks": list(self.lacks),
            "devices": list(self.writers),
            "last": self.last.isoformat(),
        }


def list_held(store: Store) -> list[Held]:
    """The records held aside and not discarded, the latest written first."""
    held = []
    for entity_name, row_id in store.db.execute("SELECT entity, row_id FROM incomplete"):
        if found := _held(store, ENTITIES[entity_name], row_id):
            held.append(found)
    return sorted(held, key=lambda h: (h.last, h.entity, h.row_id), reverse=True)


def find_held(store: Store, text: str) -> list[Held]:
    """The held records whose id starts with `text`."""
    wanted = text.strip()
    return [held for held in list_held(store) if wanted and held.row_id.startswith(wanted)]


def held_aside(count: int) -> str:
    """What the Conflicts view and `workbench conflicts` say of held records."""
    return tr_n(
        "{count} record is held aside until the rest of it arrives: "
        "`workbench conflicts incomplete` lists it.",
        "{count} records are held aside until the rest of them arrives: "
        "`workbench conflicts incomplete` lists them.",
        count,
    )


def discard(store: Store, held: Held) -> None:
    """Delete a held record, here and, by sync, everywhere (not a teammate's
    rep record: only their computers change it)."""
    if held.entity == "reps" and held.row_id != store.me:
        raise NotYours(
            tr(
                "a rep's record is changed only on their own computers: it joins "
                "the others when the rest of it arrives"
            )
        )
    with store.transaction():  # (as sync's own writes are: the record is not whole)
        store.write_fields(ENTITIES[held.entity], held.row_id, {"deleted": True})


def _held(store: Store, entity: Entity, row_id: str) -> Held | None:
    latest: dict[str, tuple[str, str, Any]] = {}  # field -> (clock stamp, device, value)
    for hlc, origin, field, value in store.db.execute(
        "SELECT hlc, origin, field, value FROM changes WHERE entity = ? AND row_id = ?",
        [entity.name, row_id],
    ):
        if field in entity.fields and (field not in latest or hlc > latest[field][0]):
            latest[field] = (hlc, origin, json.loads(value))
    if not latest or latest.get("deleted", ("", "", False))[2] is True:
        return None  # discarded (its log went with a reset, or it was deleted)
    columns: dict[str, Any] = {}
    for field, (_, _, value) in latest.items():
        columns |= entity.columns_of(field, value)
    has = tuple(
        field
        for field in entity.fields
        if field in latest and any(columns[c] not in (None, "") for c in entity.fields[field])
    )
    empty = {column for column in entity.required if columns.get(column) is None}
    lacks = tuple(field for field, carried in entity.fields.items() if empty & set(carried))
    writers = tuple(sorted({origin for _, origin, _ in latest.values()}))
    last = max(hlc for hlc, _, _ in latest.values())
    return Held(entity.name, row_id, has, lacks, writers, Stamp.parse(last).moment())
