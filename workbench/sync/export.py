"""Writing a bundle: every change (full), or those a peer has not seen.

What a peer holds is learnt from the bundles we import from them (their
header's `known`), kept in local state as `peer:<device>`. Sending too much
is harmless: the receiver skips changes it has. The file is written beside
its final name and renamed into place, so a crash never leaves half a bundle.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.domain.models import Rep
from workbench.store.database import Store
from workbench.store.migrate import schema_version
from workbench.sync.bundle import FORMAT, FORMAT_VERSION, body_digest

PEER_KEY = "peer:"  # local_state key prefix: what each peer device is known to hold


@dataclass(frozen=True)
class Exported:
    path: Path
    changes: int
    kind: str


def known_by(store: Store, peer: str) -> dict[str, int]:
    """{device: highest seq} a peer device is known to hold (empty: nothing known)."""
    saved = store.local(PEER_KEY + peer)
    return dict(json.loads(saved)["known"]) if saved else {}


def held(store: Store) -> dict[str, int]:
    """{device: highest seq} this database holds."""
    return dict(store.db.execute("SELECT origin, max(seq) FROM changes GROUP BY origin"))


def _rows(store: Store, holding: dict[str, int], after: dict[str, int]) -> list[dict[str, Any]]:
    """The changes of each device in `holding` above what `after` says was seen."""
    changes = []
    for origin, top in holding.items():
        start = after.get(origin, 0)
        if start >= top:
            continue
        for seq, hlc, entity, row_id, field, value, prev in store.db.execute(
            "SELECT seq, hlc, entity, row_id, field, value, prev FROM changes "
            "WHERE origin = ? AND seq > ? ORDER BY seq",
            [origin, start],
        ):
            changes.append({
                "origin": origin, "seq": seq, "hlc": hlc, "entity": entity, "row_id": row_id,
                "field": field, "value": json.loads(value) if value is not None else None,
                "prev": json.loads(prev) if prev else None,
            })  # fmt: skip
    return changes


def export_bundle(store: Store, path: Path, *, peer: str | None = None) -> Exported:
    """Write every change, or (with `peer`, a device id) those it has not seen."""
    with store.lock:
        holding = held(store)
        changes = _rows(store, holding, known_by(store, peer) if peer else {})
        me = store.get(Rep, store.me) if store.me else None
        stamps = [change["hlc"] for change in changes]
        kind = "incremental" if peer else "full"
        header: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_version": schema_version(store.db),
            "bundle_id": uuid.uuid4().hex,
            "origin": store.device,
            "rep": me.name if me else None,
            "kind": kind,
            "known": holding,
            "created_at": store.clock.now().isoformat(),
            "hlc_min": min(stamps, default=None),
            "hlc_max": max(stamps, default=None),
            "count": len(changes),
            "sha256": body_digest(changes),
        }
    text = json.dumps({"header": header, "changes": changes}, ensure_ascii=False)
    _write_atomically(path, text.encode())
    return Exported(path, len(changes), kind)


def _write_atomically(path: Path, data: bytes) -> None:
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=6)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def find_peer(store: Store, text: str) -> str:
    """A peer's device id from its id (or the start of it) or its rep's name, among
    the devices we have imported bundles from."""
    rows = store.db.execute(
        "SELECT key, value FROM local_state WHERE key LIKE ?", [PEER_KEY + "%"]
    ).fetchall()
    peers = {key.removeprefix(PEER_KEY): json.loads(value).get("rep") for key, value in rows}
    wanted = text.strip().casefold()
    found = [device for device, rep in peers.items()
             if device.startswith(text.strip()) or (rep or "").casefold() == wanted]  # fmt: skip
    if len(found) != 1:
        known = ", ".join(f"{rep or '?'} ({device})" for device, rep in peers.items())
        reason = "matches several peers" if found else "is not a peer we have had a bundle from"
        raise LookupError(f"{text!r} {reason} (peers: {known or 'none yet'}); use --full")
    return found[0]
