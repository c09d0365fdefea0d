"""Conflicts: values written on two devices without either seeing the other.

The record shows the later one; the other waits here, with who wrote each
and when, until a rep keeps one of them. Keeping writes a change that
supersedes both, so the choice travels in the next bundle and settles the
conflict on every device.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.domain.hlc import Stamp
from workbench.domain.money import format_money
from workbench.i18n import later, tr
from workbench.store.database import Store
from workbench.store.schema import ENTITIES
from workbench.sync.export import PEER_KEY

# How each kind of record is named in the list (SQL over our own columns).
_LABELS = {
    "reps": "name",
    "customers": "name",
    "contacts": "name",
    "stages": "label",
    "deals": "title",
    "stage_history": "from_stage || ' → ' || to_stage",
    "activities": "kind || ' ' || substr(at, 1, 10)",
    "follow_ups": "title",
    "targets": "metric || ' ' || period",
}
_KINDS = {"reps": later("rep"), "customers": later("customer"), "contacts": later("contact"),
          "stages": later("stage"), "deals": later("deal"), "stage_history": later("stage move"),
          "activities": later("activity"), "follow_ups": later("follow-up"),
          "targets": later("target")}  # fmt: skip


@dataclass(frozen=True)
class Side:
    """One of the values in a conflict, and where it came from."""

    value: Any
    origin: str
    seq: int
    rep: str  # who wrote it (their name, or the device id if unknown here)
    at: datetime

    @property
    def text(self) -> str:
        return show_value(self.value)


@dataclass(frozen=True)
class Conflict:
    entity: str
    row_id: str
    field: str
    label: str  # the record's name
    shown: Side  # the value the record holds
    other: Side  # the one that lost

    @property
    def kind(self) -> str:
        """What kind of record it is, in the chosen language."""
        return tr(_KINDS[self.entity])


def count_conflicts(store: Store) -> int:
    (count,) = store.db.execute("SELECT count(*) FROM conflicts").fetchone()
    return int(count)


def list_conflicts(store: Store) -> list[Conflict]:
    """Every open conflict, the most recent first."""
    rows = store.db.execute(
        "SELECT k.entity, k.row_id, k.field, w.origin, w.seq, w.hlc, w.value, "
        "l.origin, l.seq, l.hlc, l.value FROM conflicts k "
        "JOIN changes w ON w.origin = k.winner_origin AND w.seq = k.winner_seq "
        "JOIN changes l ON l.origin = k.origin AND l.seq = k.seq "
        "ORDER BY w.hlc DESC, k.entity, k.row_id, k.field, l.hlc DESC"
    ).fetchall()
    names = _writers(store)
    return [
        Conflict(row[0], row[1], row[2], _label(store, row[0], row[1]),
                 _side(names, *row[3:7]), _side(names, *row[7:11]))
        for row in rows
    ]  # fmt: skip


def keep(store: Store, conflict: Conflict, side: Side) -> None:
    """Settle a conflict with one of its values, here and, by sync, everywhere."""
    store.write_fields(ENTITIES[conflict.entity], conflict.row_id, {conflict.field: side.value})


def show_value(value: Any) -> str:
    if isinstance(value, dict) and {"amount", "currency"} <= value.keys():
        return format_money(value["amount"] or 0, value["currency"] or "", cents=True)
    if isinstance(value, dict):
        return " ".join(str(part) for part in value.values() if part is not None) or "—"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "—" if value is None or value == "" else str(value)


def _side(names: dict[str, str], origin: str, seq: int, hlc: str, value: str) -> Side:
    return Side(json.loads(value), origin, seq, names.get(origin, origin),
                Stamp.parse(hlc).moment())  # fmt: skip


def _label(store: Store, entity: str, row_id: str) -> str:
    found = store.db.execute(
        f"SELECT {_LABELS[entity]} FROM {entity} WHERE id = ?", [row_id]
    ).fetchone()
    return str(found[0]) if found and found[0] is not None else row_id


def _writers(store: Store) -> dict[str, str]:
    """{device: the name of the rep who writes on it}, from what we know."""
    peers = store.db.execute("SELECT key, value FROM local_state WHERE key LIKE 'peer:%'")
    names = {key.removeprefix(PEER_KEY): json.loads(value).get("rep") for key, value in peers}
    names |= dict(store.db.execute(
        "SELECT d.origin, r.name FROM devices d JOIN reps r ON r.id = d.rep_id"
    ).fetchall())  # fmt: skip
    return {device: name for device, name in names.items() if name}
