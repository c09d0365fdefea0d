"""Helpers for sync tests: replicas, exchanging bundles, comparing contents,
and writing bundles by hand (to test what the importer refuses)."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.domain.clock import FixedClock
from workbench.store.database import Store, open_store
from workbench.store.schema import ENTITIES
from workbench.sync.bundle import Digest
from workbench.sync.export import export_bundle
from workbench.sync.importer import Summary, import_bundle

SYNCED = [*ENTITIES, "changes", "conflicts", "incomplete"]


def replica(folder: Path, name: str, clock: FixedClock) -> Store:
    return open_store(folder / f"{name}.db", clock=clock)


def send(source: Store, target: Store, folder: Path, *, full: bool = True) -> Summary:
    """Export from `source` (full, or what `target` is known to hold) and
    import into `target`."""
    path = folder / f"{source.device}-{target.device}.json"
    export_bundle(source, path, peers=[] if full else [target.device])
    return import_bundle(target, path)


def stamps_of(store: Store, write: Callable[[], object]) -> list[str]:
    """Run `write`; the clock stamps of the transactions it committed (what undo takes)."""
    mark = len(store.written)
    write()
    return store.written[mark:]


def content(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Everything sync must make equal: the records, the log, the conflicts."""
    return {
        table: sorted(store.db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
        for table in SYNCED
    }


def dump(store: Store) -> str:
    """The whole database's content as SQL text (local tables too)."""
    return "\n".join(store.db.iterdump())


def write_bundle(path: Path, header: dict[str, Any], changes: list[Any], **fix: Any) -> Path:
    """A bundle laid out as Workbench writes it, with the header's count and
    checksum made right for `changes` (objects, or their JSON text as is)
    unless `fix` sets them."""
    texts = [c if isinstance(c, str) else json.dumps(c, ensure_ascii=False) for c in changes]
    digest = Digest()
    digest.add(texts)
    header = header | {"count": len(changes), "sha256": digest.hexdigest()} | fix
    body = "[\n" + ",\n".join(texts) + "\n]" if texts else "[]"
    path.write_text('{"header": ' + json.dumps(header) + ',\n"changes": ' + body + "}\n")
    return path


def read_bundle_file(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = json.loads(path.read_text())
    return data["header"], data["changes"]
