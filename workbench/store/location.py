"""Where Workbench keeps its files, and this install's device id.

The database defaults to the platform's user data directory (`WORKBENCH_DB`
overrides). The device id that stamps our changes lives in a file beside the
config, keyed by database path, *not* in the database: a database copied to
another path or machine then takes a fresh device id instead of reusing one,
which would make two devices write the same change names.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import platformdirs

APP = "workbench"


def default_db_path() -> Path:
    if env := os.environ.get("WORKBENCH_DB"):
        return Path(env).expanduser()
    return platformdirs.user_data_path(APP, appauthor=False) / "workbench.db"


def config_dir() -> Path:
    if env := os.environ.get("WORKBENCH_CONFIG_DIR"):
        return Path(env).expanduser()
    return platformdirs.user_config_path(APP, appauthor=False)


def new_device_id() -> str:
    return uuid.uuid4().hex[:16]


class DeviceRegistry:
    """`devices.json` in the config dir: {absolute database path: device id}."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def default(cls) -> DeviceRegistry:
        return cls(config_dir() / "devices.json")

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, db_path: Path) -> str | None:
        return self._load().get(str(db_path.resolve()))

    def put(self, db_path: Path, device: str) -> None:
        entries = self._load() | {str(db_path.resolve()): device}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.path)


def resolve_device(
    stored: str | None, registry: DeviceRegistry | None, db_path: Path | None
) -> str:
    """The device id to write with: the stored one if this install agrees it
    is ours; otherwise (a copied database, or a new one) a fresh id."""
    if registry is None or db_path is None:
        return stored or new_device_id()
    if stored is not None and registry.get(db_path) == stored:
        return stored
    device = new_device_id()
    registry.put(db_path, device)
    return device
