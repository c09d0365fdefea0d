"""Values arrive in the one form a local write stores them in."""

from pathlib import Path

from tests.sync.bundles import read_bundle_file, write_bundle
from workbench.domain.models import Activity, Customer, Rep
from workbench.store.database import Store
from workbench.sync.export import export_bundle
from workbench.sync.importer import import_bundle


def test_times_arrive_in_utc_and_text_as_typed_here(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    """`2026-12-03T23:30:00-10:00` was kept as sent and sorted before
    `2026-12-04T08:00:00Z`, though it is later."""
    a, b = pair
    acme = a.add(Customer(name="Acme"))
    early = a.add(Activity(kind="call", customer_id=acme.id, at="2026-12-04T08:00:00Z"))
    late = a.add(Activity(kind="call", customer_id=acme.id, at="2026-12-04T08:00:00Z"))
    header, changes = read_bundle_file(export_bundle(a, tmp_path / "a.json").path)
    for change in changes:
        if change["row_id"] == late.id and change["field"] == "at":
            change["value"] = "2026-12-03T23:30:00-10:00"  # 09:30 UTC, written elsewhere
        if change["row_id"] == acme.id and change["field"] == "name":
            change["value"] = "  Acme  "
    import_bundle(b, write_bundle(tmp_path / "edited.json", header, changes))
    order = b.db.execute("SELECT id, at FROM activities ORDER BY at").fetchall()
    assert order == [(early.id, "2026-12-04T08:00:00Z"), (late.id, "2026-12-04T09:30:00Z")]
    assert b.require(Customer, acme.id).name == "Acme"
    (stored,) = b.db.execute(
        "SELECT value FROM changes WHERE row_id = ? AND field = 'at'", [late.id]
    ).fetchone()
    assert stored == '"2026-12-04T09:30:00Z"'


def test_what_a_device_writes_arrives_unchanged(store: Store, me: Rep, tmp_path: Path) -> None:
    """Every local write is already in that form: the log text a peer
    stores is the sender's, byte for byte (else the same change id would hold
    two texts, and the sender would refuse it back as a reused id)."""
    store.add(Customer(name="Acme 水泵", tags=["key"], notes="a\\nb", email="X@Example.com"))
    _, changes = read_bundle_file(export_bundle(store, tmp_path / "s.json").path)
    assert import_bundle(store, tmp_path / "s.json").new == 0
    assert {c["field"] for c in changes} >= {"name", "tags", "notes", "email", "created_at"}
