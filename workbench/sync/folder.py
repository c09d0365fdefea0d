"""A drop folder: any folder a team keeps in step (Syncthing, Dropbox, a
network share, a git repository). Each device keeps one bundle there, named
after its rep and device, and imports everyone else's.

Our bundle holds what the least up-to-date of the folder's other devices
lacks (a newcomer, known to hold nothing, gets everything), and is rewritten
only when that or what we hold has changed. Another device's file is
imported when it is new or has changed since we last imported it; one that
is refused is reported and tried again next time (it may still be arriving).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.domain.models import Rep
from workbench.i18n import tr
from workbench.store.database import Store
from workbench.sync.export import Exported, export_bundle, held, known_by_all, tops
from workbench.sync.importer import Summary, import_bundle
from workbench.sync.reader import BundleError, Progress

FOLDER_KEY = "folder:"  # local state per folder: the files imported, what we last wrote


@dataclass
class FolderSync:
    folder: Path
    imported: list[Summary] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one line each
    seen: int = 0  # files unchanged since we imported them
    written: Exported | None = None  # None: our bundle there was already up to date

    def lines(self) -> list[str]:
        lines = [summary.line() for summary in self.imported]
        lines += [tr("Refused {why}", why=line) for line in self.refused]
        if self.seen:
            lines.append(tr("Unchanged since last time: {count} bundle(s)", count=self.seen))
        if self.written:
            lines.append(tr("Wrote {count} changes to {file}", count=f"{self.written.changes:,}",
                            file=self.written.path.name))  # fmt: skip
        else:
            lines.append(tr("Your bundle there is up to date"))
        return lines


def bundle_name(store: Store) -> str:
    """This device's file in a drop folder: the rep's name (as far as it goes
    in plain letters) and the device id, which makes it unique."""
    me = store.get(Rep, store.me) if store.me else None
    slug = re.sub(r"[^a-z0-9]+", "-", (me.name if me else "").lower()).strip("-")
    return f"{slug or 'rep'}-{store.device}.json.gz"


def sync_folder(
    store: Store,
    folder: Path,
    progress: Progress | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> FolderSync:
    """Import the other devices' new bundles from `folder`, then write ours."""
    if not folder.is_dir():
        raise FileNotFoundError(tr("{folder} is not a folder (create it, or pick another)",
                                      folder=folder))  # fmt: skip
    key = FOLDER_KEY + str(folder.resolve())
    state: dict[str, Any] = json.loads(store.local(key) or "{}")
    files: dict[str, dict[str, Any]] = state.setdefault("files", {})
    result, mine = FolderSync(folder), bundle_name(store)
    for path in sorted(folder.iterdir()):
        if path.name == mine or path.name.startswith(".") or not _is_bundle(path):
            continue
        signature = _signature(path)
        if files.get(path.name, {}).get("signature") == signature:
            result.seen += 1
            continue
        if on_file:
            on_file(path)
        try:
            summary = import_bundle(store, path, progress)
        except BundleError as error:
            result.refused.append(f"{path.name} {error}")
            continue
        files[path.name] = {"signature": signature, "origin": summary.origin}
        result.imported.append(summary)
    result.written = _write_ours(store, folder / mine, files, state)
    store.set_local(key, json.dumps(state))
    return result


def _write_ours(
    store: Store, path: Path, files: dict[str, dict[str, Any]], state: dict[str, Any]
) -> Exported | None:
    peers = sorted({entry["origin"] for entry in files.values()} - {store.device})
    holding = tops(store)
    plan = {"held": held(store, holding), "after": known_by_all(store, peers) if peers else {}}
    if path.exists() and state.get("wrote") == plan:
        return None
    written = export_bundle(store, path, peers=peers, holding=holding)
    state["wrote"] = plan
    return written


def _is_bundle(path: Path) -> bool:
    return path.is_file() and path.name.endswith((".json", ".json.gz"))


def _signature(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"
