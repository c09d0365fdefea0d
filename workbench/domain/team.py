"""A team: the reps who may write into each other's databases.

A team has an id, which is not secret (it names the team in every bundle),
and a passphrase, which is: every member types it once, and each computer
keeps only the key derived from it (scrypt, slow on purpose, so a stolen
bundle cannot be used to guess the passphrase quickly). Every bundle a
member writes carries the team id and an HMAC-SHA256 of its header made
with that key; the header holds the body's sha256, so the signature covers
the changes too. Without the key a bundle cannot be forged or altered.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from workbench.i18n import tr

TEAM_ID = re.compile(r"^[0-9a-f]{12}$")
MIN_PASSPHRASE = 10  # characters: a team's only secret
# scrypt's cost: about 0.1 s and 32 MB here, once per join.
_SCRYPT = {"n": 2**15, "r": 8, "p": 1, "maxmem": 64 << 20, "dklen": 32}


@dataclass(frozen=True)
class Team:
    id: str
    key: bytes

    @classmethod
    def create(cls, passphrase: str) -> Team:
        return cls.join(secrets.token_hex(6), passphrase)

    @classmethod
    def join(cls, team_id: str, passphrase: str) -> Team:
        """The team `team_id` as a member who knows its passphrase; ValueError
        for a malformed id or a passphrase too short to protect anything."""
        team_id = team_id.strip().lower()
        if not TEAM_ID.match(team_id):
            raise ValueError(
                tr(
                    "{id!r} is not a team id (12 characters, digits and a-f, as "
                    "`workbench team` shows it, e.g. 3f2a9c1b7d4e)",
                    id=team_id,
                )
            )
        if len(passphrase) < MIN_PASSPHRASE:
            raise ValueError(
                tr("a team passphrase has at least {count} characters", count=MIN_PASSPHRASE)
            )
        return cls(team_id, _derive(team_id, passphrase))

    def sign(self, header: dict[str, Any]) -> str:
        """The signature of a bundle header (its fields but `hmac`, as JSON)."""
        return hmac.new(self.key, _canonical(header), hashlib.sha256).hexdigest()

    def signed(self, header: dict[str, Any], signature: str) -> bool:
        return hmac.compare_digest(self.sign(header), signature)


def _derive(team_id: str, passphrase: str) -> bytes:
    salt = f"workbench-team:{team_id}".encode()  # the id: one team's key is no other's
    return hashlib.scrypt(passphrase.encode(), salt=salt, **_SCRYPT)


def _canonical(header: dict[str, Any]) -> bytes:
    fields = {name: value for name, value in header.items() if name != "hmac"}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
