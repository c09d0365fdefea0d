"""The bundle file: a header saying what it holds, then change rows.

Everything in a bundle is untrusted: the models are strict (no unknown
fields, no type coercion), entities and fields must be ones this version
knows, and the body's sha256 must match the header. See
docs/bundle-format.md; `workbench bundle-schema` prints the JSON Schema.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from workbench.store.schema import ENTITIES

FORMAT = "workbench-bundle"
FORMAT_VERSION = 1
MAX_BYTES = 256 * 1024 * 1024  # a bundle file larger than this is refused unread
MAX_VALUE_CHARS = 100_000  # one field's JSON value

DeviceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,64}$")]
ChangeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,64}:[1-9][0-9]{0,17}$")]
HlcText = Annotated[str, StringConstraints(pattern=r"^\d{15}-[0-9a-f]{4}-[A-Za-z0-9_]{1,64}$")]
RowId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


class Change(BaseModel):
    """One changed field: `origin:seq` names it; `prev` the changes it supersedes."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    origin: DeviceId
    seq: int = Field(ge=1, le=10**18)
    hlc: HlcText
    entity: str
    row_id: RowId
    field: str
    value: Any = None  # the field's value as JSON (a record's column value, or a group)
    prev: list[ChangeId] | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _known_field(self) -> Change:
        entity = ENTITIES.get(self.entity)
        if entity is None:
            raise ValueError(f"unknown entity {self.entity!r}")
        if self.field not in entity.fields:
            raise ValueError(f"{self.entity} has no field {self.field!r}")
        if len(json.dumps(self.value, ensure_ascii=False)) > MAX_VALUE_CHARS:
            raise ValueError(f"a value of {self.entity}.{self.field} is too large")
        return self

    @property
    def id(self) -> str:
        return f"{self.origin}:{self.seq}"


class Header(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    format: Literal["workbench-bundle"]
    format_version: int
    schema_version: str
    bundle_id: str = Field(max_length=64)
    origin: DeviceId
    rep: str | None = Field(default=None, max_length=200)
    kind: Literal["full", "incremental"]
    known: dict[DeviceId, int]  # the highest seq of each device the exporter holds
    created_at: datetime
    hlc_min: HlcText | None
    hlc_max: HlcText | None
    count: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Bundle(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    header: Header
    changes: list[Change]


def body_digest(changes: list[dict[str, Any]]) -> str:
    """The sha256 of the changes in one canonical JSON form, so the check does
    not depend on how the file was laid out."""
    text = json.dumps(changes, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def json_schema() -> dict[str, Any]:
    return Bundle.model_json_schema()
