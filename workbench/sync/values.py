"""What a change's value may be: exactly what the record model accepts for
that field from JSON, strictly (a number is not a string, a date is ISO text).

A value is stored as a local write would store it: "2026-12-03T23:30:00-10:00"
as "2026-12-04T09:30:00Z", so times sort as times everywhere.

Text from another rep's bundle is untrusted. Control characters (terminal
escape codes) become visible symbols first (ESC shows as ␛), so a name can
neither move the cursor nor be refused for holding one: it arrives as the
literal text it was. Half a surrogate pair (which UTF-8 cannot hold) becomes
the replacement character, �. Markup needs nothing here: screens show text
as text.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Annotated, Any

from pydantic import ConfigDict, TypeAdapter, ValidationError, create_model

from workbench.i18n import tr
from workbench.store.log_text import json_text
from workbench.store.schema import ENTITIES

# C0 controls and DEL have Unicode pictures (U+2400…); C1 controls do not. A
# lone surrogate (a JSON escape like "\\ud800" with no pair) is no text at all.
_PICTURES = {code: 0x2400 + code for code in range(32)} | {0x7F: 0x2421}
_PICTURES |= {code: 0xFFFD for code in [*range(0x80, 0xA0), *range(0xD800, 0xE000)]}
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_KEEP_LINES = {code: picture for code, picture in _PICTURES.items() if chr(code) not in "\n\t"}


def literal(value: Any, multiline: bool) -> Any:
    """`value` with the control characters in its text made visible."""
    if isinstance(value, str):
        if not _ANY_CONTROL.search(value):  # nearly always: skip the slow translate
            return value
        return value.translate(_KEEP_LINES if multiline else _PICTURES)
    if isinstance(value, list):
        return [literal(item, multiline) for item in value]
    if isinstance(value, dict):
        return {key: literal(item, multiline) for key, item in value.items()}
    return value


class Check:
    """The check for one entity's field: its model type, strict, from JSON."""

    def __init__(self, entity: str, field: str) -> None:
        model, columns = ENTITIES[entity].model, ENTITIES[entity].fields[field]
        infos = {column: model.model_fields[column] for column in columns}
        if len(columns) == 1:
            info = infos[columns[0]]
            item: Any = Annotated[info.annotation, info]
        else:  # a group of columns travels as one object with exactly those keys
            item = _group(entity, field, infos)
        self.adapter: TypeAdapter[list[Any]] = TypeAdapter(list[item])
        self.multiline = _accepts(self.adapter, [_group_sample(columns, "a\nb")])

    def clean(self, values: list[Any]) -> list[str]:
        """The values made literal and checked, as JSON texts in the form a
        local write stores them (times in UTC, text stripped, periods and
        stage keys in their one spelling); ValidationError (with item
        indexes) if any is not what the field holds."""
        texts = [json_text(literal(value, self.multiline)) for value in values]
        checked = self.adapter.validate_json("[" + ",".join(texts) + "]", strict=True)
        return [json_text(value) for value in self.adapter.dump_python(checked, mode="json")]


def _group(entity: str, field: str, infos: dict[str, Any]) -> Any:
    fields: Any = {column: (info.annotation, info) for column, info in infos.items()}
    return create_model(
        f"{entity}_{field}",
        __config__=ConfigDict(extra="forbid", strict=True),
        **fields,
    )


def _group_sample(columns: tuple[str, ...], text: str) -> Any:
    return text if len(columns) == 1 else dict.fromkeys(columns, text)


def _accepts(adapter: TypeAdapter[list[Any]], values: list[Any]) -> bool:
    try:
        adapter.validate_json(json.dumps(values), strict=True)
    except ValidationError:
        return False
    return True


@cache
def check_for(entity: str, field: str) -> Check:
    return Check(entity, field)


@cache
def id_check_for(entity: str) -> TypeAdapter[str] | None:
    """The check of a record id for a kind of record whose ids have a shape
    of their own (a stage's id is its key), None for the others."""
    model = ENTITIES[entity].model
    if "id" not in model.__annotations__:  # the Record's id, which RowId already checks
        return None
    info = model.model_fields["id"]
    shape: Any = Annotated[info.annotation, info]
    return TypeAdapter(shape)


def bad_id(entity: str, row_id: str) -> str | None:
    """What is wrong with `row_id` as the id of an `entity` record, if anything."""
    check = id_check_for(entity)
    try:
        if check is None or check.validate_python(row_id, strict=True) == row_id:
            return None
    except ValidationError as error:
        return str(error.errors()[0]["msg"]).removeprefix("Value error, ")
    return tr("{key!r} is not written as a stage key is", key=row_id)
