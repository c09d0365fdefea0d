"""A bad bundle is refused with one clear line, and the database keeps every
byte of its content."""

import gc
import gzip
import json
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from tests.sync.bundles import dump, read_bundle_file, replica, write_bundle
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, Deal
from workbench.store.database import Store
from workbench.sync import importer, reader
from workbench.sync.export import export_bundle
from workbench.sync.importer import import_bundle
from workbench.sync.reader import BundleError

Edit = Callable[[dict[str, Any], list[dict[str, Any]]], None]


@pytest.fixture(autouse=True, params=["staged", "straight into the log"])
def staging(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every refusal holds whether changes are staged apart or (as in a big
    first sync) go straight into the log."""
    if request.param != "staged":
        monkeypatch.setattr(importer, "BULK_CHANGES", 1)


@pytest.fixture
def sender(tmp_path: Path, clock: FixedClock) -> Store:
    store = replica(tmp_path, "sender", clock)
    acme = store.add(Customer(name="Acme", notes="first\nsecond"))
    store.add(Deal(customer_id=acme.id, title="Pumps", amount=500_00, currency="EUR", stage="lead"))
    return store


@pytest.fixture
def good(sender: Store, tmp_path: Path) -> Path:
    return export_bundle(sender, tmp_path / "good.json").path


def refused(store: Store, path: Path, message: str) -> None:
    before = dump(store)
    with pytest.raises(BundleError, match=message):
        import_bundle(store, path)
    assert dump(store) == before
    assert store.db.execute("SELECT name FROM temp.sqlite_master").fetchall() == []
    assert gc.isenabled(), "the import pauses the cycle collector, and a refusal resumes it"


def edited(good: Path, tmp_path: Path, edit: Edit, **fix: Any) -> Path:
    header, changes = read_bundle_file(good)
    edit(header, changes)
    return write_bundle(tmp_path / "edited.json", header, changes, **fix)


def test_the_good_bundle_is_accepted(store: Store, me: object, good: Path) -> None:
    assert import_bundle(store, good).new > 0  # so the refusals below refuse for their reason
    assert gc.isenabled()


def test_a_cut_short_file(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    text = good.read_text()
    for cut in (len(text) // 2, len(text) - 3, 40):
        path = tmp_path / f"cut{cut}.json"
        path.write_text(text[:cut])
        refused(store, path, "cut short")


def test_a_wrong_checksum(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    path = tmp_path / "altered.json"
    path.write_text(good.read_text().replace('"Acme"', '"Acne"'))
    refused(store, path, "fails its checksum")


def test_a_wrong_count(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    refused(store, edited(good, tmp_path, lambda h, c: None, count=1), "says it holds 1 changes")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda h, c: c[0].update(extra=1), r"number 1\): extra: Extra inputs"),
        (lambda h, c: c[1].update(seq="2"), r"number 2\): seq: Input should be a valid integer"),
        (lambda h, c: c[0].update(hlc="yesterday"), "hlc: String should match pattern"),
        (lambda h, c: c[0].update(entity="users"), "'users', a kind of record this version"),
        (lambda h, c: c[0].update(field="password"), r"\.password, a field this version"),
        (lambda h, c: c.append(dict(c[0], row_id="'; DROP TABLE x")), "row_id: String should"),
        (lambda h, c: c.append([1, 2]), "should be a valid dictionary"),
    ],
)
def test_bad_changes(
    store: Store, me: object, good: Path, tmp_path: Path, edit: Edit, message: str
) -> None:
    refused(store, edited(good, tmp_path, edit), message)


def _set_value(field: str, value: Any) -> Edit:
    def edit(header: dict[str, Any], changes: list[dict[str, Any]]) -> None:
        next(c for c in changes if c["field"] == field)["value"] = value

    return edit


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", {"amount": "500", "currency": "EUR"}, "deals.amount .*valid integer"),
        ("amount", {"amount": 5, "currency": "EUR", "x": 1}, "deals.amount .*Extra inputs"),
        ("amount", {"amount": 5, "currency": "XXQ"}, "deals.amount .*currency"),
        ("tier", "Z", "customers.tier .*Input should be"),
        ("name", 42, "customers.name .*valid string"),
        ("name", "x" * 201, "customers.name .*at most 200"),
        ("created_at", "last tuesday", "created_at .*datetime"),
        ("stage", None, "deals.stage .*valid string"),
        ("created_at", "2026-11-20T08:00:00", "created_at .*timezone"),
    ],
)
def test_values_of_the_wrong_type(
    store: Store, me: object, good: Path, tmp_path: Path, field: str, value: Any, message: str
) -> None:
    refused(store, edited(good, tmp_path, _set_value(field, value)), message)


def test_a_newer_format_or_schema(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    newer = edited(good, tmp_path, lambda h, c: h.update(format_version=2, capabilities=["x"]))
    refused(store, newer, r"newer Workbench \(bundle format 2\)")
    schema = edited(good, tmp_path, lambda h, c: h.update(schema_version="0099_future"))
    refused(store, schema, r"newer Workbench \(schema 0099_future\)")


def test_a_bad_header(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    refused(store, edited(good, tmp_path, lambda h, c: h.update(format="zip")), "bad header")
    refused(store, edited(good, tmp_path, lambda h, c: h.pop("origin")), "bad header: origin")
    no_header = tmp_path / "bare.json"
    no_header.write_text('{"changes": []}')
    refused(store, no_header, "has no header")


def test_an_oversize_file(
    store: Store, me: object, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", good.stat().st_size - 1)
    refused(store, good, "bundles over")


def test_a_compressed_bomb(
    store: Store, me: object, good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "good.json.gz"
    path.write_bytes(gzip.compress(good.read_bytes()))
    monkeypatch.setattr(reader, "MAX_TEXT_CHARS", 1000)
    refused(store, path, "more than")


def test_a_damaged_compressed_file(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    data = gzip.compress(good.read_bytes())
    path = tmp_path / "cut.json.gz"
    path.write_bytes(data[: len(data) // 2])
    refused(store, path, "damaged or cut-short compressed file")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "cut short"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "expected '{'"),
        (b'{"header": {}, "header": {}}', "bad header"),
        (b'{"other": 1}', "unexpected key 'other'"),
    ],
)
def test_not_a_bundle(store: Store, me: object, tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "odd.json"
    path.write_bytes(data)
    refused(store, path, message)


def test_trailing_text(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    path = tmp_path / "more.json"
    path.write_text(good.read_text() + "{}")
    refused(store, path, "more text after the bundle")


def test_a_change_twice(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    def twice(header: dict[str, Any], changes: list[dict[str, Any]]) -> None:
        changes.append(dict(changes[2]))

    path = edited(good, tmp_path, twice)
    _, changes = read_bundle_file(path)
    refused(store, path, f"holds change {changes[2]['origin']}:{changes[2]['seq']} twice")


def test_a_reused_device_id(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    import_bundle(store, good)
    refused(store, edited(good, tmp_path, _set_value("name", "Other")), "device .* was reused")


def test_a_clock_far_ahead(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    def ahead(header: dict[str, Any], changes: list[dict[str, Any]]) -> None:
        for change in changes:
            wall, counter, device = change["hlc"].split("-")
            change["hlc"] = f"{int(wall) + 25 * 3600 * 1000:015d}-{counter}-{device}"

    refused(store, edited(good, tmp_path, ahead), "more than a day ahead")


def test_a_failure_while_merging_leaves_nothing(
    store: Store, me: object, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("workbench.sync.importer._repoint", fail)
    refused(store, good, r"could not be merged \(RuntimeError: disk on fire\)")


def test_a_database_that_cannot_take_the_import_is_not_the_files_fault(
    store: Store, me: object, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locked, full or read-only: the import fails as such (a sync stops),
    and nothing is written."""

    def locked(*_: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr("workbench.sync.importer._repoint", locked)
    before = dump(store)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        import_bundle(store, good)
    assert dump(store) == before


def test_the_error_names_the_place(store: Store, me: object, good: Path, tmp_path: Path) -> None:
    text = good.read_text()
    broken = tmp_path / "broken.json"
    at = text.index("},\n{") + 1  # between the first two changes
    broken.write_text(text[:at] + "@" + text[at:])
    with pytest.raises(BundleError, match=f"at character {at + 1:,}: expected ','"):
        import_bundle(store, broken)
    assert json.loads(good.read_text())  # the good one stays good


def _forged(origin: str | None = None, seq: int | None = None) -> Edit:
    """One more change, a copy of the first under another id."""

    def edit(header: dict[str, Any], changes: list[dict[str, Any]]) -> None:
        extra = dict(changes[0], prev=None)
        extra["origin"] = origin or extra["origin"]
        extra["seq"] = seq or extra["seq"]
        changes.append(extra)

    return edit


def test_a_change_under_the_readers_own_device_id(
    store: Store, me: object, good: Path, tmp_path: Path
) -> None:
    """Only this computer writes under its id: one such change, numbered
    past ours, would make every bundle we write afterwards a reused id."""
    own = edited(good, tmp_path, _forged(origin=store.device, seq=10**18))
    refused(store, own, "written under this computer's own device id")
    ours = "SELECT max(seq) FROM changes WHERE origin = ?"
    (top,) = store.db.execute(ours, [store.device]).fetchone()
    refused(store, edited(good, tmp_path, _forged(store.device, top + 1)), "own device id")


def test_a_change_under_the_seeds_name(
    store: Store, me: object, good: Path, tmp_path: Path
) -> None:
    refused(store, edited(good, tmp_path, _forged(origin="seed", seq=41)), "seed's name")


def test_a_change_numbered_implausibly_far_ahead(
    store: Store, me: object, good: Path, tmp_path: Path
) -> None:
    refused(store, edited(good, tmp_path, _forged(seq=10**12)), "numbered 999,99")


@pytest.mark.parametrize("levels", [5, 300, 5000, 100_000])
def test_a_value_nested_deep(
    store: Store, me: object, good: Path, tmp_path: Path, levels: int
) -> None:
    """Nesting used to end in RecursionError (past a few hundred levels in
    making text literal, past ~1,000 in the JSON reader)."""
    header, changes = read_bundle_file(good)
    deep = "[" * levels + "]" * levels
    for field in ("notes", "amount"):
        texts: list[Any] = [json.dumps(c) for c in changes]
        at = next(i for i, c in enumerate(changes) if c["field"] == field)
        texts[at] = json.dumps(dict(changes[at], value="@")).replace('"@"', deep)
        path = write_bundle(tmp_path / "deep.json", header, texts)
        refused(store, path, "nested more than 4 levels deep")
    path = write_bundle(tmp_path / "deep.json", header | {"rep": "@"}, changes)
    path.write_text(path.read_text().replace('"@"', deep, 1))
    refused(store, path, "nested more than 4 levels deep|bad header")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"entity": "follow_ups", "field": "recurrence", "value": "every blue moon"},
            "follow_ups.recurrence .*not a recurrence rule",
        ),
        ({"entity": "targets", "field": "period", "value": "someday"}, "targets.period"),
        (
            {"entity": "stages", "row_id": "9lives", "field": "label", "value": "Nine"},
            "stages with a bad id: '9lives' is not a stage key",
        ),
        (
            {"entity": "stages", "row_id": "Trial", "field": "label", "value": "Trial"},
            "stages with a bad id: 'Trial' is not written as a stage key is",
        ),
    ],
)
def test_values_a_rep_could_not_type(
    store: Store, me: object, good: Path, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    """Checked by the rules a rep's input meets (they were model validators,
    which the reader's field checks never ran)."""

    def add(header: dict[str, Any], changes: list[dict[str, Any]]) -> None:
        top = max(c["seq"] for c in changes)
        changes.append(dict(changes[0], seq=top + 1, row_id="x1", prev=None) | change)

    refused(store, edited(good, tmp_path, add), message)


# Found by the fuzz test (tests/sync/test_fuzz.py): each ended as "could not
# be merged (…)", a Python error's words, or in a line the bundle could break.


def test_a_clock_stamp_past_the_year_9999(
    store: Store, me: object, good: Path, tmp_path: Path
) -> None:
    """The refusal named the moment, which Python cannot make: it read
    'could not be merged (ValueError: year 33658 is out of range)'."""

    def far(header: dict[str, Any], changes: list[dict[str, Any]]) -> None:
        changes[0]["hlc"] = f"999999999999999-ffff-{changes[0]['origin']}"

    refused(store, edited(good, tmp_path, far), "dated after the year 9999")


def test_a_schema_version_of_thousands_of_digits(
    store: Store, me: object, good: Path, tmp_path: Path
) -> None:
    """It read 'could not be merged (ValueError: Exceeds the limit (4300 digits) …)'."""
    huge = edited(good, tmp_path, lambda h, c: h.update(schema_version="9" * 5000 + "_x"))
    refused(store, huge, r"newer Workbench \(schema 9999")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("created_at", "9999-12-31T23:59:59Z"),
        ("created_at", "0001-01-01T00:00:00+14:00"),
        ("created_at", "9999-12-31T23:59:59-12:00"),
    ],
)
def test_a_moment_no_time_zone_can_show(
    store: Store, me: object, good: Path, tmp_path: Path, field: str, value: str
) -> None:
    """Accepted, the first crashed `report` and the account screen
    (OverflowError, shown in the rep's time zone); the others ended as
    'could not be merged (OverflowError …)'. A rep cannot write one either."""
    refused(
        store,
        edited(good, tmp_path, _set_value(field, value)),
        "is not between the years 1000 and 9998",
    )
    with pytest.raises(ValidationError, match="not between the years"):
        Customer(name="Acme", created_at=datetime.fromisoformat(value))


def test_a_period_before_the_year_1000(
    store: Store, me: object, good: Path, tmp_path: Path
) -> None:
    """'0001' was accepted and kept as '1', which no read of the target accepts."""

    def add(header: dict[str, Any], changes: list[dict[str, Any]]) -> None:
        top = max(c["seq"] for c in changes)
        changes.append(
            dict(
                changes[0],
                seq=top + 1,
                entity="targets",
                row_id="t1",
                field="period",
                value="0001",
                prev=None,
            )
        )

    refused(store, edited(good, tmp_path, add), r"targets.period .*'0001' is not a period")


@pytest.mark.parametrize(
    ("field", "shown"),
    [
        ("st\x7fage", "st\u2421age"),
        ("na\x1b[2Jme", "na\u241b[2Jme"),
        ("na\u202eme", "na\\u202eme"),
        ("na\u2028me", "na\\u2028me"),
        ("x" * 100_000, "x…x"),
    ],
    ids=["DEL", "escape code", "right-to-left override", "line separator", "100,000 characters"],
)
def test_a_refusal_shows_the_bundles_text_literally_in_one_short_line(
    store: Store, me: object, good: Path, tmp_path: Path, field: str, shown: str
) -> None:
    """A field name from the file went into the line as it was: an escape
    code reached the terminal, a right-to-left mark turned the line, a line
    separator broke it, 100,000 characters buried the reason."""
    path = edited(good, tmp_path, lambda h, c: c[0].update(field=field))
    refused(store, path, re.escape(shown) + ".*a field this version does not know")
    with pytest.raises(BundleError) as caught:
        import_bundle(store, path)
    line = str(caught.value)
    assert len(line) <= reader.MAX_MESSAGE and len(line.splitlines()) == 1
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u202e]", line)
