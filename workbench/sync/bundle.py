"""The bundle file: a header saying what it holds, then change rows.

Everything in a bundle is untrusted: the models are strict (no unknown
fields, no type coercion), entities and fields must be ones this version
knows, each value must be what its record model accepts (`values`), and the
body's sha256 must match the header. See
docs/bundle-format.md; `workbench bundle-schema` prints the JSON Schema.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from workbench.store.schema import ENTITIES

FORMAT = "workbench-bundle"
FORMAT_VERSION = 1
# Limits that refuse absurd files before they cost memory or disk. The 100k-customer
# demo's whole log (15.5M changes) is 3.3 GB of text, 0.3 GB compressed.
MAX_FILE_BYTES = 2 << 30  # the file as stored (compressed or not)
MAX_TEXT_CHARS = 8 << 30  # its JSON text, once decompressed
MAX_CHANGE_CHARS = 120_000  # one change object's text (a long note is 20,000 characters)

DeviceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,64}$")]
ChangeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,64}:[1-9][0-9]{0,17}$")]
HlcText = Annotated[str, StringConstraints(pattern=r"^\d{15}-[0-9a-f]{4}-[A-Za-z0-9_]{1,64}$")]
RowId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


# A TypedDict, not a model: a bundle holds millions, and checking one costs a
# third as much. That the entity and field exist, and that the value fits the
# field, the reader checks per field (`values.Check`).
class Change(TypedDict):
    """One changed field of one record. `origin:seq` names the change; `prev`
    lists the changes of the same field it supersedes; `value` is the field's
    new value as JSON (columns that change together, like a deal's amount and
    currency, are one object)."""

    __pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[misc]

    origin: DeviceId
    seq: Annotated[int, Field(ge=1, le=10**18)]
    hlc: HlcText
    entity: Annotated[str, Field(json_schema_extra={"enum": sorted(ENTITIES)})]
    row_id: RowId
    field: str
    value: NotRequired[Any]  # the field's value as JSON (a column's value, or a group's)
    prev: NotRequired[Annotated[list[ChangeId] | None, Field(max_length=1000)]]


class Header(BaseModel):
    """What the bundle holds and who wrote it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    format: Literal["workbench-bundle"]
    format_version: int = Field(description="This layout's version; a newer one is refused")
    schema_version: str = Field(description="The writer's last database migration")
    bundle_id: str = Field(max_length=64)
    origin: DeviceId = Field(description="The device that wrote the bundle")
    rep: str | None = Field(default=None, max_length=200, description="Its rep's name")
    kind: Literal["full", "incremental"]
    known: dict[DeviceId, int] = Field(
        description="Per device, the writer holds every change of it up to this seq"
    )
    devices: dict[DeviceId, RowId] = Field(
        default_factory=dict, description="Per device, the id of the rep who writes on it"
    )
    created_at: datetime
    hlc_min: HlcText | None = Field(description="The earliest change's clock stamp")
    hlc_max: HlcText | None = Field(description="The latest change's clock stamp")
    count: int = Field(ge=0, description="How many changes follow")
    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="Of '[', the change objects' text as in the file joined by ',', and ']'",
    )
    team: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{12}$", description="The writer's team (none: in no team)"
    )
    hmac: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="HMAC-SHA256, with the key derived from the team's passphrase, of the "
        "header's other keys as JSON with sorted keys and no spaces",
    )

    # The header's JSON object as the file holds it: what the team's
    # signature is of (so any tool can check it without our models).
    _as_written: dict[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def from_text(cls, text: str) -> Header:
        """The header in `text`, checked (ValidationError if it is wrong)."""
        header = cls.model_validate_json(text, strict=True)
        header._as_written = json.loads(text)
        return header

    @property
    def as_written(self) -> dict[str, Any]:
        return self._as_written


class Bundle(BaseModel):
    """A Workbench sync bundle: the header, then the changes."""

    model_config = ConfigDict(extra="forbid", strict=True)

    header: Header
    changes: list[Change]


class Digest:
    """The body's sha256: of `[`, the change objects' text exactly as in the
    file joined by `,`, and `]` (UTF-8). Whitespace between changes does not
    count, so the check does not depend on how the list was broken into lines."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256(b"[")
        self._first = True

    def add(self, texts: list[str]) -> None:
        if texts:
            joined = ",".join(texts)
            self._hash.update((joined if self._first else "," + joined).encode())
            self._first = False

    def hexdigest(self) -> str:
        final = self._hash.copy()
        final.update(b"]")
        return final.hexdigest()


def json_schema() -> dict[str, Any]:
    return Bundle.model_json_schema()
