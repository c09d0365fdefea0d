"""A drop folder: any folder a team keeps in step (Syncthing, Dropbox, a
network share, a git repository). Each device keeps its bundles there, named
after its rep and device, and imports everyone else's.

A device's files there hold everything it has, so a newcomer catches up from
any one teammate's, whatever arrived when: a *base* (a full bundle, rewritten
now and then) and a *delta* beside it (everything since the base, rewritten
at each sync that has something new). When the delta has grown to a quarter
of the base, the base is written again and the delta goes.

Another device's file is imported when it is new or has changed since we last
imported it, bases before deltas. A file that cannot be imported (damaged,
half-written by the syncing tool, from a broken peer) is set aside: reported
with its reason and tried again next time, while the other files are imported
and ours are written. Only a database that cannot take an import (locked,
full) stops the sync. A syncing tool's conflict copy of a bundle (Syncthing's
`NAME.json.sync-conflict-DATE-TIME-DEVICE.gz`: the file changed on two
devices while they were apart) is imported like the bundle: it holds real
changes, and importing what is already here changes nothing.
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
from workbench.sync.export import Exported, export_bundle, held, tops
from workbench.sync.importer import Summary, import_bundle
from workbench.sync.reader import BundleError, Progress

FOLDER_KEY = "folder:"  # local state per folder: the files imported, what we last wrote
DELTA = ".delta"  # a delta's name: its base's, with this before the suffix
SUFFIX = ".json.gz"
DELTA_AT_LEAST = 5_000  # changes a delta may hold before the base is rewritten…
DELTA_SHARE = 4  # …or a quarter of the base, whichever is more
# Syncthing's mark on the losing side of a file changed on two devices, put
# before the name's last suffix: `x.json.gz` → `x.json.sync-conflict-20261202-101010-ABCDEFG.gz`
CONFLICT_COPY = re.compile(r"\.sync-conflict-\d{8}-\d{6}-[0-9A-Z]{7}(?=(\.[^.]*)?$)")


@dataclass
class FolderSync:
    folder: Path
    imported: list[Summary] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one line each: the file and why
    seen: int = 0  # files unchanged since we imported them
    written: Exported | None = None  # None: our files there were already up to date

    def lines(self) -> list[str]:
        lines = [line for summary in self.imported for line in summary.lines()]
        lines += [tr("Set aside {why}; tried again next time", why=line) for line in self.refused]
        if self.seen:
            lines.append(tr("Unchanged since last time: {count} bundle(s)", count=self.seen))
        if self.written:
            lines.append(
                tr(
                    "Wrote {count} changes to {file}",
                    count=f"{self.written.changes:,}",
                    file=self.written.path.name,
                )
            )
        else:
            lines.append(tr("Your bundle there is up to date"))
        return lines


def bundle_name(store: Store) -> str:
    """This device's base file in a drop folder: the rep's name (as far as it
    goes in plain letters) and the device id, which makes it unique."""
    me = store.get(Rep, store.me) if store.me else None
    slug = re.sub(r"[^a-z0-9]+", "-", (me.name if me else "").lower()).strip("-")
    return f"{slug or 'rep'}-{store.device}{SUFFIX}"


def delta_name(base: str) -> str:
    return base.removesuffix(SUFFIX) + DELTA + SUFFIX


def sync_folder(
    store: Store,
    folder: Path,
    progress: Progress | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> FolderSync:
    """Import the other devices' new bundles from `folder`, then write ours."""
    if not folder.is_dir():
        raise FileNotFoundError(
            tr("{folder} is not a folder (create it, or pick another)", folder=folder)
        )
    key = FOLDER_KEY + str(folder.resolve())
    state: dict[str, Any] = json.loads(store.local(key) or "{}")
    files: dict[str, dict[str, Any]] = state.setdefault("files", {})
    result, base = FolderSync(folder), bundle_name(store)
    for path in _theirs(folder, {base, delta_name(base)}):
        signature = _signature(path)
        if signature is None:  # gone since the folder was listed (renamed into place, say)
            continue
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
    result.written = _write_ours(store, folder, base, state)
    store.set_local(key, json.dumps(state))
    return result


def _theirs(folder: Path, ours: set[str]) -> list[Path]:
    """The other devices' bundles in the folder, bases before deltas (a
    newcomer takes a base before what was written since)."""
    found = [path for path in folder.iterdir() if path.name not in ours and _is_bundle(path)]
    return sorted(found, key=lambda path: (DELTA + ".json" in path.name, path.name))


def _write_ours(store: Store, folder: Path, base: str, state: dict[str, Any]) -> Exported | None:
    """Our base, or the delta beside it, if we hold something not written yet."""
    holding = tops(store)
    now = held(store, holding)
    ours: dict[str, str | None] = state.setdefault("ours", {})
    intact = all(_signature(folder / name) == signature for name, signature in ours.items())
    if intact and ours and state.get("wrote") == now:
        return None
    total = sum(count for _, count in holding.values())
    written_base: dict[str, Any] | None = state.get("base") if intact else None
    if written_base is None or total - written_base["count"] > max(
        DELTA_AT_LEAST, written_base["count"] // DELTA_SHARE
    ):
        written = export_bundle(store, folder / base, holding=holding)
        state["base"] = {"held": now, "count": total}
        (folder / delta_name(base)).unlink(missing_ok=True)  # the base holds all of it
        ours.clear()
        ours[base] = _signature(written.path)
    else:
        after = written_base["held"]
        written = export_bundle(store, folder / delta_name(base), after=after, holding=holding)
        ours[delta_name(base)] = _signature(written.path)
    state["wrote"] = now
    return written


def _is_bundle(path: Path) -> bool:
    """A bundle's name (or a conflict copy's), and not a syncing tool's file
    still being written (Syncthing's `.syncthing.*.tmp` or `~syncthing~*.tmp`,
    any hidden file)."""
    name = CONFLICT_COPY.sub("", path.name)
    return not name.startswith(".") and name.endswith((".json", SUFFIX)) and path.is_file()


def _signature(path: Path) -> str | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}"
