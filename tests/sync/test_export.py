"""Writing bundles: full, or what a peer has not seen; never half a file."""

import json
from pathlib import Path

import pytest

from workbench.domain.models import Customer, Rep
from workbench.store.database import Store
from workbench.sync.bundle import Bundle, Digest
from workbench.sync.export import PEER_KEY, export_bundle


def read(path: Path) -> Bundle:
    return Bundle.model_validate_json(path.read_text())


def test_a_full_bundle_holds_every_change(store: Store, me: Rep, tmp_path: Path) -> None:
    store.add(Customer(name="Acme", tags=["key"]))
    written = export_bundle(store, tmp_path / "all.json")
    bundle = read(written.path)
    # Every change but the seeded default stages, which every database holds.
    total = store.db.execute("SELECT count(*) FROM changes WHERE origin = ?", [store.device])
    total = total.fetchone()[0]
    assert {change["origin"] for change in read(written.path).changes} == {store.device}
    assert written.changes == bundle.header.count == len(bundle.changes) == total
    assert bundle.header.kind == "full" and bundle.header.rep == me.name
    assert bundle.header.known == {store.device: total}
    lines = written.path.read_text().splitlines()[2:-1]  # one change a line, between [ and ]
    digest = Digest()
    digest.add([line.removesuffix(",") for line in lines])
    assert bundle.header.sha256 == digest.hexdigest()
    tags = next(c for c in bundle.changes if c["field"] == "tags")
    assert tags["value"] == ["key"]  # values travel as JSON, not as text holding JSON


def test_an_incremental_bundle_skips_what_the_peer_has(
    store: Store, me: Rep, tmp_path: Path
) -> None:
    store.add(Customer(name="Old"))
    (seen,) = store.db.execute(
        "SELECT max(seq) FROM changes WHERE origin = ?", [store.device]
    ).fetchone()
    store.set_local(PEER_KEY + "peer1", json.dumps({"rep": "Sam", "known": {store.device: seen}}))
    store.add(Customer(name="New"))
    bundle = read(export_bundle(store, tmp_path / "for-sam.json", peers=["peer1"]).path)
    assert bundle.header.kind == "incremental"
    assert {c["value"] for c in bundle.changes if c["field"] == "name"} == {"New"}
    assert all(c["seq"] > seen for c in bundle.changes)


def test_gzip_and_no_half_files(
    store: Store, me: Rep, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    path = export_bundle(store, tmp_path / "b.json.gz").path
    assert Bundle.model_validate_json(gzip.decompress(path.read_bytes())).header.count > 0

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", crash)
    with pytest.raises(OSError):
        export_bundle(store, tmp_path / "c.json")
    assert not (tmp_path / "c.json").exists()
    assert not list(tmp_path.glob(".c.json.*"))  # the half-written file is gone too
