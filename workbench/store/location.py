"""Where Workbench keeps its files, and this install's device id.

The database defaults to the platform's user data directory (`WORKBENCH_DB`
overrides). The device id that stamps our changes lives in a file beside the
config, keyed by database path, *not* in the database: a database copied to
another path or machine then takes a fresh device id instead of reusing one,
which would make two devices write the same change names. The team a
database is in, and the key derived from its passphrase, live beside it
(`teams.json`, private to the user).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import platformdirs

from workbench.domain.team import Team

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


class PerDatabase:
    """A JSON file in the config dir: {absolute database path: value}.
    `private`: readable by its owner only (it holds a secret)."""

    def __init__(self, path: Path, *, private: bool = False) -> None:
        self.path, self.private = path, private

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, db_path: Path) -> Any:
        return self._load().get(str(db_path.resolve()))

    def put(self, db_path: Path, value: Any) -> None:
        """Keep `value` for the database (None: forget what was kept)."""
        entries, key = self._load(), str(db_path.resolve())
        if value is None:
            entries.pop(key, None)
        else:
            entries[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        handle = os.open(
            partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if self.private else 0o666
        )
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(json.dumps(entries, indent=1, sort_keys=True))
        os.replace(partial, self.path)


class DeviceRegistry(PerDatabase):
    """`devices.json` in the config dir: {absolute database path: device id}."""

    @classmethod
    def default(cls) -> DeviceRegistry:
        return cls(config_dir() / "devices.json")


class TeamKeys(PerDatabase):
    """`teams.json` in the config dir, private: per database, the team it is
    in and the key derived from the team's passphrase (never in the database,
    so a copied database or a bundle carries no key)."""

    @classmethod
    def default(cls) -> TeamKeys:
        return cls(config_dir() / "teams.json", private=True)

    def team(self, db_path: Path) -> Team | None:
        kept = self.get(db_path)
        try:
            return Team(kept["team"], bytes.fromhex(kept["key"])) if kept else None
        except (KeyError, TypeError, ValueError):
            return None  # an entry this version cannot read: as if in no team

    def keep(self, db_path: Path, team: Team | None) -> None:
        self.put(db_path, {"team": team.id, "key": team.key.hex()} if team else None)


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
