"""Writing a bundle: every change (full), or those a peer has not seen.

What a peer holds is learnt from the bundles we import from them (their
header's `known`), kept in local state as `peer:<device>`. Sending too much
is harmless: the receiver skips changes it has. The file is written beside
its final name and renamed into place, so a crash never leaves half a bundle.
"""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from workbench.domain.merge import SEED
from workbench.domain.models import Rep
from workbench.i18n import tr
from workbench.store.database import Store
from workbench.store.log_text import json_text
from workbench.store.migrate import schema_version
from workbench.sync.bundle import FORMAT, FORMAT_VERSION, Digest
from workbench.sync.signature import signed

PEER_KEY = "peer:"  # local_state key prefix: what each peer device is known to hold
EXPORTED_KEY = "exported:"  # + our device id (a copy is another): our highest change sent
GZIP_LEVEL = 1  # several times faster than the default 9, and only ~15% larger here


@dataclass(frozen=True)
class Exported:
    path: Path
    changes: int
    kind: str


def known_by(store: Store, peer: str) -> dict[str, int]:
    """{device: seq} up to which a peer device is known to hold everything."""
    saved = store.local(PEER_KEY + peer)
    return dict(json.loads(saved)["known"]) if saved else {}


def known_by_all(store: Store, peers: Sequence[str]) -> dict[str, int]:
    """{device: seq} up to which every one of `peers` holds everything."""
    known = [known_by(store, peer) for peer in peers]
    devices = set().union(*known)
    return {device: min(each.get(device, 0) for each in known) for device in devices}


Tops = dict[str, tuple[int, int]]


def tops(store: Store) -> Tops:
    """{device: (highest seq, how many)} of the changes this database holds:
    one scan of the log, so an export (or a folder sync) reads it once. The
    seeded changes are left out: every database holds them, so no bundle
    carries them."""
    rows = store.db.execute(
        "SELECT origin, max(seq), count(*) FROM changes WHERE origin <> ? GROUP BY origin", [SEED]
    )
    return {origin: (top, count) for origin, top, count in rows}


def held(store: Store, holding: Tops | None = None) -> dict[str, int]:
    """{device: seq} up to which this database holds every change of the device.
    Bundles may arrive out of order and leave gaps; claiming only the unbroken
    run means a peer is always sent what fills them."""
    return {
        origin: top if count == top else _unbroken(store, origin)
        for origin, (top, count) in (holding or tops(store)).items()
    }


def _unbroken(store: Store, origin: str) -> int:
    (end,) = store.db.execute(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM changes WHERE origin = :o AND seq = 1) THEN "
        "(SELECT min(a.seq) FROM changes a WHERE a.origin = :o AND NOT EXISTS "
        " (SELECT 1 FROM changes b WHERE b.origin = :o AND b.seq = a.seq + 1)) ELSE 0 END",
        {"o": origin},
    ).fetchone()
    return int(end)


@dataclass
class _Body:
    """The change list, written as it is read: counted, hashed, stamped."""

    file: IO[bytes]
    digest: Digest = field(default_factory=Digest)
    count: int = 0
    hlc_min: str | None = None
    hlc_max: str | None = None

    def write(self, texts: list[str], stamps: list[str]) -> None:
        if not texts:
            return
        self.file.write(((",\n" if self.count else "[\n") + ",\n".join(texts)).encode())
        self.digest.add(texts)
        self.count += len(texts)
        low, high = min(stamps), max(stamps)
        self.hlc_min = low if self.hlc_min is None else min(self.hlc_min, low)
        self.hlc_max = high if self.hlc_max is None else max(self.hlc_max, high)

    def close(self) -> None:
        self.file.write(b"\n]" if self.count else b"[]")


def _write_changes(store: Store, body: _Body, holding: Tops, after: dict[str, int]) -> None:
    """Each device's changes above what `after` says was seen, as JSON objects
    built from the stored JSON text without parsing it."""
    for origin, (top, _) in holding.items():
        start = after.get(origin, 0)
        if start >= top:
            continue
        cursor = store.db.execute(
            "SELECT seq, hlc, entity, row_id, field, value, prev FROM changes "
            "WHERE origin = ? AND seq > ? ORDER BY seq",
            [origin, start],
        )
        while rows := cursor.fetchmany(5000):
            body.write(
                [
                    f'{{"origin":"{origin}","seq":{seq},"hlc":"{hlc}","entity":"{entity}",'
                    f'"row_id":{json_text(row_id)},"field":"{name}","value":{value},'
                    f'"prev":{prev or "null"}}}'
                    for seq, hlc, entity, row_id, name, value, prev in rows
                ],
                [row[1] for row in rows],
            )


def export_bundle(
    store: Store,
    path: Path,
    *,
    peers: Sequence[str] = (),
    after: Mapping[str, int] | None = None,
    holding: Tops | None = None,
) -> Exported:
    """Write every change; or, given `peers` (device ids), those that the least
    up-to-date of them has not seen; or, given `after` ({device: seq}), those
    above it. The changes go to a scratch file first (the header, which comes
    first, needs their count and checksum), then both into the bundle.
    `holding`: `tops(store)` if the caller has it."""
    if not path.parent.is_dir():  # a mistyped folder is refused, never made
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path.parent))
    if peers:
        after = known_by_all(store, peers)
    with _naming(path), tempfile.TemporaryFile("w+b", dir=path.parent) as scratch:
        with store.lock:
            holding = holding or tops(store)
            body = _Body(scratch)
            _write_changes(store, body, holding, dict(after or {}))
            body.close()
            kind = "full" if after is None else "incremental"
            header = _header(store, body, kind, held(store, holding))
        scratch.seek(0)
        _write_atomically(path, header, scratch)
    _note_exported(store, holding)
    return Exported(path, body.count, header["kind"])


def exported(store: Store) -> int:
    """The highest change of this device that a bundle has carried: no peer
    can hold one above it."""
    return int(store.local(EXPORTED_KEY + store.device) or 0)


def _note_exported(store: Store, holding: Tops) -> None:
    top = holding.get(store.device, (0, 0))[0]
    if top > exported(store):
        store.set_local(EXPORTED_KEY + store.device, str(top))


def _header(store: Store, body: _Body, kind: str, known: dict[str, int]) -> dict[str, Any]:
    me = store.get(Rep, store.me) if store.me else None
    return signed(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_version": schema_version(store.db),
            "bundle_id": uuid.uuid4().hex,
            "origin": store.device,
            "rep": me.name if me else None,
            "kind": kind,
            "known": known,
            "devices": dict(store.db.execute("SELECT origin, rep_id FROM devices")),
            "created_at": store.clock.now().isoformat(),
            "hlc_min": body.hlc_min,
            "hlc_max": body.hlc_max,
            "count": body.count,
            "sha256": body.digest.hexdigest(),
        },
        store.team,
    )


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """A failed write (a full disk) names no file: say it was the bundle's."""
    try:
        yield
    except OSError as error:
        if error.filename is not None:
            raise
        raise OSError(error.errno, error.strerror, str(path)) from error


def _write_atomically(path: Path, header: dict[str, Any], changes: IO[bytes]) -> None:
    """The bundle beside its final name, then renamed over it: a crash never
    leaves half a bundle under the name."""
    head = '{"header": ' + json.dumps(header, ensure_ascii=False) + ',\n"changes": '
    temporary = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}"
    # Created as any new file is (the umask decides), so a teammate sharing
    # the folder can read it; mkstemp would make it private to us.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as raw:
            if path.suffix == ".gz":
                with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=GZIP_LEVEL) as zipped:
                    _copy(zipped, head, changes)
            else:
                _copy(raw, head, changes)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _copy(file: io.BufferedIOBase, head: str, changes: IO[bytes]) -> None:
    file.write(head.encode())
    shutil.copyfileobj(changes, file, 1 << 20)
    file.write(b"}\n")


def find_peer(store: Store, text: str) -> str:
    """A peer's device id from its id (or the start of it) or its rep's name, among
    the devices we have imported bundles from."""
    rows = store.db.execute(
        "SELECT key, value FROM local_state WHERE key LIKE ?", [PEER_KEY + "%"]
    ).fetchall()
    peers = {key.removeprefix(PEER_KEY): json.loads(value).get("rep") for key, value in rows}
    wanted = text.strip().casefold()
    found = [
        device
        for device, rep in peers.items()
        if device.startswith(text.strip()) or (rep or "").casefold() == wanted
    ]
    if len(found) != 1:
        known = ", ".join(f"{rep or '?'} ({device})" for device, rep in peers.items())
        known = known or tr("none yet")
        if found:
            raise LookupError(
                tr(
                    "{text!r} matches several peers (peers: {known}); use --full",
                    text=text,
                    known=known,
                )
            )
        raise LookupError(
            tr(
                "{text!r} is not a peer we have had a bundle from (peers: {known}); use --full",
                text=text,
                known=known,
            )
        )
    return found[0]
