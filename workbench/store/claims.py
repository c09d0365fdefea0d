"""Whose computers a rep's are, as every replica knows it alike.

Each device says in the change log which rep it writes for (a DeviceClaim
whose id is the device id; an import refuses one written by another
device). A rep's own fields (`Rep.OWN_FIELDS`: name, e-mail, phone) take
their value from that rep's devices: another device's change is kept as a
conflict, never shown in their place (`merge.heads` with owners), and this
computer refuses to write one. A rep nobody has claimed yet (one a manager
imported from a spreadsheet) is anyone's to fill in, as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from workbench.lazy import lazy

if TYPE_CHECKING:
    import workbench.domain.models as models
else:
    models = lazy("workbench.domain.models")

NO_OWNERS: frozenset[str] = frozenset()


def owned_fields(entity: str) -> frozenset[str]:
    """The fields of a kind of record only its owners' devices change."""
    return models.Rep.OWN_FIELDS if entity == "reps" else NO_OWNERS


def own_devices(
    db: sqlite3.Connection, entity: str, row_ids: Sequence[str]
) -> dict[str, frozenset[str]]:
    """{record id: the devices that claim it}, for those of `row_ids` with any."""
    if entity != "reps" or not row_ids:
        return {}
    found: dict[str, set[str]] = {}
    marks = ", ".join("?" * len(row_ids))
    for rep_id, device in db.execute(
        f"SELECT rep_id, id FROM device_claims WHERE deleted = 0 AND rep_id IN ({marks})",
        list(row_ids),
    ):
        found.setdefault(rep_id, set()).add(device)
    return {rep_id: frozenset(devices) for rep_id, devices in found.items()}


def claimed_by(db: sqlite3.Connection, device: str) -> str | None:
    """The rep `device` says it writes for, if it has said."""
    found = db.execute(
        "SELECT rep_id FROM device_claims WHERE id = ? AND deleted = 0", [device]
    ).fetchone()
    return found[0] if found else None


def reps_claimed_in(db: sqlite3.Connection, devices_sql: str) -> list[str]:
    """Every rep the devices listed by `devices_sql` (a SELECT of device ids)
    have ever claimed: a claim that arrives or moves changes whose values
    their fields show."""
    return [
        rep_id
        for (rep_id,) in db.execute(
            "SELECT DISTINCT json_extract(value, '$') FROM changes WHERE entity = 'device_claims' "
            f"AND field = 'rep_id' AND row_id IN ({devices_sql}) AND value IS NOT NULL"
        )
    ]
