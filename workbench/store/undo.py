"""Undo: taking back what this device wrote in some transactions, as new
changes, so an undo reaches teammates like any edit.

A transaction is found in the change log by its clock stamp. Each field it
changed goes back to the value it held before (the change it superseded),
and a record it created is deleted (a tombstone: it stays in the Trash).
An undo never overwrites a newer value: if a field no longer holds what the
transaction wrote (a teammate's change came in since, or a conflict), it
refuses and changes nothing."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from workbench.domain.merge import FieldChange, resolve
from workbench.domain.models import entity_label, field_label
from workbench.i18n import tr
from workbench.store.claims import NO_OWNERS, own_devices, owned_fields
from workbench.store.database import Store
from workbench.store.schema import ENTITIES, Entity


class CannotUndo(Exception):
    """A field changed since the write being undone: undoing would overwrite that."""


def undo(store: Store, stamps: Sequence[str]) -> int:
    """Take back this device's transactions stamped `stamps` (in the order
    they were written), newest first, all or none. Returns how many records
    changed."""
    changed = 0
    with store.transaction():
        for stamp in reversed(stamps):
            written = _written(store, stamp)
            rows = {row_id for _, row_id in written}
            for (entity, row_id), ids in written.items():
                changed += _take_back(store, ENTITIES[entity], row_id, ids, rows)
    return changed


def _written(store: Store, stamp: str) -> dict[tuple[str, str], set[str]]:
    """{(entity, record id): ids of the changes} this device logged at `stamp`."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity, row_id, seq in store.db.execute(
        "SELECT entity, row_id, seq FROM changes WHERE origin = ? AND hlc = ? ORDER BY seq",
        [store.device, stamp],
    ):
        found[(entity, row_id)].add(f"{store.device}:{seq}")
    return found


def _take_back(store: Store, entity: Entity, row_id: str, ids: set[str], rows: set[str]) -> int:
    """Write back what the changes `ids` replaced in one record (`rows`: the
    records the same write touched, which go back with it)."""
    changes = store.field_changes(entity.name, row_id)
    owners = own_devices(store.db, entity.name, [row_id]).get(row_id, NO_OWNERS)
    before: dict[str, Any] = {}
    for field, of_field in changes.items():
        written = sorted((c for c in of_field if c.id in ids), key=lambda c: c.seq)
        if not written:
            continue
        rule = owners if field in owned_fields(entity.name) else NO_OWNERS
        if not _still_as_written(store.device, field, of_field, written[-1], rule):
            raise CannotUndo(_changed_since(store, entity, row_id, field))
        if len(_superseded(written)) > 1:
            raise CannotUndo(_settled(store, entity, row_id, field))
        before[field] = _value_before(entity, field, of_field, written, rule)
    if any(change.id in ids for change in changes.get("created_at", ())):
        before = {"deleted": True}  # it made the record: every record logs its creation
    if before.get("deleted") is True:  # (a creation or a restore taken back)
        _refuse_if_taken_since(store, entity, row_id, rows)
    store.write_fields(entity, row_id, before)
    return 1


def _still_as_written(
    device: str, field: str, changes: list[FieldChange], last: FieldChange, owners: frozenset[str]
) -> bool:
    """The field holds what `last` wrote, in no conflict, and no other
    computer wrote it without having seen `last` (a teammate who set the
    same value meanwhile set it too: an undo would overwrite them). Later
    changes of this computer's (an undo of a later write) may be there."""
    outcome = resolve(changes, field, owners)
    if outcome.conflicts or outcome.winner.value != last.value:
        return False
    seen = _ancestors(changes, last)
    return all(c.origin == device or c.id in seen or c is last for c in changes)


def _ancestors(changes: list[FieldChange], last: FieldChange) -> set[str]:
    """The ids of the changes `last` saw: those it superseded, and theirs."""
    by_id = {change.id: change for change in changes}
    seen: set[str] = set()
    todo = list(last.prev)
    while todo:
        if (change_id := todo.pop()) not in seen:
            seen.add(change_id)
            todo.extend(by_id[change_id].prev if change_id in by_id else ())
    return seen


def _superseded(written: list[FieldChange]) -> set[str]:
    ids = {change.id for change in written}
    return {old for change in written for old in change.prev} - ids


def _settled(store: Store, entity: Entity, row_id: str, field: str) -> str:
    return tr(
        "Not undone: that settled a conflict on the {field} of {what}; the values "
        "it chose between are not kept apart again. Change it by hand instead",
        field=field_label(entity.name, field),
        what=_named(store, entity, row_id),
    )


def _refuse_if_taken_since(store: Store, entity: Entity, row_id: str, rows: set[str]) -> None:
    """A customer or deal made by the write being undone that has records of
    its own since (a teammate's deal, a contact) is deleted with them, not
    left over them."""
    from workbench.store.trash import KINDS, taken_with

    kind = next((k for k, model in KINDS.items() if model.entity == entity.name), None)
    if kind is not None and any(r not in rows for _, r in taken_with(store, kind, row_id)):
        raise CannotUndo(
            tr(
                "Not undone: {what} has records of its own since; delete it (x), "
                "which takes them along, or keep it",
                what=_named(store, entity, row_id),
            )
        )


def _changed_since(store: Store, entity: Entity, row_id: str, field: str) -> str:
    what = _named(store, entity, row_id)
    if field == "deleted":
        changed = tr("{what} was deleted or restored since", what=what)
    else:
        changed = tr(
            "the {field} of {what} changed since", field=field_label(entity.name, field), what=what
        )
    return tr(
        "Not undone: {changed} (here or on a teammate's computer); undoing would "
        "overwrite that, so change it by hand",
        changed=changed,
    )


def _named(store: Store, entity: Entity, row_id: str) -> str:
    """A record as a rep knows it: its name or title, else its kind and id."""
    column = next((c for c in ("name", "title") if c in entity.columns), None)
    if column:
        found = store.db.execute(f"SELECT {column} FROM {entity.name} WHERE id = ?", [row_id])
        if (row := found.fetchone()) and row[0]:
            return repr(row[0])
    return f"{entity_label(entity.name)} {row_id[:8]}"


def _value_before(
    entity: Entity,
    field: str,
    changes: list[FieldChange],
    written: list[FieldChange],
    owners: frozenset[str],
) -> Any:
    """The field's value before `written`: the changes they superseded (by the
    merge rule, if several), or no value if they were its first."""
    superseded = _superseded(written)
    earlier = [change for change in changes if change.id in superseded]
    if not earlier:
        return _no_value(entity, field)
    value = resolve(earlier, field, owners).winner.value
    return json.loads(value) if value else None


def _no_value(entity: Entity, field: str) -> Any:
    """What a record without a change of `field` holds (see insert_from_changes_sql)."""
    if field in entity.json_columns:
        return []
    return False if field == "deleted" else None
