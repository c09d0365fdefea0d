"""Which entities and fields exist, and how a record maps to a table row
and to change-log values.

This is the one list of names that SQL is built from: table and column names
come from here (our models), never from input. Sync uses it to refuse
unknown entities and fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from workbench.domain.models import MODELS, Record
from workbench.store.log_text import json_text

# Fields that change together travel as one value in the change log, so a
# concurrent edit can never pair one rep's amount with another's currency.
GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "deals": {"amount": ("amount", "currency")},
    "targets": {"amount": ("amount", "currency")},
    "follow_ups": {"due": ("due_date", "due_time")},
}
# Columns holding a list, stored as JSON text.
_JSON_COLUMNS = {"customers": frozenset({"tags"})}
# Not logged: the id names the row; updated_at is derived from the log.
_UNLOGGED = {"id", "updated_at"}


@dataclass(frozen=True)
class Entity:
    name: str
    model: type[Record]
    columns: tuple[str, ...]  # every table column but updated_at
    fields: dict[str, tuple[str, ...]]  # change-log field -> the columns it carries
    json_columns: frozenset[str]
    required: tuple[str, ...]  # columns a whole record never leaves empty (NULL)

    def values(self, dump: dict[str, Any]) -> dict[str, Any]:
        """A record's change-log values, {field: JSON-ready value}, from its `dump`."""
        return {
            field: dump[cols[0]] if len(cols) == 1 else {col: dump[col] for col in cols}
            for field, cols in self.fields.items()
        }

    def encode(self, columns: dict[str, Any]) -> dict[str, Any]:
        """JSON-ready column values as SQLite stores them (lists as JSON, flags as 0/1)."""
        row = dict(columns)
        for column in self.json_columns & row.keys():
            row[column] = json_text(row[column] or [])
        if "deleted" in row:
            row["deleted"] = int(bool(row["deleted"]))
        return row

    def columns_of(self, field: str, value: Any) -> dict[str, Any]:
        """The columns a change-log value sets (the inverse of `values`)."""
        cols = self.fields[field]
        if len(cols) == 1:
            return {cols[0]: value}
        value = value or {}
        return {col: value.get(col) for col in cols}


def _entity(name: str, model: type[Record]) -> Entity:
    columns = tuple(f for f in model.model_fields if f != "updated_at")
    grouped = GROUPS.get(name, {})
    in_group = {col for cols in grouped.values() for col in cols}
    fields = {col: (col,) for col in columns if col not in _UNLOGGED and col not in in_group}
    json_columns = _JSON_COLUMNS.get(name, frozenset())
    required = tuple(
        column
        for column in columns
        if column not in ("id", "deleted", *json_columns)  # never NULL in a table
        and None not in plain_types(model.model_fields[column].annotation)
    )
    return Entity(name, model, columns, fields | grouped, json_columns, required)


def plain_types(annotation: Any) -> set[Any]:
    """The plain types an annotation admits: `Probability | None` gives {int, NoneType}."""
    if get_origin(annotation) is Annotated:
        return plain_types(get_args(annotation)[0])
    if isinstance(annotation, UnionType) or get_origin(annotation) is Union:
        return set().union(*(plain_types(arg) for arg in get_args(annotation)))
    return {None if annotation is type(None) else annotation}


ENTITIES: dict[str, Entity] = {name: _entity(name, model) for name, model in MODELS.items()}


def entity_of(model: type[Record]) -> Entity:
    return ENTITIES[model.entity]


def dump(record: Record) -> dict[str, Any]:
    """A record as JSON-ready column values (the form change-log values take)."""
    return record.model_dump(mode="json", exclude={"updated_at"})


def decode(entity: Entity, row: dict[str, Any]) -> dict[str, Any]:
    """A table row as model input: JSON columns parsed back into lists."""
    data = dict(row)
    for column in entity.json_columns & data.keys():
        data[column] = json.loads(data[column] or "[]")
    return data
