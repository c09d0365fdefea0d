"""The bundle models refuse anything but well-formed, known changes."""

import json

import pytest
from pydantic import TypeAdapter, ValidationError

from workbench.sync.bundle import Change, Digest, json_schema

CHANGE: TypeAdapter[Change] = TypeAdapter(Change)

GOOD = {
    "origin": "dev1",
    "seq": 1,
    "hlc": "001795397400000-0000-dev1",
    "entity": "customers",
    "row_id": "c1",
    "field": "name",
    "value": "Acme",
    "prev": None,
}


def test_a_good_change() -> None:
    assert CHANGE.validate_json(json.dumps(GOOD)) == GOOD


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"seq": "1"}, "Input should be a valid integer"),
        ({"hlc": "yesterday"}, "should match pattern"),
        ({"extra": 1}, "Extra inputs are not permitted"),
        ({"prev": ["not an id"]}, "should match pattern"),
        ({"seq": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_changes_are_refused(bad: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CHANGE.validate_json(json.dumps(GOOD | bad))


def digest(*batches: list[str]) -> str:
    hashed = Digest()
    for batch in batches:
        hashed.add(batch)
    return hashed.hexdigest()


def test_the_digest_is_of_the_changes_as_written_joined_by_commas() -> None:
    import hashlib

    assert digest(["{}", "[1]"], [], ["2"]) == hashlib.sha256(b"[{},[1],2]").hexdigest()
    assert digest(["{}"], ["[1]"]) == digest(["{}", "[1]"])
    assert digest() == hashlib.sha256(b"[]").hexdigest()
    assert digest(['{"a":1}']) != digest(['{"a": 1}'])  # a checksum of the text, not the meaning


def test_the_schema_names_every_part() -> None:
    schema = json_schema()
    assert {"header", "changes"} <= set(schema["properties"])
    assert schema["$defs"]["Change"]["additionalProperties"] is False
    assert "customers" in schema["$defs"]["Change"]["properties"]["entity"]["enum"]


def test_the_documented_schema_is_the_one_the_importer_uses() -> None:
    from pathlib import Path

    page = (Path(__file__).parents[2] / "docs" / "bundle-format.md").read_text()
    documented = page.split("## JSON Schema", 1)[1].split("```json\n", 1)[1].split("```")[0]
    assert json.loads(documented) == json_schema(), "run: workbench bundle-schema"
