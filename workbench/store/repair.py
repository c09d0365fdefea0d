"""Putting right what an older Workbench wrote, once, after the migration
that comes with the fix. (This module loads only when a migration ran: it
brings the record models, which the first screen does without.)

- 0009: before it, a new record's fields holding 0 were left out of the
  change log (0 == False, and unset fields are not logged): the writer's
  table said 0, every other device got nothing (a deal at 0% took its
  stage's probability there, a 0-minute call had no duration). The writer
  logs those zeros now, so its next bundle carries them.
- 0010: records that arrived half-made (their creation never came, or a
  zero was missing) sat in the tables and broke the panes that read them;
  they are held aside like any record that arrives incomplete now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from workbench.store.database import Store
from workbench.store.incomplete import hold_incomplete
from workbench.store.schema import ENTITIES, Entity, plain_types


def repair(store: Store, applied: list[str]) -> None:
    """Run the repairs that come with the migrations just applied."""
    for name in applied:
        if step := _REPAIRS.get(name):
            step(store)


def log_unlogged_zeros(store: Store) -> None:
    """Log each whole-number field that holds 0 in its table but has no change."""
    with store.transaction():
        for entity in ENTITIES.values():
            for field, column in _whole_number_fields(entity):
                rows = store.db.execute(
                    f"SELECT id FROM {entity.name} t WHERE typeof({column}) = 'integer' "
                    f"AND {column} = 0 AND NOT EXISTS (SELECT 1 FROM changes c "
                    "WHERE c.entity = ? AND c.row_id = t.id AND c.field = ?)",
                    [entity.name, field],
                ).fetchall()
                for (row_id,) in rows:
                    store.write_fields(entity, row_id, {field: 0})


def hold_incomplete_records(store: Store) -> None:
    with store.transaction():
        for entity in ENTITIES.values():
            hold_incomplete(store.db, entity)


def _whole_number_fields(entity: Entity) -> Iterator[tuple[str, str]]:
    """(field, column) of the fields of one column that hold a whole number."""
    for field, columns in entity.fields.items():
        annotation = entity.model.model_fields[columns[0]].annotation
        if len(columns) == 1 and int in plain_types(annotation):
            yield field, columns[0]


_REPAIRS: dict[str, Callable[[Store], None]] = {
    "0009_seeded_stages": log_unlogged_zeros,
    "0010_incomplete_records": hold_incomplete_records,
}
