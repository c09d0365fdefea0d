"""The bundle models refuse anything but well-formed, known changes."""

import json

import pytest
from pydantic import ValidationError

from workbench.sync.bundle import Change, body_digest, json_schema

GOOD = {"origin": "dev1", "seq": 1, "hlc": "001795397400000-0000-dev1",
        "entity": "customers", "row_id": "c1", "field": "name", "value": "Acme",
        "prev": None}  # fmt: skip


def test_a_good_change() -> None:
    change = Change.model_validate_json(json.dumps(GOOD))
    assert change.id == "dev1:1" and change.value == "Acme"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"entity": "users"}, "unknown entity 'users'"),
        ({"field": "password"}, "customers has no field 'password'"),
        ({"seq": "1"}, "Input should be a valid integer"),
        ({"hlc": "yesterday"}, "should match pattern"),
        ({"extra": 1}, "Extra inputs are not permitted"),
        ({"prev": ["not an id"]}, "should match pattern"),
        ({"value": "x" * 100_001}, "too large"),
    ],
)
def test_bad_changes_are_refused(bad: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Change.model_validate_json(json.dumps(GOOD | bad))


def test_the_digest_ignores_layout_not_content() -> None:
    assert body_digest([GOOD]) == body_digest([dict(reversed(list(GOOD.items())))])
    assert body_digest([GOOD]) != body_digest([GOOD | {"value": "Acme Ltd"}])


def test_the_schema_names_every_part() -> None:
    schema = json_schema()
    assert {"header", "changes"} <= set(schema["properties"])
    assert schema["$defs"]["Change"]["additionalProperties"] is False
